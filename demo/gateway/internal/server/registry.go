package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	etcd "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2/log"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
)

// NewRegistry returns kratos' etcd registry on the etcd cluster c names:
// the gateway registers in it and finds the greeter through it. Unlike the
// greeter, the gateway cannot run without it, so an etcd that does not
// answer fails the start.
func NewRegistry(c *conf.Registry, logger log.Logger) (*etcd.Registry, func(), error) {
	endpoints := c.GetEtcd().GetEndpoints()
	if len(endpoints) == 0 {
		return nil, nil, fmt.Errorf("registry: the gateway finds the greeter through etcd, and registry.etcd.endpoints is empty")
	}
	timeout := time.Second
	if d := c.GetEtcd().GetDialTimeout(); d != nil && d.AsDuration() > 0 {
		timeout = d.AsDuration()
	}
	client, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: timeout})
	if err != nil {
		return nil, nil, fmt.Errorf("registry: etcd client: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := client.Status(ctx, endpoints[0]); err != nil {
		client.Close()
		return nil, nil, fmt.Errorf("registry: etcd %s does not answer: %w", strings.Join(endpoints, ","), err)
	}
	helper := log.NewHelper(logger)
	helper.Infof("etcd %s answered, registering and discovering there", strings.Join(endpoints, ","))
	cleanup := func() {
		if err := client.Close(); err != nil {
			helper.Errorf("close etcd client: %v", err)
		}
	}
	return etcd.New(client), cleanup, nil
}

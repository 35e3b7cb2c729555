package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	etcd "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/registry"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
)

const (
	// etcdProbeTimeout bounds the TCP probe of each endpoint: on a machine
	// without etcd, the usual case, a refused connection answers at once
	// and the start is not slowed down.
	etcdProbeTimeout = 200 * time.Millisecond
	// etcdDialTimeout is how long an etcd that accepted the connection may
	// take to answer a status request, unless registry.etcd.dial_timeout
	// says otherwise.
	etcdDialTimeout = time.Second
)

// NewRegistrar returns kratos' etcd registrar on the etcd cluster c names,
// and a cleanup that closes its client. When no registry is configured, or
// no endpoint answers, it logs one line and returns a nil Registrar: the App
// then runs without service discovery, as the data layer runs without Redis.
func NewRegistrar(c *conf.Registry, logger log.Logger) (registry.Registrar, func(), error) {
	helper := log.NewHelper(logger)
	endpoints := c.GetEtcd().GetEndpoints()
	if len(endpoints) == 0 {
		helper.Info("registry: none configured, not registering")
		return nil, func() {}, nil
	}
	timeout := etcdDialTimeout
	if d := c.GetEtcd().GetDialTimeout(); d != nil && d.AsDuration() > 0 {
		timeout = d.AsDuration()
	}
	client, err := connectEtcd(endpoints, timeout)
	if err != nil {
		helper.Warnf("etcd %s unreachable, not registering: %v", strings.Join(endpoints, ","), err)
		return nil, func() {}, nil
	}
	helper.Infof("etcd %s answered, registering there", strings.Join(endpoints, ","))
	cleanup := func() {
		if err := client.Close(); err != nil {
			helper.Errorf("close etcd client: %v", err)
		}
	}
	return etcd.New(client), cleanup, nil
}

// connectEtcd returns a client of the etcd at endpoints once one of them
// answers a status request. The etcd client connects lazily and would
// otherwise only fail at Register, after the servers have started.
func connectEtcd(endpoints []string, timeout time.Duration) (*clientv3.Client, error) {
	reachable := ""
	var dialErr error
	for _, ep := range endpoints {
		conn, err := net.DialTimeout("tcp", hostPort(ep), etcdProbeTimeout)
		if err != nil {
			dialErr = errors.Join(dialErr, err)
			continue
		}
		conn.Close()
		reachable = ep
		break
	}
	if reachable == "" {
		return nil, dialErr
	}
	client, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: timeout})
	if err != nil {
		return nil, fmt.Errorf("etcd client: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := client.Status(ctx, reachable); err != nil {
		client.Close()
		return nil, fmt.Errorf("status of %s: %w", reachable, err)
	}
	return client, nil
}

// hostPort strips the scheme from an endpoint given as a URL
// (http://127.0.0.1:2379), which etcd's client accepts too.
func hostPort(endpoint string) string {
	if i := strings.Index(endpoint, "://"); i >= 0 {
		return endpoint[i+3:]
	}
	return endpoint
}

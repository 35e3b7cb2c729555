package data

import (
	"context"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/middleware/recovery"
	"github.com/go-kratos/kratos/v2/registry"
	"github.com/go-kratos/kratos/v2/transport/grpc"

	v1 "github.com/kratos-trace/kratos-trace/demo/api/helloworld/v1"
	"github.com/kratos-trace/kratos-trace/demo/gateway/internal/biz"
)

// GreeterTarget is where the gateway finds the greeter: the name the
// greeter registers under (its main.Name), resolved by the discovery.
const GreeterTarget = "discovery:///kratos-trace-demo"

// greeterDialTimeout bounds the first resolution of GreeterTarget.
const greeterDialTimeout = 5 * time.Second

// NewGreeterClient dials the greeter through discovery: kratos' resolver
// watches the greeter's instances in the registry and the client balances
// over their gRPC endpoints.
func NewGreeterClient(r registry.Discovery, logger log.Logger) (v1.GreeterClient, func(), error) {
	conn, err := grpc.DialInsecure(context.Background(),
		grpc.WithEndpoint(GreeterTarget),
		grpc.WithDiscovery(r),
		grpc.WithTimeout(greeterDialTimeout),
		grpc.WithMiddleware(recovery.Recovery()),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("dial %s: %w", GreeterTarget, err)
	}
	helper := log.NewHelper(logger)
	cleanup := func() {
		if err := conn.Close(); err != nil {
			helper.Errorf("close the greeter's connection: %v", err)
		}
	}
	return v1.NewGreeterClient(conn), cleanup, nil
}

type greeterRepo struct {
	client v1.GreeterClient
}

// NewGreeterRepo returns the biz layer's GreeterRepo on client.
func NewGreeterRepo(client v1.GreeterClient, logger log.Logger) biz.GreeterRepo {
	return &greeterRepo{client: client}
}

// Greet calls the greeter's SayHello.
func (r *greeterRepo) Greet(ctx context.Context, name string) (string, error) {
	reply, err := r.client.SayHello(ctx, &v1.HelloRequest{Name: name})
	if err != nil {
		return "", err
	}
	return reply.GetMessage(), nil
}

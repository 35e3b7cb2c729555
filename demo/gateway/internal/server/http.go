package server

import (
	"context"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/middleware/logging"
	"github.com/go-kratos/kratos/v2/middleware/recovery"
	"github.com/go-kratos/kratos/v2/transport/http"

	v1 "github.com/kratos-trace/kratos-trace/demo/api/helloworld/v1"
	"github.com/kratos-trace/kratos-trace/demo/gateway/internal/service"
	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
)

// OperationGatewayHello is the operation name middleware sees for
// GET /gateway/{name}.
const OperationGatewayHello = "/gateway.v1.Gateway/Hello"

// NewHTTPServer returns the HTTP transport configured by c.Http, serving
// the gateway's one route.
func NewHTTPServer(c *conf.Server, gateway *service.GatewayService, logger log.Logger) *http.Server {
	opts := []http.ServerOption{
		http.Middleware(
			recovery.Recovery(),
			logging.Server(logger),
		),
	}
	if c.GetHttp().GetAddr() != "" {
		opts = append(opts, http.Address(c.GetHttp().GetAddr()))
	}
	if c.GetHttp().GetTimeout() != nil {
		opts = append(opts, http.Timeout(c.GetHttp().GetTimeout().AsDuration()))
	}
	srv := http.NewServer(opts...)
	srv.Route("/").GET("/gateway/{name}", helloHandler(gateway))
	return srv
}

// helloHandler binds GET /gateway/{name} to GatewayService.Hello, the way
// a generated binding would (see api/helloworld/v1/greeter_http.go).
func helloHandler(gateway *service.GatewayService) http.HandlerFunc {
	return func(ctx http.Context) error {
		var in v1.HelloRequest
		if err := ctx.BindVars(&in); err != nil {
			return err
		}
		http.SetOperation(ctx, OperationGatewayHello)
		h := ctx.Middleware(func(ctx context.Context, req any) (any, error) {
			return gateway.Hello(ctx, req.(*v1.HelloRequest))
		})
		out, err := h(ctx, &in)
		if err != nil {
			return err
		}
		return ctx.Result(200, out.(*v1.HelloReply))
	}
}

package v1

// This file is written by hand. kratos-layout generates it with kratos'
// protoc-gen-go-http, but that plugin is not served by the module proxy this
// project builds from, so the binding of `get: "/helloworld/{name}"` in
// greeter.proto is spelled out here with the same API the plugin would use:
// a route on the kratos HTTP server that binds the path and query into the
// request message and runs the handler through the server's middleware.
// Keep it in step with the google.api.http options in greeter.proto.

import (
	"context"

	"github.com/go-kratos/kratos/v2/transport/http"
)

// OperationGreeterSayHello is the operation name middleware sees for
// SayHello, identical on HTTP and gRPC so that selectors match both.
const OperationGreeterSayHello = "/helloworld.v1.Greeter/SayHello"

// GreeterHTTPServer is the part of the Greeter service served over HTTP.
type GreeterHTTPServer interface {
	// SayHello greets the name taken from the URL path.
	SayHello(context.Context, *HelloRequest) (*HelloReply, error)
}

// RegisterGreeterHTTPServer routes the Greeter's HTTP bindings to srv.
func RegisterGreeterHTTPServer(s *http.Server, srv GreeterHTTPServer) {
	r := s.Route("/")
	r.GET("/helloworld/{name}", greeterSayHelloHTTPHandler(srv))
}

// greeterSayHelloHTTPHandler binds GET /helloworld/{name} to SayHello.
func greeterSayHelloHTTPHandler(srv GreeterHTTPServer) http.HandlerFunc {
	return func(ctx http.Context) error {
		var in HelloRequest
		if err := ctx.BindQuery(&in); err != nil {
			return err
		}
		// Path variables bind last so that /helloworld/{name} wins over ?name=.
		if err := ctx.BindVars(&in); err != nil {
			return err
		}
		http.SetOperation(ctx, OperationGreeterSayHello)
		h := ctx.Middleware(func(ctx context.Context, req any) (any, error) {
			return srv.SayHello(ctx, req.(*HelloRequest))
		})
		out, err := h(ctx, &in)
		if err != nil {
			return err
		}
		return ctx.Result(200, out.(*HelloReply))
	}
}

// Package server builds the storefront's HTTP server.
package server

import (
	"context"

	"github.com/go-kratos/kratos/v2/transport/http"

	"example.com/beershop/app/storefront/service/internal/service"
)

// NewHTTPServer returns the HTTP server at addr with the routes GET
// /stock/{name} (the inventory asked over gRPC) and GET /http/stock/{name}
// (over HTTP), and no server middleware but Kratos' tracing when
// BEERSHOP_TRACING is set.
func NewHTTPServer(addr string, shop *service.StorefrontService) *http.Server {
	srv := http.NewServer(http.Address(addr), http.Middleware(tracingServer()...))
	srv.Route("/").GET("/stock/{name}", func(ctx http.Context) error {
		name := ctx.Vars().Get("name")
		h := ctx.Middleware(func(ctx context.Context, _ any) (any, error) {
			return shop.Stock(ctx, name)
		})
		out, err := h(ctx, name)
		if err != nil {
			return err
		}
		return ctx.Result(200, out)
	})
	srv.Route("/").GET("/http/stock/{name}", func(ctx http.Context) error {
		out, err := shop.StockOverHTTP(ctx, ctx.Vars().Get("name"))
		if err != nil {
			return err
		}
		return ctx.Result(200, out)
	})
	return srv
}

package server

import (
	"github.com/go-kratos/kratos/v2/transport/http"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"example.com/beershop/app/inventory/service/internal/service"
)

// NewHTTPServer returns the HTTP server at addr, serving GET
// /v1/stock/{name} with the same service as gRPC.
func NewHTTPServer(addr string, inventory *service.InventoryService) *http.Server {
	srv := http.NewServer(http.Address(addr))
	srv.Route("/").GET("/v1/stock/{name}", func(ctx http.Context) error {
		out, err := inventory.GetStock(ctx, wrapperspb.String(ctx.Vars().Get("name")))
		if err != nil {
			return err
		}
		return ctx.Result(200, out)
	})
	return srv
}

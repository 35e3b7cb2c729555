// Package data is the storefront's data layer: the inventory, asked over
// gRPC through discovery.
package data

import (
	"context"

	"github.com/go-kratos/kratos/v2/middleware"
	"github.com/go-kratos/kratos/v2/middleware/recovery"
	"github.com/go-kratos/kratos/v2/registry"
	"github.com/go-kratos/kratos/v2/transport/grpc"
	"github.com/go-kratos/kratos/v2/transport/http"
	grpcmd "google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/wrapperspb"

	v1 "example.com/beershop/api/inventory/v1"
	"example.com/beershop/app/storefront/service/internal/biz"
)

// InventoryTarget is where the inventory is found: its name in the registry.
const InventoryTarget = "discovery:///inventory"

// Data holds the clients of the inventory: gRPC, and HTTP.
type Data struct {
	inventory *v1.InventoryClient
	http      *http.Client
}

// NewData dials the inventory through discovery, over gRPC with the
// client's recovery middleware and over HTTP; the cleanup closes both.
func NewData(d registry.Discovery) (*Data, func(), error) {
	conn, err := grpc.DialInsecure(context.Background(),
		grpc.WithEndpoint(InventoryTarget),
		grpc.WithDiscovery(d),
		grpc.WithMiddleware(append([]middleware.Middleware{recovery.Recovery()}, tracingClient()...)...),
	)
	if err != nil {
		return nil, nil, err
	}
	hc, err := http.NewClient(context.Background(),
		http.WithEndpoint(InventoryTarget),
		http.WithDiscovery(d),
		http.WithMiddleware(tracingClient()...),
	)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return &Data{inventory: v1.NewInventoryClient(conn), http: hc}, func() { hc.Close(); conn.Close() }, nil
}

type inventoryRepo struct {
	data *Data
}

// NewInventoryRepo returns the repo that asks the inventory.
func NewInventoryRepo(data *Data) biz.InventoryRepo {
	return &inventoryRepo{data: data}
}

// Stock asks the inventory how many of name it holds, saying who asks and
// passing the caller's token on.
func (r *inventoryRepo) Stock(ctx context.Context, name string) (int64, error) {
	ctx = grpcmd.AppendToOutgoingContext(ctx, "x-caller", "storefront", "authorization", "Bearer s3cret-token")
	reply, err := r.data.inventory.GetStock(ctx, wrapperspb.String(name))
	if err != nil {
		return 0, err
	}
	return reply.GetValue(), nil
}

// StockOverHTTP asks the inventory's HTTP API how many of name it holds.
func (r *inventoryRepo) StockOverHTTP(ctx context.Context, name string) (int64, error) {
	var reply wrapperspb.Int64Value
	if err := r.data.http.Invoke(ctx, "GET", "/v1/stock/"+name, nil, &reply); err != nil {
		return 0, err
	}
	return reply.GetValue(), nil
}

// Package v1 is the inventory service's gRPC API, written by hand in the
// shape protoc-gen-go-grpc generates (a service descriptor, a server
// interface and a client), with protobuf's well-known wrapper messages, so
// that the fixture needs no protoc.
package v1

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// GetStockMethod is the full name of Inventory.GetStock.
const GetStockMethod = "/inventory.v1.Inventory/GetStock"

// InventoryServer is the inventory service: how many of a beer are in stock.
type InventoryServer interface {
	GetStock(context.Context, *wrapperspb.StringValue) (*wrapperspb.Int64Value, error)
}

// RegisterInventoryServer registers srv on s.
func RegisterInventoryServer(s grpc.ServiceRegistrar, srv InventoryServer) {
	s.RegisterService(&inventoryServiceDesc, srv)
}

func getStockHandler(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
	in := new(wrapperspb.StringValue)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(InventoryServer).GetStock(ctx, in)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: GetStockMethod}
	handler := func(ctx context.Context, req any) (any, error) {
		return srv.(InventoryServer).GetStock(ctx, req.(*wrapperspb.StringValue))
	}
	return interceptor(ctx, in, info, handler)
}

var inventoryServiceDesc = grpc.ServiceDesc{
	ServiceName: "inventory.v1.Inventory",
	HandlerType: (*InventoryServer)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "GetStock", Handler: getStockHandler}},
	Metadata:    "inventory/v1/inventory.proto",
}

// InventoryClient calls the inventory service.
type InventoryClient struct {
	cc grpc.ClientConnInterface
}

// NewInventoryClient returns a client that calls over cc.
func NewInventoryClient(cc grpc.ClientConnInterface) *InventoryClient {
	return &InventoryClient{cc: cc}
}

// GetStock asks how many of the beer named in are in stock.
func (c *InventoryClient) GetStock(ctx context.Context, in *wrapperspb.StringValue, opts ...grpc.CallOption) (*wrapperspb.Int64Value, error) {
	out := new(wrapperspb.Int64Value)
	if err := c.cc.Invoke(ctx, GetStockMethod, in, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// Package server builds the inventory's gRPC server.
package server

import (
	"github.com/go-kratos/kratos/v2/middleware/recovery"
	"github.com/go-kratos/kratos/v2/transport/grpc"

	v1 "example.com/beershop/api/inventory/v1"
	"example.com/beershop/app/inventory/service/internal/service"
)

// NewGRPCServer returns the gRPC server at addr, serving the inventory.
func NewGRPCServer(addr string, inventory *service.InventoryService) *grpc.Server {
	srv := grpc.NewServer(grpc.Address(addr), grpc.Middleware(recovery.Recovery()))
	v1.RegisterInventoryServer(srv, inventory)
	return srv
}

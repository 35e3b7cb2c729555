// Package server builds the gateway's HTTP transport and its registry.
package server

import (
	etcd "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2/registry"
	"github.com/google/wire"
)

// ProviderSet is the server layer's providers for wire: the one etcd
// registry serves as the App's registrar and as the client's discovery.
var ProviderSet = wire.NewSet(NewHTTPServer, NewRegistry,
	wire.Bind(new(registry.Registrar), new(*etcd.Registry)),
	wire.Bind(new(registry.Discovery), new(*etcd.Registry)))

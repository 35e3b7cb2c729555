// Package server builds the demo's transports from the configuration and
// registers the services on them.
package server

import "github.com/google/wire"

// ProviderSet is the server layer's providers for wire.
var ProviderSet = wire.NewSet(NewGRPCServer, NewHTTPServer, NewRegistrar)

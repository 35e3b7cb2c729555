// Package data implements the biz layer's GreeterRepo with a gRPC client
// of the greeter, found through service discovery.
package data

import "github.com/google/wire"

// ProviderSet is the data layer's providers for wire.
var ProviderSet = wire.NewSet(NewGreeterClient, NewGreeterRepo)

// Package biz is the gateway's business logic: what it asks the greeter,
// through the GreeterRepo the data layer implements.
package biz

import "github.com/google/wire"

// ProviderSet is the biz layer's providers for wire.
var ProviderSet = wire.NewSet(NewHelloUsecase)

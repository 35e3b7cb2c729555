// Package service adapts the biz use cases to the generated API interfaces
// that the transports serve.
package service

import "github.com/google/wire"

// ProviderSet is the service layer's providers for wire.
var ProviderSet = wire.NewSet(NewGreeterService)

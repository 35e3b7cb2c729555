// Package service implements the gateway's API on the biz layer.
package service

import "github.com/google/wire"

// ProviderSet is the service layer's providers for wire.
var ProviderSet = wire.NewSet(NewGatewayService)

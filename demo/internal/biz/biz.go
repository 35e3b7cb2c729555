// Package biz holds the demo's business rules: what a greeting is and what
// it needs from storage, with no knowledge of SQL or transports.
package biz

import "github.com/google/wire"

// ProviderSet is the biz layer's providers for wire.
var ProviderSet = wire.NewSet(NewGreeterUsecase)

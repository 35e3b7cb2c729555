//go:build wireinject

// The build tag keeps this injector template out of normal builds; wire
// reads it and writes the real wireApp into wire_gen.go.

package main

import (
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/log"
	"github.com/google/wire"

	"github.com/kratos-trace/kratos-trace/demo/gateway/internal/biz"
	"github.com/kratos-trace/kratos-trace/demo/gateway/internal/data"
	"github.com/kratos-trace/kratos-trace/demo/gateway/internal/server"
	"github.com/kratos-trace/kratos-trace/demo/gateway/internal/service"
	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
)

// wireApp builds the gateway from its configuration and logger.
func wireApp(*conf.Server, *conf.Registry, log.Logger) (*kratos.App, func(), error) {
	panic(wire.Build(server.ProviderSet, data.ProviderSet, biz.ProviderSet, service.ProviderSet, newApp))
}

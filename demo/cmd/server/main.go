// Command server is the demo Kratos service that kratos-trace runs by
// default. Its main follows kratos-layout line for line, so that every
// lifecycle phase the tracer stops at (flag parsing, config load and scan,
// wire, app run, the hooks, stop) sits where it sits in a real project.
package main

import (
	"context"
	"flag"
	"os"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/config"
	"github.com/go-kratos/kratos/v2/config/env"
	"github.com/go-kratos/kratos/v2/config/file"
	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/registry"
	"github.com/go-kratos/kratos/v2/transport/grpc"
	"github.com/go-kratos/kratos/v2/transport/http"

	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
)

// Set with go build -ldflags "-X main.Name=... -X main.Version=...".
var (
	// Name is the name of the service.
	Name = "kratos-trace-demo"
	// Version is the version of the service.
	Version = "v0.1.0"
	// flagconf is the config path, a file or a folder of files.
	flagconf string

	id, _ = os.Hostname()
)

func init() {
	flag.StringVar(&flagconf, "conf", "../../configs", "config path, eg: -conf config.yaml")
}

// newApp assembles the application from its servers and registrar (nil
// when no etcd answered: the App then skips registration). The hooks do
// nothing but log: they exist so that each lifecycle hook is a visible place
// to stop.
func newApp(logger log.Logger, gs *grpc.Server, hs *http.Server, rr registry.Registrar) *kratos.App {
	helper := log.NewHelper(logger)
	return kratos.New(
		kratos.ID(id),
		kratos.Name(Name),
		kratos.Version(Version),
		kratos.Metadata(map[string]string{}),
		kratos.Logger(logger),
		kratos.Server(
			gs,
			hs,
		),
		kratos.Registrar(rr),
		kratos.BeforeStart(func(context.Context) error {
			helper.Info("hook: before start")
			return nil
		}),
		kratos.AfterStart(func(ctx context.Context) error {
			var endpoints []string
			if info, ok := kratos.FromContext(ctx); ok {
				endpoints = info.Endpoint()
			}
			helper.Infof("hook: after start, endpoints %v", endpoints)
			return nil
		}),
		kratos.BeforeStop(func(context.Context) error {
			helper.Info("hook: before stop")
			return nil
		}),
		kratos.AfterStop(func(context.Context) error {
			helper.Info("hook: after stop")
			return nil
		}),
	)
}

func main() {
	flag.Parse()
	logger := log.With(log.NewStdLogger(os.Stdout),
		"ts", log.DefaultTimestamp,
		"caller", log.DefaultCaller,
		"service.id", id,
		"service.name", Name,
		"service.version", Version,
	)
	// The files of the config directory merge in name order, then the
	// KRATOS_* environment variables; ${KEY:default} placeholders are
	// resolved last, from all of them.
	c := config.New(
		config.WithSource(
			file.NewSource(flagconf),
			env.NewSource("KRATOS_"),
		),
	)
	defer c.Close()

	if err := c.Load(); err != nil {
		panic(err)
	}

	var bc conf.Bootstrap
	if err := c.Scan(&bc); err != nil {
		panic(err)
	}

	app, cleanup, err := wireApp(bc.Server, bc.Registry, bc.Data, logger)
	if err != nil {
		panic(err)
	}
	defer cleanup()

	// start and wait for stop signal
	if err := app.Run(); err != nil {
		panic(err)
	}
}

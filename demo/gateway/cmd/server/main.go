// Command server is the demo's second service, the gateway: it serves
// GET /gateway/{name} over HTTP and answers with what the greeter
// (../../../cmd/server) replies, found through service discovery in etcd
// (discovery:///kratos-trace-demo). Its main follows kratos-layout as the
// greeter's does; together they are the demo system (../../kratos-trace.yaml).
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
	"github.com/go-kratos/kratos/v2/transport/http"

	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
)

// Set with go build -ldflags "-X main.Name=... -X main.Version=...".
var (
	// Name is the name of the service.
	Name = "kratos-trace-gateway"
	// Version is the version of the service.
	Version = "v0.1.0"
	// flagconf is the config path, a file or a folder of files.
	flagconf string

	id, _ = os.Hostname()
)

func init() {
	flag.StringVar(&flagconf, "conf", "../../configs", "config path, eg: -conf config.yaml")
}

// newApp assembles the gateway from its HTTP server and registrar.
func newApp(logger log.Logger, hs *http.Server, rr registry.Registrar) *kratos.App {
	helper := log.NewHelper(logger)
	return kratos.New(
		kratos.ID(id+"-gateway"),
		kratos.Name(Name),
		kratos.Version(Version),
		kratos.Metadata(map[string]string{}),
		kratos.Logger(logger),
		kratos.Server(hs),
		kratos.Registrar(rr),
		kratos.AfterStart(func(ctx context.Context) error {
			helper.Info("hook: after start")
			return nil
		}),
		kratos.BeforeStop(func(context.Context) error {
			helper.Info("hook: before stop")
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

	// The gateway reads the greeter's Bootstrap: it uses its server.http
	// and registry sections.
	var bc conf.Bootstrap
	if err := c.Scan(&bc); err != nil {
		panic(err)
	}

	app, cleanup, err := wireApp(bc.Server, bc.Registry, logger)
	if err != nil {
		panic(err)
	}
	defer cleanup()

	// start and wait for stop signal
	if err := app.Run(); err != nil {
		panic(err)
	}
}

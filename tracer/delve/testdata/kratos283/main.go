// Command kratos283 is a kratos-layout-shaped app on Kratos v2.8.3, whose
// App.Run differs from v2.9.2's, with its config read through config.Scan.
package main

import (
	"flag"
	"time"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/config"
	"github.com/go-kratos/kratos/v2/config/file"
	"github.com/go-kratos/kratos/v2/transport/grpc"
	"github.com/go-kratos/kratos/v2/transport/http"
)

// Bootstrap is a plain struct: config.Scan decodes JSON-style into it.
type Bootstrap struct {
	Server struct {
		HTTP struct {
			Addr    string `json:"addr"`
			Timeout string `json:"timeout"`
		} `json:"http"`
		GRPC struct {
			Addr string `json:"addr"`
		} `json:"grpc"`
	} `json:"server"`
}

func newHTTPServer(bc *Bootstrap) *http.Server {
	timeout, _ := time.ParseDuration(bc.Server.HTTP.Timeout)
	return http.NewServer(http.Address(bc.Server.HTTP.Addr), http.Timeout(timeout))
}

func newGRPCServer(bc *Bootstrap) *grpc.Server {
	return grpc.NewServer(grpc.Address(bc.Server.GRPC.Addr))
}

func newApp(hs *http.Server, gs *grpc.Server) *kratos.App {
	return kratos.New(kratos.Name("kratos283"), kratos.Server(hs, gs))
}

func wireApp(bc *Bootstrap) (*kratos.App, func(), error) {
	hs := newHTTPServer(bc)
	gs := newGRPCServer(bc)
	app := newApp(hs, gs)
	return app, func() {}, nil
}

func main() {
	conf := flag.String("conf", "configs", "config path")
	flag.Parse()
	c := config.New(config.WithSource(file.NewSource(*conf)))
	defer c.Close()
	if err := c.Load(); err != nil {
		panic(err)
	}
	var bc Bootstrap
	if err := c.Scan(&bc); err != nil {
		panic(err)
	}
	app, cleanup, err := wireApp(&bc)
	if err != nil {
		panic(err)
	}
	defer cleanup()
	if err := app.Run(); err != nil {
		panic(err)
	}
}

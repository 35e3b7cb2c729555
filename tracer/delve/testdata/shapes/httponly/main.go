// Command httponly is a Kratos app with one HTTP server, built by a function
// named initApp instead of wireApp.
package main

import (
	"flag"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/transport/http"
)

func newHTTPServer(addr string) *http.Server {
	return http.NewServer(http.Address(addr))
}

func initApp(addr string) (*kratos.App, func(), error) {
	hs := newHTTPServer(addr)
	app := kratos.New(kratos.Name("httponly"), kratos.Server(hs))
	return app, func() {}, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	app, cleanup, err := initApp(*addr)
	if err != nil {
		panic(err)
	}
	defer cleanup()
	if err := app.Run(); err != nil {
		panic(err)
	}
}

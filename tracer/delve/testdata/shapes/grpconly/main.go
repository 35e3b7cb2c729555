// Command grpconly is a Kratos app with one gRPC server, built by a function
// named newApp that main calls directly.
package main

import (
	"flag"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/transport/grpc"
)

func newApp(addr string) *kratos.App {
	gs := grpc.NewServer(grpc.Address(addr))
	return kratos.New(kratos.Name("grpconly"), kratos.Server(gs))
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	app := newApp(*addr)
	if err := app.Run(); err != nil {
		panic(err)
	}
}

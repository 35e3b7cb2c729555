// Command twohttp is a Kratos app with three servers: a public HTTP server,
// an admin HTTP server and a gRPC server.
package main

import (
	"flag"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/transport/grpc"
	"github.com/go-kratos/kratos/v2/transport/http"
)

func newPublic(addr string) *http.Server { return http.NewServer(http.Address(addr)) }

func newAdmin(addr string) *http.Server { return http.NewServer(http.Address(addr)) }

func newGRPC(addr string) *grpc.Server { return grpc.NewServer(grpc.Address(addr)) }

func assemble(public, admin *http.Server, gs *grpc.Server) *kratos.App {
	return kratos.New(kratos.Name("twohttp"), kratos.Server(public, admin, gs))
}

func wireApp(public, admin, grpcAddr string) (*kratos.App, func(), error) {
	p := newPublic(public)
	a := newAdmin(admin)
	g := newGRPC(grpcAddr)
	app := assemble(p, a, g)
	return app, func() {}, nil
}

func main() {
	public := flag.String("public", "127.0.0.1:0", "public HTTP address")
	admin := flag.String("admin", "127.0.0.1:0", "admin HTTP address")
	grpcAddr := flag.String("grpc", "127.0.0.1:0", "gRPC address")
	flag.Parse()
	app, cleanup, err := wireApp(*public, *admin, *grpcAddr)
	if err != nil {
		panic(err)
	}
	defer cleanup()
	if err := app.Run(); err != nil {
		panic(err)
	}
}

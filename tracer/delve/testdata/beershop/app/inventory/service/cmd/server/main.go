// Command server is the inventory service of a beer-shop shaped monorepo:
// a gRPC and an HTTP server that register in etcd as "inventory".
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	etcd "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/log"
	clientv3 "go.etcd.io/etcd/client/v3"

	"example.com/beershop/app/inventory/service/internal/biz"
	"example.com/beershop/app/inventory/service/internal/data"
	"example.com/beershop/app/inventory/service/internal/server"
	"example.com/beershop/app/inventory/service/internal/service"
)

func main() {
	grpcAddr := flag.String("grpc", "127.0.0.1:0", "address of the gRPC server")
	httpAddr := flag.String("http", "127.0.0.1:0", "address of the HTTP server")
	endpoints := flag.String("etcd", "127.0.0.1:2379", "etcd endpoints, comma-separated")
	id := flag.String("id", "inventory-1", "the instance's id in the registry")
	lease := flag.Duration("lease", 15*time.Second, "the lease the instance is registered under in etcd")
	flag.Parse()

	client, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(*endpoints, ",")})
	if err != nil {
		panic(fmt.Errorf("etcd client: %w", err))
	}
	defer client.Close()
	app := wireApp(*id, *grpcAddr, *httpAddr, etcd.New(client, etcd.RegisterTTL(*lease)), log.NewStdLogger(os.Stdout))
	if err := app.Run(); err != nil {
		panic(err)
	}
}

// wireApp builds the App as wire would: data, biz, service, server.
func wireApp(id, grpcAddr, httpAddr string, r *etcd.Registry, logger log.Logger) *kratos.App {
	repo := data.NewStockRepo()
	uc := biz.NewStockUsecase(repo)
	svc := service.NewInventoryService(uc)
	gs := server.NewGRPCServer(grpcAddr, svc)
	hs := server.NewHTTPServer(httpAddr, svc)
	app := kratos.New(
		kratos.ID(id),
		kratos.Name("inventory"),
		kratos.Version("v1.0.0"),
		kratos.Logger(logger),
		kratos.Server(gs, hs),
		kratos.Registrar(r),
	)
	return app
}

// Command server is the storefront of a beer-shop shaped monorepo: an HTTP
// service that asks the inventory over gRPC, found through etcd as
// discovery:///inventory.
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

	"example.com/beershop/app/storefront/service/internal/biz"
	"example.com/beershop/app/storefront/service/internal/data"
	"example.com/beershop/app/storefront/service/internal/server"
	"example.com/beershop/app/storefront/service/internal/service"
)

func main() {
	httpAddr := flag.String("http", "127.0.0.1:0", "address of the HTTP server")
	endpoints := flag.String("etcd", "127.0.0.1:2379", "etcd endpoints, comma-separated")
	lease := flag.Duration("lease", 15*time.Second, "the lease the instance is registered under in etcd")
	flag.Parse()

	client, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(*endpoints, ",")})
	if err != nil {
		panic(fmt.Errorf("etcd client: %w", err))
	}
	defer client.Close()
	app, cleanup, err := wireApp(*httpAddr, etcd.New(client, etcd.RegisterTTL(*lease)), log.NewStdLogger(os.Stdout))
	if err != nil {
		panic(err)
	}
	defer cleanup()
	if err := app.Run(); err != nil {
		panic(err)
	}
}

// wireApp builds the App as wire would: data, biz, service, server.
func wireApp(httpAddr string, r *etcd.Registry, logger log.Logger) (*kratos.App, func(), error) {
	d, cleanup, err := data.NewData(r)
	if err != nil {
		return nil, nil, err
	}
	repo := data.NewInventoryRepo(d)
	uc := biz.NewShopUsecase(repo)
	shop := service.NewStorefrontService(uc)
	hs := server.NewHTTPServer(httpAddr, shop)
	app := kratos.New(
		kratos.ID("storefront-1"),
		kratos.Name("storefront"),
		kratos.Version("v1.0.0"),
		kratos.Logger(logger),
		kratos.Server(hs),
		kratos.Registrar(r),
	)
	return app, cleanup, nil
}

// Command handbuilt is a Kratos service whose main builds the App by hand,
// as go-kratos/examples' helloworld does: kratos.New in main, no wire, one
// HTTP server, the etcd registrar and one hook of each kind. It is the
// acceptance fixture of the whole lifecycle, registration included.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	etcd "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/transport/http"
	clientv3 "go.etcd.io/etcd/client/v3"
)

func main() {
	httpAddr := flag.String("http", "127.0.0.1:0", "address of the HTTP server")
	endpoints := flag.String("etcd", "127.0.0.1:2379", "etcd endpoints, comma-separated")
	registrarTimeout := flag.Duration("registrar-timeout", 3*time.Second, "how long Register and Deregister may take")
	flag.Parse()

	logger := log.NewStdLogger(os.Stdout)
	helper := log.NewHelper(logger)
	// No DialTimeout: the client connects lazily, so an etcd that does not
	// answer shows up as a failing Register, which is what the trace of a
	// registry outage looks like.
	client, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(*endpoints, ",")})
	if err != nil {
		panic(fmt.Errorf("etcd client: %w", err))
	}
	defer client.Close()

	hs := http.NewServer(http.Address(*httpAddr))
	hs.HandleFunc("/hello", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "hello")
	})

	app := kratos.New(
		kratos.ID("handbuilt-1"),
		kratos.Name("handbuilt"),
		kratos.Version("v1.2.3"),
		kratos.Metadata(map[string]string{"zone": "test", "owner": "kratos-trace"}),
		kratos.Logger(logger),
		kratos.Server(hs),
		kratos.Registrar(etcd.New(client)),
		kratos.RegistrarTimeout(*registrarTimeout),
		kratos.BeforeStart(func(context.Context) error {
			helper.Info("hook: before start")
			return nil
		}),
		kratos.AfterStart(func(context.Context) error {
			helper.Info("hook: after start")
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
	if err := app.Run(); err != nil {
		panic(err)
	}
}

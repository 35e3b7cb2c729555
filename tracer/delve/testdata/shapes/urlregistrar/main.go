// Command urlregistrar is a Kratos app whose registrar registers over HTTP,
// as consul's does, with a registry that is not there: Register returns the
// *url.Error of a refused connection, and main exits with log.Fatal.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/registry"
	khttp "github.com/go-kratos/kratos/v2/transport/http"
)

// putRegistrar registers an instance with a PUT to its agent.
type putRegistrar struct{ agent string }

func (r putRegistrar) Register(ctx context.Context, in *registry.ServiceInstance) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, "http://"+r.agent+"/v1/agent/service/register", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func (r putRegistrar) Deregister(context.Context, *registry.ServiceInstance) error { return nil }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	agent := flag.String("agent", "127.0.0.1:8500", "the registry agent's address")
	flag.Parse()
	app := kratos.New(kratos.Name("urlregistrar"), kratos.ID("urlregistrar-1"),
		kratos.Server(khttp.NewServer(khttp.Address(*addr))), kratos.Registrar(putRegistrar{agent: *agent}))
	if err := app.Run(); err != nil {
		log.Fatal(err)
	}
}

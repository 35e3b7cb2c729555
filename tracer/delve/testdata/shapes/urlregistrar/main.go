// Command urlregistrar is a Kratos app whose registrar registers over HTTP,
// as consul's does, with a registry that is not there: Register returns the
// *url.Error of a refused connection, and main exits with log.Fatal. With an
// agent that accepts the registration and refuses the deregistration, the
// failure comes at shutdown.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/registry"
	khttp "github.com/go-kratos/kratos/v2/transport/http"
)

// putRegistrar registers an instance with a PUT to its agent, and
// deregisters it with another.
type putRegistrar struct{ agent string }

func (r putRegistrar) Register(ctx context.Context, in *registry.ServiceInstance) error {
	return r.put(ctx, "/v1/agent/service/register")
}

func (r putRegistrar) Deregister(ctx context.Context, in *registry.ServiceInstance) error {
	return r.put(ctx, "/v1/agent/service/deregister/"+in.ID)
}

// put sends a PUT to the agent; an answer other than 200 is an error.
func (r putRegistrar) put(ctx context.Context, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, "http://"+r.agent+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", path, resp.Status)
	}
	return nil
}

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

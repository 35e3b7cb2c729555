// Command customsource is a Kratos app whose config comes from a file and
// from a source of its own, standing in for a remote config centre (Apollo,
// Nacos, …): kratos-trace does not know its type, and still gives its keys
// their origins. It only loads and scans its config, then exits.
package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/go-kratos/kratos/v2/config"
	"github.com/go-kratos/kratos/v2/config/file"
)

// centre is a config source of the program's own: one YAML document and
// one plain key, as a config centre's client returns them.
type centre struct{ namespace string }

func (c *centre) Load() ([]*config.KeyValue, error) {
	return []*config.KeyValue{
		{Key: c.namespace + ".yaml", Format: "yaml", Value: []byte("server:\n  http:\n    timeout: 5s\n")},
		{Key: "server.name", Value: []byte("from-the-centre")},
	}, nil
}

func (c *centre) Watch() (config.Watcher, error) { return idle{make(chan struct{})}, nil }

// idle is a watcher that never reports a change.
type idle struct{ stop chan struct{} }

func (w idle) Next() ([]*config.KeyValue, error) { <-w.stop; return nil, context.Canceled }
func (w idle) Stop() error                       { close(w.stop); return nil }

// Bootstrap is a plain struct: config.Scan decodes it with encoding/json.
type Bootstrap struct {
	Server struct {
		Name string `json:"name"`
		HTTP struct {
			Addr    string `json:"addr"`
			Timeout string `json:"timeout"`
		} `json:"http"`
	} `json:"server"`
}

func main() {
	conf := flag.String("conf", "config.yaml", "config file")
	flag.Parse()
	c := config.New(config.WithSource(file.NewSource(*conf), &centre{namespace: "application"}))
	defer c.Close()
	if err := c.Load(); err != nil {
		panic(err)
	}
	var bc Bootstrap
	if err := c.Scan(&bc); err != nil {
		panic(err)
	}
	fmt.Println(bc.Server.Name, bc.Server.HTTP.Addr, bc.Server.HTTP.Timeout)
}

// Command onlistener is a Kratos app whose servers are built on listeners
// it opened itself (http.Listener, grpc.Listener), the gRPC one wrapped as
// cmux wraps its matched listeners. Closing the wrapped listener answers
// cmux's error, so the HTTP server's Stop fails at shutdown, Run returns
// that error and main exits with log.Fatal, as examples/registry/etcd's
// cmuxServer does. With -before-stop-error a BeforeStop hook fails instead.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/transport/grpc"
	"github.com/go-kratos/kratos/v2/transport/http"
)

// errListenerClosed is cmux's error type for a closed listener.
type errListenerClosed string

func (e errListenerClosed) Error() string { return string(e) }

// muxListener stands for cmux's: the root listener embedded.
type muxListener struct {
	net.Listener
}

// Close closes the root listener and answers cmux's error.
func (l muxListener) Close() error {
	_ = l.Listener.Close()
	return errListenerClosed("mux: listener closed")
}

func main() {
	httpAddr := flag.String("http", "127.0.0.1:0", "the HTTP listener's address")
	grpcAddr := flag.String("grpc", "127.0.0.1:0", "the gRPC listener's address")
	hookErr := flag.String("before-stop-error", "", "a BeforeStop hook returns this error; the HTTP listener is then not wrapped")
	flag.Parse()
	hl, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		log.Fatal(err)
	}
	gl, err := net.Listen("tcp", *grpcAddr)
	if err != nil {
		log.Fatal(err)
	}
	var hs *http.Server
	opts := []kratos.Option{kratos.Name("onlistener")}
	if *hookErr != "" {
		hs = http.NewServer(http.Listener(hl))
		opts = append(opts, kratos.BeforeStop(func(context.Context) error { return errors.New(*hookErr) }))
	} else {
		hs = http.NewServer(http.Listener(muxListener{hl}))
	}
	gs := grpc.NewServer(grpc.Listener(gl))
	app := kratos.New(append(opts, kratos.Server(hs, gs))...)
	if err := app.Run(); err != nil {
		log.Fatal(err)
	}
}

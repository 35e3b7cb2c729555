// Command hang is a Kratos service whose boot hangs: after flag.Parse its
// main waits, in a function of its own, for a registry that never answers.
// -wait says how it waits: in a system call (syscall, the default), on the
// network (net), or on a channel (chan). With -wait stop it boots, and its
// shutdown hangs instead, in a BeforeStop hook.
package main

import (
	"context"
	"flag"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/transport/http"
)

func newApp(addr string, hangAtStop bool) *kratos.App {
	hs := http.NewServer(http.Address(addr))
	opts := []kratos.Option{kratos.Name("hang"), kratos.Server(hs)}
	if hangAtStop {
		opts = append(opts, kratos.BeforeStop(deregisterForever))
	}
	return kratos.New(opts...)
}

// deregisterForever never returns, as a hook that deregisters from a
// registry that never answers does not.
func deregisterForever(context.Context) error {
	select {}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	wait := flag.String("wait", "syscall", "how the registry is waited for: syscall, net or chan")
	// -conf is ignored: it is there as in kratos-layout, so that tests
	// start this service as they start the demo.
	_ = flag.String("conf", "../../configs", "config path (ignored)")
	flag.Parse()
	if *wait != "stop" {
		waitForRegistry(*wait)
	}
	app := newApp(*addr, *wait == "stop")
	if err := app.Run(); err != nil {
		panic(err)
	}
}

// waitForRegistry never returns, as a client of a registry that accepts a
// connection and never answers does not.
func waitForRegistry(how string) {
	switch how {
	case "net":
		readSilentPeer()
	case "chan":
		answer := make(chan struct{})
		go func() {
			time.Sleep(time.Hour)
			close(answer)
		}()
		<-answer
	default:
		// A blocking read(2): the goroutine sits in a system call.
		r, w, err := os.Pipe()
		if err != nil {
			panic(err)
		}
		defer w.Close()
		buf := make([]byte, 1)
		_, _ = syscall.Read(int(r.Fd()), buf)
	}
}

// readSilentPeer reads from a connection whose other end never writes.
func readSilentPeer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			select {}
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 1)
	_, _ = conn.Read(buf)
}

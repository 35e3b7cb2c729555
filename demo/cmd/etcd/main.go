// Command etcd is a single-member etcd embedded in a Go program, for the
// demo system (../../kratos-trace.yaml) on a machine without the etcd
// binary: the system file runs it with `go run ./cmd/etcd` when `etcd` is
// not on PATH. It serves until SIGTERM or SIGINT.
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	dataDir := flag.String("data-dir", "", "where etcd keeps its data (required)")
	client := flag.String("listen", "127.0.0.1:2379", "the client address, host:port")
	peer := flag.String("peer", "127.0.0.1:2380", "the peer address, host:port")
	flag.Parse()
	if err := run(*dataDir, *client, *peer); err != nil {
		fmt.Fprintf(os.Stderr, "etcd: %v\n", err)
		os.Exit(1)
	}
}

func run(dataDir, client, peer string) error {
	if dataDir == "" {
		return fmt.Errorf("give --data-dir")
	}
	cfg := embed.NewConfig()
	cfg.Name = "kratos-trace-demo"
	cfg.Dir = dataDir
	cfg.LogLevel = "error"
	clientURL := url.URL{Scheme: "http", Host: client}
	peerURL := url.URL{Scheme: "http", Host: peer}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{clientURL}, []url.URL{clientURL}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peerURL}, []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(time.Minute):
		return fmt.Errorf("not ready within a minute")
	}
	fmt.Printf("etcd serves at %s\n", clientURL.String())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-stop:
	case err := <-e.Err():
		return err
	}
	return nil
}

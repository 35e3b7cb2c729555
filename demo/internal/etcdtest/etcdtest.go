// Package etcdtest runs a real etcd for the demo's tests: the `etcd` binary
// (Debian's etcd-server, which the repository's .ci/run installs) on free
// loopback ports, never 2379, with its data in a temp dir.
package etcdtest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// startTimeout bounds the wait for a single member to serve; it is ready in
// about a second.
const startTimeout = 20 * time.Second

// Start runs etcd until the test ends and returns a client of it and its
// endpoint (host:port). Without the binary the test is skipped, or fails
// when CI is set.
func Start(t testing.TB) (*clientv3.Client, string) {
	t.Helper()
	bin, err := exec.LookPath("etcd")
	if err != nil {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatal("etcd is not installed and CI is set: .ci/run must install etcd-server")
		}
		t.Skip("etcd is not installed (Debian: apt-get install etcd-server)")
	}
	client, peer := freeAddr(t), freeAddr(t)
	dir := t.TempDir()
	cmd := exec.Command(bin,
		"--name", "demo-test",
		"--data-dir", dir,
		"--listen-client-urls", "http://"+client,
		"--advertise-client-urls", "http://"+client,
		"--listen-peer-urls", "http://"+peer,
		"--initial-advertise-peer-urls", "http://"+peer,
		"--initial-cluster", "demo-test=http://"+peer,
		"--log-level", "error",
	)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start etcd: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{client}, DialTimeout: time.Second})
	if err != nil {
		t.Fatalf("etcd client: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		_, err := c.Status(ctx, client)
		cancel()
		if err == nil {
			return c, client
		}
		select {
		case <-exited:
			t.Fatalf("etcd exited at start:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("etcd at %s did not answer within %s: %v", client, startTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Keys returns the keys under prefix with their values.
func Keys(t testing.TB, c *clientv3.Client, prefix string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := c.Get(ctx, prefix, clientv3.WithPrefix())
	if err != nil {
		t.Fatalf("etcd get %s: %v", prefix, err)
	}
	out := map[string]string{}
	for _, kv := range resp.Kvs {
		out[string(kv.Key)] = string(kv.Value)
	}
	return out
}

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

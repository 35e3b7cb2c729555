package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// demoEtcd is where the demo's own config looks for etcd.
const demoEtcd = "127.0.0.1:2379"

// startEtcd runs a throwaway etcd where the demo's config looks for one, so
// that the tour shows a registration: app.register and app.deregister with
// the instance. Without the etcd binary (Debian: etcd-server) the tour is
// recorded without, and says so. The returned function stops it.
func startEtcd() (func(), error) {
	bin, err := exec.LookPath("etcd")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen: no etcd binary: the tour is recorded without a registration (apt-get install etcd-server)")
		return func() {}, nil
	}
	if l, err := net.Listen("tcp", demoEtcd); err != nil {
		return nil, fmt.Errorf("%s is busy, so the tour's etcd cannot listen there: %w", demoEtcd, err)
	} else {
		l.Close()
	}
	peerL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	peer := "http://" + peerL.Addr().String()
	peerL.Close()
	dir, err := os.MkdirTemp("", "kratos-trace-tour-etcd-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--name", "tour", "--data-dir", dir,
		"--listen-client-urls", "http://"+demoEtcd, "--advertise-client-urls", "http://"+demoEtcd,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "tour="+peer,
		"--log-level", "error")
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start etcd: %w", err)
	}
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		os.RemoveAll(dir)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + demoEtcd + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
	}
	stop()
	return nil, fmt.Errorf("etcd at %s was not healthy within 20s", demoEtcd)
}

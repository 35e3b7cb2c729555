package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// demoSystem is the demo system (the greeter and the gateway, with an etcd
// process) written to a temp dir with every address free, as
// demo/kratos-trace.yaml is with the fixed ones.
type demoSystem struct {
	file        string
	etcd        string // host:port of etcd's clients
	etcdDir     string // its data, kept after the trace
	etcdPeer    string
	greeterHTTP string
	greeterGRPC string
	gatewayHTTP string
}

// writeDemoSystem writes the demo system's file. It needs the etcd binary.
func writeDemoSystem(t *testing.T) demoSystem {
	t.Helper()
	s, dir := newEtcdSystem(t)
	s.gatewayHTTP = freeAddr(t)
	greeter := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{EtcdEndpoint: s.etcd})
	s.greeterHTTP, s.greeterGRPC = greeter.HTTPAddr, greeter.GRPCAddr
	gatewayConf := filepath.Join(dir, "gateway")
	if err := os.Mkdir(gatewayConf, 0o700); err != nil {
		t.Fatal(err)
	}
	gw := fmt.Sprintf("server:\n  http:\n    addr: %s\n    timeout: 2s\nregistry:\n  etcd:\n    endpoints: [%q]\n", s.gatewayHTTP, s.etcd)
	if err := os.WriteFile(filepath.Join(gatewayConf, "config.yaml"), []byte(gw), 0o600); err != nil {
		t.Fatal(err)
	}
	demo, err := filepath.Abs("../../demo")
	if err != nil {
		t.Fatal(err)
	}
	sys := fmt.Sprintf(`services:
  - name: greeter
    package: %[1]s/cmd/server
    args: [-conf, %[2]s]
  - name: gateway
    package: %[1]s/gateway/cmd/server
    args: [-conf, %[3]s]
`, demo, greeter.Dir, gatewayConf)
	s.write(t, dir, sys)
	return s
}

// TestDemoSystem traces the demo system headless with a request to the
// gateway, which calls the greeter through discovery: each service's
// lifecycle in order, the gateway started once the greeter is at
// app.running, the shutdown in reverse order, nothing left, both instances
// gone from etcd, and the replay printing what the run printed.
func TestDemoSystem(t *testing.T) {
	s := writeDemoSystem(t)
	rec, out, events := runSystem(t, []string{"greeter", "gateway"}, "--system="+s.file, "--request", "gateway: GET /gateway/kratos")
	seqOf := func(service string, phase tracer.PhaseID) int { return phaseAt(t, events, service, phase) }
	checkLifecycle(t, events, []tracer.PhaseID{tracer.PhaseFlagParse, tracer.PhaseConfigLoad, tracer.PhaseConfigScan, tracer.PhaseAppRun,
		tracer.PhaseRegister, tracer.PhaseRunning, tracer.PhaseStop, tracer.PhaseDeregister, tracer.PhaseAfterStop, tracer.PhaseExit})
	if g, w := seqOf("gateway", tracer.PhaseFlagParse), seqOf("greeter", tracer.PhaseRunning); g < w {
		t.Errorf("the gateway started (event %d) before the greeter was at app.running (event %d)", g, w)
	}
	if g, w := seqOf("gateway", tracer.PhaseExit), seqOf("greeter", tracer.PhaseStop); g > w {
		t.Errorf("the greeter began its shutdown (event %d) before the gateway exited (event %d)", w, g)
	}
	// The gateway's reply carries the greeter's answer.
	reply := false
	for _, ev := range events {
		if ev.Service == "gateway" && ev.Phase == tracer.PhaseRequestReply && ev.Request != nil && ev.Request.Reply != nil {
			reply = strings.Contains(ev.Request.Reply.Body, "Hello kratos (via the gateway)")
		}
	}
	if !reply {
		t.Errorf("no reply of the gateway carries the greeter's answer")
	}
	for _, want := range []string{"greeter │ ● app.running", "gateway │ ● app.running", "Summary — greeter", "Summary — gateway"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
	// Nothing left: every port is free again.
	for _, addr := range []string{s.etcd, s.greeterHTTP, s.greeterGRPC, s.gatewayHTTP} {
		if l, err := net.Listen("tcp", addr); err != nil {
			t.Errorf("%s is still taken after the trace: %v", addr, err)
		} else {
			l.Close()
		}
	}
	if keys := etcdKeysAfter(t, s, "/microservices/"); keys != "" {
		t.Errorf("instances left in etcd after the shutdown:\n%s", keys)
	}

	// The replay prints the system as the run did.
	checkReplay(t, rec, out)
}

// etcdKeysAfter starts etcd again on the data the trace's etcd left and
// lists the keys under prefix. Instances register with a lease that a
// restart renews, so an instance that was not deregistered is still there.
func etcdKeysAfter(t *testing.T, s demoSystem, prefix string) string {
	t.Helper()
	cmd := exec.Command("etcd", "--name", "sys", "--data-dir", s.etcdDir,
		"--listen-client-urls", "http://"+s.etcd, "--advertise-client-urls", "http://"+s.etcd,
		"--listen-peer-urls", "http://"+s.etcdPeer, "--initial-advertise-peer-urls", "http://"+s.etcdPeer,
		"--initial-cluster", "sys=http://"+s.etcdPeer, "--log-level", "error")
	if err := cmd.Start(); err != nil {
		t.Fatalf("restart etcd: %v", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := exec.Command("etcdctl", "--endpoints", s.etcd, "--dial-timeout", "1s", "get", "--prefix", "--keys-only", prefix).CombinedOutput()
		if err == nil {
			return strings.TrimSpace(string(out))
		}
		if time.Now().After(deadline) {
			t.Fatalf("etcdctl get %s: %v\n%s", prefix, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n run:    %q\n replay: %q", i+1, x, y)
		}
	}
	return ""
}

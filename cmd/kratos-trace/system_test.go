package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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
	// The break is the gateway's alone: the greeter says so and runs on.
	rec, out, stderr, events := runSystem(t, []string{"greeter", "gateway"}, "--system="+s.file, "--request", "gateway: GET /gateway/kratos", "--break", "data.NewGreeterClient")
	checkLifecycle(t, events, []tracer.PhaseID{tracer.PhaseFlagParse, tracer.PhaseConfigLoad, tracer.PhaseConfigScan, tracer.PhaseAppRun,
		tracer.PhaseRegister, tracer.PhaseRunning, tracer.PhaseStop, tracer.PhaseDeregister, tracer.PhaseAfterStop, tracer.PhaseExit})
	checkStartOrder(t, events, "greeter", "gateway")
	if phaseAt(t, events, "gateway", tracer.PhaseBreak) < 0 || !strings.Contains(stderr, "greeter: --break data.NewGreeterClient: not in this program") {
		t.Errorf("the --break did not stop the gateway alone; stderr:\n%s", stderr)
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
	if taken := takenPorts(s.etcd, s.greeterHTTP, s.greeterGRPC, s.gatewayHTTP); len(taken) > 0 {
		t.Errorf("still taken after the trace: %v", taken)
	}
	if keys := etcdKeysAfter(t, s, "/microservices/"); keys != "" {
		t.Errorf("instances left in etcd after the shutdown:\n%s", keys)
	}

	// The replay prints the system as the run did.
	checkReplay(t, rec, out)
	checkSystemExportAndDiff(t, rec)
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

// TestSystemBadInput checks that each mistake in a system is one sentence
// naming what is wrong, a non-zero exit, and nothing left behind.
func TestSystemBadInput(t *testing.T) {
	demo, err := filepath.Abs("../../demo")
	if err != nil {
		t.Fatal(err)
	}
	conf, _, _ := demoConfigDir(t)
	silent := freeAddr(t)
	// A port that takes connections (the kernel's backlog) and never
	// answers: a connect: service there times out.
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	tests := []struct {
		name     string
		file     string
		args     []string
		wantCode int
		want     []string
	}{
		{"unknown key", "services:\n  - name: a\n    pakage: ./a\n", nil, exitFailed, []string{"kratos-trace.yaml:3: unknown key \"pakage\" in a service", "hint: the keys are"}},
		{"duplicate names", "services:\n  - name: a\n    package: ./a\n  - name: a\n    package: ./b\n", nil, exitFailed, []string{"kratos-trace.yaml:4: two services are named a"}},
		{"cycle", "services:\n  - name: a\n    package: ./a\n    after: [b]\n  - name: b\n    package: ./b\n", nil, exitFailed, []string{"kratos-trace.yaml:2: the services come after each other in a cycle: a → b → a"}},
		{"missing package", fmt.Sprintf("services:\n  - name: greeter\n    package: %s/cmd/server\n  - name: ghost\n    package: ./no-such-dir\n", demo), nil, exitFailed, []string{"service ghost: ", "no-such-dir does not exist"}},
		{"no file", "", []string{"--system=" + filepath.Join(t.TempDir(), "none.yaml")}, exitFailed, []string{"none.yaml: no such system file", "hint: "}},
		// --system takes its value with a space too: a .yaml argument is the file.
		{"no file, with a space", "", []string{"--system", filepath.Join(t.TempDir(), "none.yaml")}, exitFailed, []string{"none.yaml: no such system file", "hint: "}},
		{"packages beside --system", "services:\n  - package: ./a\n", []string{"../../demo"}, exitUsage, []string{"name no PACKAGE beside it"}},
		{"--together alone", "", []string{"--together", "../../demo"}, exitUsage, []string{"--together is for a system"}},
		{"ready never comes", fmt.Sprintf("services:\n  - name: greeter\n    package: %s/cmd/server\n    args: [-conf, %s]\nprocesses:\n  - name: sleeper\n    command: [sleep, \"3599.25\"]\n    ready: tcp %s\n    ready_timeout: 1s\n", demo, conf, silent), nil, exitFailed, []string{"process sleeper: timed out: nothing answered at " + silent + " within 1s (ready_timeout)"}},
		{"a key of another kind", "services:\n  - name: gw\n    connect: 127.0.0.1:2345\n    args: [-conf, x]\n", nil, exitFailed, []string{"kratos-trace.yaml:4: args does not apply to gw (connect): it is for package services", "hint: a running program keeps the arguments"}},
		{"sigterm with kill_on_exit", "services:\n  - name: a\n    attach: server\n    kill_on_exit: true\n    sigterm: true\n", nil, exitFailed, []string{"kratos-trace.yaml:5: sigterm and kill_on_exit each end a: give one", "hint: sigterm walks the shutdown"}},
		{"connect timeout", fmt.Sprintf("services:\n  - name: slow\n    connect: %s\n    timeout: 300ms\n", mute.Addr()), nil, exitFailed, []string{"kratos-trace: service slow: ", "within 300ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"run", "--headless"}
			if tt.file != "" {
				path := filepath.Join(t.TempDir(), "kratos-trace.yaml")
				if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--system="+path)
			}
			code, _, stderr := runCLI(t, append(args, tt.args...)...)
			checkRefusal(t, code, stderr, tt.wantCode, tt.want)
			// The process of "ready never comes" sleeps an hour and a
			// quarter second: no other process has that argument.
			for _, pid := range processesWithArg("3599.25") {
				t.Errorf("the process is left: pid %d (%s)", pid, cmdline(pid))
			}
		})
	}
}

// TestSystemPortTaken traces two services on the same ports: the second
// fails where kratos opens its listeners (buildInstance in v2.9, which asks
// each server for its endpoint), the first is shut down, and the trace
// exits 1 naming the service and the phase.
func TestSystemPortTaken(t *testing.T) {
	demo, err := filepath.Abs("../../demo")
	if err != nil {
		t.Fatal(err)
	}
	conf, httpAddr, grpcAddr := demoConfigDir(t)
	file := filepath.Join(t.TempDir(), "kratos-trace.yaml")
	sys := fmt.Sprintf("services:\n  - name: first\n    package: %[1]s/cmd/server\n    args: [-conf, %[2]s]\n  - name: second\n    package: %[1]s/cmd/server\n    args: [-conf, %[2]s]\n", demo, conf)
	if err := os.WriteFile(file, []byte(sys), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "run", "--headless", "--system="+file)
	skipWithoutPtrace(t, stderr)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", code, exitFailed, stderr)
	}
	if !strings.Contains(stderr, "kratos-trace: service second failed at app.build-instance") || !strings.Contains(stderr, "address already in use") {
		t.Errorf("stderr does not name the service and phase that failed:\n%s", stderr)
	}
	for _, want := range []string{"first  │ ● exit", "Summary — first", "Summary — second"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text lacks %q:\n%s", want, out)
		}
	}
	if taken := takenPorts(httpAddr, grpcAddr); len(taken) > 0 {
		t.Errorf("still taken after the trace: %v", taken)
	}
}

// takenPorts lists, as "port ADDR", the addresses something listens on.
func takenPorts(addrs ...string) []string {
	var taken []string
	for _, addr := range addrs {
		if l, err := net.Listen("tcp", addr); err != nil {
			taken = append(taken, "port "+addr)
		} else {
			l.Close()
		}
	}
	return taken
}

// TestSIGKILLSystemLeavesNothing kills kratos-trace with SIGKILL while the
// demo system serves: within 3 s neither service, nor their Delve servers,
// nor etcd, nor the watchdog is left, every port is free and the temporary
// directories are gone.
func TestSIGKILLSystemLeavesNothing(t *testing.T) {
	bin := buildKratosTrace(t)
	s := writeDemoSystem(t)
	tmp := t.TempDir()
	cmd := exec.Command(bin, "run", "--headless", "--hold", "5m", "--system="+s.file)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	holding := waitForStderr(t, cmd, "runs on from app.running")
	select {
	case <-holding:
	case <-time.After(4 * time.Minute):
		t.Fatal("kratos-trace never held the system at app.running")
	}
	if err := getWithin(10*time.Second, "http://"+s.gatewayHTTP+"/gateway/kill"); err != nil {
		t.Fatalf("the gateway does not serve during the hold: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	_ = cmd.Wait()
	leftProcesses := func() []int {
		pids := processesRunning(bin)
		for _, arg := range []string{s.file, s.etcdDir, filepath.Dir(s.file) + "/gateway"} {
			pids = append(pids, processesWithArg(arg)...)
		}
		return pids
	}
	left := waitUntilGone(3*time.Second, func() []string {
		var left []string
		for _, pid := range leftProcesses() {
			left = append(left, fmt.Sprintf("pid %d (%s)", pid, cmdline(pid)))
		}
		left = append(left, takenPorts(s.etcd, s.greeterHTTP, s.greeterGRPC, s.gatewayHTTP)...)
		dirs, _ := filepath.Glob(filepath.Join(tmp, "kratos-trace-*"))
		return append(left, dirs...)
	})
	if len(left) > 0 {
		for _, pid := range leftProcesses() {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("3s after SIGKILL these are left: %v", left)
	}
	t.Logf("nothing left %s after SIGKILL", time.Since(killed).Round(time.Millisecond))
}

// systemLessons run on the demo system, not on ./demo: live and on the
// replay of their run.
var systemLessons = []string{
	"../../demo/lessons/07-discovery.kts",
	"../../demo/lessons/07-discovery.zh.kts",
}

// TestDiscoveryLesson runs the lesson on registration and discovery on the
// demo system, then each language of it on the recording of that run.
func TestDiscoveryLesson(t *testing.T) {
	s := writeDemoSystem(t)
	rec := filepath.Join(t.TempDir(), "system.jsonl")
	code, out, stderr := runCLI(t, "run", "--script", systemLessons[0], "--record", rec, "--system="+s.file)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("live: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, lesson := range systemLessons {
		code, out, stderr := runCLI(t, "replay", "--script", lesson, rec)
		if code != 0 {
			t.Errorf("%s on the replay: exit %d\n%s\n%s", lesson, code, out, stderr)
		}
	}
}

// checkRefusal checks that a command line was refused with exit status
// wantCode and a stderr holding each of want, not with a Go panic.
func checkRefusal(t *testing.T, code int, stderr string, wantCode int, want []string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, wantCode, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Errorf("stderr looks like a crash:\n%s", stderr)
	}
}

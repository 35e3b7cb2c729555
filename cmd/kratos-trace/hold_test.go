package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// layoutDir is the stock kratos-layout fixture.
const layoutDir = "../../tracer/delve/testdata/layout"

// writeLayoutConfig writes the layout fixture's config with its servers on
// free loopback ports, and returns the directory and the HTTP address.
func writeLayoutConfig(t *testing.T) (dir, httpAddr string) {
	t.Helper()
	dir = t.TempDir()
	httpAddr = freeAddr(t)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(layoutConfig(httpAddr, freeAddr(t), "0.2s", "root")), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, httpAddr
}

// layoutConfig is the layout fixture's configs/config.yaml with its servers
// at httpAddr and grpcAddr, and the given Redis read timeout and DSN
// password.
func layoutConfig(httpAddr, grpcAddr, readTimeout, password string) string {
	return fmt.Sprintf(`server:
  http:
    addr: %s
    timeout: 1s
  grpc:
    addr: %s
    timeout: 1s
data:
  database:
    driver: mysql
    source: root:%s@tcp(127.0.0.1:3306)/test?parseTime=True&loc=Local
  redis:
    addr: 127.0.0.1:6379
    read_timeout: %s
    write_timeout: 0.2s
`, httpAddr, grpcAddr, password, readTimeout)
}

// TestHoldServesOnLayout: during `run --headless --hold` on a stock
// kratos-layout project the program runs, so an HTTP request to it is
// answered within a second; after the hold the shutdown is walked.
func TestHoldServesOnLayout(t *testing.T) {
	conf, httpAddr := writeLayoutConfig(t)
	const hold = 3 * time.Second
	var out, errOut syncBuffer
	done := make(chan int, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	go func() {
		done <- run(ctx, []string{"run", "--headless", "--hold", hold.String(), layoutDir, "--", "-conf", conf}, strings.NewReader(""), &out, &errOut)
	}()
	var holdStarted time.Time
	for holdStarted.IsZero() {
		select {
		case code := <-done:
			skipWithoutPtrace(t, errOut.String())
			t.Fatalf("exit %d before the hold\nstderr:\n%s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
			if strings.Contains(errOut.String(), "the program runs on from app.running") {
				holdStarted = time.Now()
			}
		}
	}
	if !strings.Contains(out.String(), "▶ running: the program serves for 3s (--hold), then it gets SIGTERM") {
		t.Errorf("the text does not say the program runs:\n%s", out.String())
	}
	client := &http.Client{Timeout: time.Second}
	asked := time.Now()
	resp, err := client.Get("http://" + httpAddr + "/helloworld/you")
	if err != nil {
		t.Fatalf("GET during the hold: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if took := time.Since(asked); took > time.Second || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Hello you") {
		t.Errorf("GET during the hold: %d %q after %s", resp.StatusCode, body, took)
	}
	var code int
	select {
	case code = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("no exit within a minute of the hold\nstderr:\n%s", errOut.String())
	}
	if code != 0 {
		t.Errorf("exit %d\nstderr:\n%s", code, errOut.String())
	}
	if time.Since(holdStarted) < hold-100*time.Millisecond {
		t.Errorf("the trace ended %s after the hold began, before the hold was over", time.Since(holdStarted))
	}
	text := out.String()
	running := strings.Index(text, "▶ running")
	for _, phase := range []string{"● app.stop", "● server.stop", "● app.after-stop", "● exit"} {
		if i := strings.Index(text, phase); i < running {
			t.Errorf("%s is not walked after the hold:\n%s", phase, text)
		}
	}
}

// TestConnectHoldServesThenLeaves: `connect --hold` lets the program run
// during the hold too, so it answers; then the trace ends and leaves it
// running under its Delve server, serving, with the breakpoints cleared.
func TestConnectHoldServesThenLeaves(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real Delve server")
	}
	dlv := installDlv(t)
	demo, _ := buildDemoElsewhere(t)
	conf, httpAddr, _ := demoConfigDir(t)
	d := startHeadlessDelve(t, dlv, demo, conf)
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"connect", "--headless", "--hold", "3s", d.addr}, strings.NewReader(""), &out, &errOut)
	}()
	deadline := time.After(3 * time.Minute)
	for !strings.Contains(errOut.String(), "the program runs on from app.running") {
		select {
		case code := <-done:
			skipWithoutPtrace(t, errOut.String())
			t.Fatalf("exit %d before the hold\nstderr:\n%s", code, errOut.String())
		case <-deadline:
			t.Fatalf("no hold\nstderr:\n%s", errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := getWithin(time.Second, "http://"+httpAddr+"/helloworld/hold"); err != nil {
		t.Errorf("GET during the hold: %v", err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d\nstderr:\n%s", code, errOut.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("connect did not end after the hold\nstderr:\n%s", errOut.String())
	}
	if !strings.Contains(errOut.String(), "left the program running under Delve") {
		t.Errorf("stderr does not say the program was left running:\n%s", errOut.String())
	}
	if err := getWithin(5*time.Second, "http://"+httpAddr+"/helloworld/after"); err != nil {
		t.Errorf("GET after the trace left: %v", err)
	}
}

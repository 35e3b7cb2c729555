package tracertest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// etcdStartTimeout bounds how long a test waits for its etcd to be healthy;
// a single member on loopback is ready in about a second.
const etcdStartTimeout = 20 * time.Second

// StartEtcd runs a single-member etcd (the `etcd` binary: Debian's
// etcd-server, which .ci/run installs) on free loopback ports with its data
// in a temp dir, and returns its client URL. It stops etcd when the test
// ends. Without the binary the test is skipped, or fails when CI is set:
// there a missing etcd is a broken machine, not a reason to test less.
func StartEtcd(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("etcd")
	if err != nil {
		missing(t, "etcd is not installed (Debian: apt-get install etcd-server)")
	}
	client := "http://" + FreeAddr(t)
	peer := "http://" + FreeAddr(t)
	dir := t.TempDir()
	cmd := exec.Command(bin,
		"--name", "kratos-trace-test",
		"--data-dir", dir,
		"--listen-client-urls", client,
		"--advertise-client-urls", client,
		"--listen-peer-urls", peer,
		"--initial-advertise-peer-urls", peer,
		"--initial-cluster", "kratos-trace-test="+peer,
		"--log-level", "error",
	)
	logFile, err := os.Create(dir + ".log")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("start etcd: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		logFile.Close()
		os.Remove(logFile.Name())
	})
	ctx, cancel := context.WithTimeout(context.Background(), etcdStartTimeout)
	defer cancel()
	for {
		if etcdHealthy(ctx, client) {
			return client
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logFile.Name())
			t.Fatalf("etcd exited at start:\n%s", b)
		case <-ctx.Done():
			b, _ := os.ReadFile(logFile.Name())
			t.Fatalf("etcd at %s was not healthy within %s:\n%s", client, etcdStartTimeout, b)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// etcdHealthy asks etcd's /health endpoint whether it serves.
func etcdHealthy(ctx context.Context, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/health", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var h struct {
		Health string `json:"health"`
	}
	return json.NewDecoder(resp.Body).Decode(&h) == nil && h.Health == "true"
}

// EtcdKeys lists the keys under prefix in the etcd at url with etcdctl,
// etcd's own client (Debian: etcd-client), with their values.
func EtcdKeys(t testing.TB, url, prefix string) map[string]string {
	t.Helper()
	bin, err := exec.LookPath("etcdctl")
	if err != nil {
		missing(t, "etcdctl is not installed (Debian: apt-get install etcd-client)")
	}
	cmd := exec.Command(bin, "--endpoints", url, "--dial-timeout", "3s", "--command-timeout", "5s", "get", "--prefix", prefix, "-w", "json")
	cmd.Env = append(os.Environ(), "ETCDCTL_API=3")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("etcdctl get %s: %v %s", prefix, err, stderr)
	}
	var resp struct {
		Kvs []struct {
			Key   []byte `json:"key"`
			Value []byte `json:"value"`
		} `json:"kvs"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("etcdctl output %q: %v", out, err)
	}
	kvs := map[string]string{}
	for _, kv := range resp.Kvs {
		kvs[string(kv.Key)] = string(kv.Value)
	}
	return kvs
}

// missing skips a test that needs a tool this machine lacks, or fails it
// when CI is set.
func missing(t testing.TB, why string) {
	t.Helper()
	if v := strings.TrimSpace(os.Getenv("CI")); v != "" && v != "false" && v != "0" {
		t.Fatalf("%s, and CI is set: .ci/run must install it", why)
	}
	t.Skip(why)
}

// EtcdEndpoint strips the scheme from an etcd client URL, for programs that
// take host:port endpoints.
func EtcdEndpoint(url string) string {
	return strings.TrimPrefix(strings.TrimPrefix(url, "http://"), "https://")
}

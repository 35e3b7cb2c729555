package tracertest

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// DemoConfig is a config directory for the demo service whose servers bind
// free loopback ports, so tests can run the demo beside each other and
// beside a demo a developer has running on 8000/9000.
type DemoConfig struct {
	Dir      string
	HTTPAddr string
	GRPCAddr string
}

// DemoConfigOptions change what WriteDemoConfig writes; a zero field keeps
// the default in its comment.
type DemoConfigOptions struct {
	HTTPTimeout string // "1s"
	GRPCTimeout string // "1s"
	// DatabaseSource is the sqlite source; ":memory:" keeps nothing on disk.
	DatabaseSource string
	// RedisAddr is where the demo looks for Redis; "127.0.0.1:1", where
	// nothing answers, by default.
	RedisAddr         string
	RedisReadTimeout  string // "0.2s"
	RedisWriteTimeout string // "0.2s"
	// EtcdEndpoint is where the demo registers (registry.etcd.endpoints),
	// e.g. EtcdEndpoint(StartEtcd(t)); by default a free port where
	// nothing answers, so a developer's etcd on 2379 is never touched.
	EtcdEndpoint string
}

// FreeAddr returns a loopback address nothing listens on right now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// WriteDemoConfig writes config.yaml for the demo into a temp dir.
func WriteDemoConfig(t testing.TB, o DemoConfigOptions) DemoConfig {
	t.Helper()
	c := DemoConfig{Dir: t.TempDir(), HTTPAddr: FreeAddr(t), GRPCAddr: FreeAddr(t)}
	yaml := fmt.Sprintf(`server:
  http:
    addr: %s
    timeout: %s
  grpc:
    addr: %s
    timeout: %s
data:
  database:
    driver: sqlite
    source: %q
  redis:
    network: tcp
    addr: %q
    read_timeout: %s
    write_timeout: %s
registry:
  etcd:
    endpoints:
      - %q
`, c.HTTPAddr, or(o.HTTPTimeout, "1s"), c.GRPCAddr, or(o.GRPCTimeout, "1s"),
		or(o.DatabaseSource, ":memory:"), or(o.RedisAddr, "127.0.0.1:1"),
		or(o.RedisReadTimeout, "0.2s"), or(o.RedisWriteTimeout, "0.2s"),
		or(o.EtcdEndpoint, FreeAddr(t)))
	if err := os.WriteFile(filepath.Join(c.Dir, "config.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

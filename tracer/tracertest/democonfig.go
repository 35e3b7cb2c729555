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

// OverrideFile is the second file of a demo config directory; its line
// OverrideAddrLine sets server.http.addr.
const (
	OverrideFile     = "zz-override.yaml"
	OverrideAddrLine = 4
)

// DemoConfigOptions change what WriteDemoConfig writes; a zero field keeps
// the default in its comment.
type DemoConfigOptions struct {
	HTTPTimeout string // "1s"
	GRPCTimeout string // "1s"
	// DatabaseDriver is "sqlite", the only driver the demo links; another
	// makes its data.NewData provider return an error.
	DatabaseDriver string
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

// WriteDemoConfig writes a config directory shaped like the demo's own
// into a temp dir: config.yaml, whose HTTP address zz-override.yaml (read
// after it) replaces with HTTPAddr, and whose gRPC timeout is the
// placeholder ${GRPC_TIMEOUT:<GRPCTimeout>}, which a KRATOS_GRPC_TIMEOUT
// variable fills.
func WriteDemoConfig(t testing.TB, o DemoConfigOptions) DemoConfig {
	t.Helper()
	c := DemoConfig{Dir: t.TempDir(), HTTPAddr: FreeAddr(t), GRPCAddr: FreeAddr(t)}
	yaml := fmt.Sprintf(`server:
  http:
    addr: %s
    timeout: %s
  grpc:
    addr: %s
    timeout: ${GRPC_TIMEOUT:%s}
data:
  database:
    driver: %s
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
`, FreeAddr(t), or(o.HTTPTimeout, "1s"), c.GRPCAddr, or(o.GRPCTimeout, "1s"),
		or(o.DatabaseDriver, "sqlite"), or(o.DatabaseSource, ":memory:"), or(o.RedisAddr, "127.0.0.1:1"),
		or(o.RedisReadTimeout, "0.2s"), or(o.RedisWriteTimeout, "0.2s"),
		or(o.EtcdEndpoint, FreeAddr(t)))
	if err := os.WriteFile(filepath.Join(c.Dir, "config.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	override := fmt.Sprintf("# Read after config.yaml, so its keys win.\nserver:\n  http:\n    addr: %s\n", c.HTTPAddr)
	if err := os.WriteFile(filepath.Join(c.Dir, OverrideFile), []byte(override), 0o600); err != nil {
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

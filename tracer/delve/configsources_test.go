package delve

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// untilScan traces cfg up to config.scan and returns the config.load and
// config.scan stops.
func untilScan(t *testing.T, cfg Config) (load, scan tracer.Event) {
	t.Helper()
	tr := runTrace(t, cfg, func(s *Session, ev tracer.Event) bool {
		if ev.Phase == tracer.PhaseConfigScan {
			return false
		}
		if err := s.Continue(t.Context()); err != nil {
			t.Fatalf("continue at %s: %v", ev.Label(), err)
		}
		return true
	})
	return tr.first(t, tracer.PhaseConfigLoad), tr.first(t, tracer.PhaseConfigScan)
}

// origin returns the chain printed beside a Bootstrap leaf.
func origin(t *testing.T, ev tracer.Event, key string) (*tracer.Node, string) {
	t.Helper()
	n := ev.Bootstrap.Lookup(key)
	if n == nil {
		t.Fatalf("no %s in the Bootstrap:\n%s", key, ev.Bootstrap.Format())
	}
	if n.Origin == nil {
		t.Fatalf("%s has no origin", key)
	}
	return n, tracer.Chain(n.Origin, n.Overrides)
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConfigProvenanceLayout is the acceptance on a stock
// kratos-layout project: its configs/ gets a second file that overrides
// server.http.addr and sets server.grpc.timeout through ${SOME_VAR:3s}.
func TestConfigProvenanceLayout(t *testing.T) {
	dir := t.TempDir()
	httpAddr, grpcAddr, shadowed := tracertest.FreeAddr(t), tracertest.FreeAddr(t), tracertest.FreeAddr(t)
	writeFiles(t, dir, map[string]string{
		"config.yaml": fmt.Sprintf(`server:
  http:
    addr: %s
    timeout: 1s
  grpc:
    addr: %s
    timeout: 1s
data:
  database:
    driver: mysql
    source: root:root@tcp(127.0.0.1:3306)/test?parseTime=True&loc=Local
  redis:
    addr: 127.0.0.1:6379
    read_timeout: 0.2s
    write_timeout: 0.2s
`, shadowed, grpcAddr),
		"zz-local.yaml": fmt.Sprintf("server:\n  http:\n    addr: %s\n  grpc:\n    timeout: ${SOME_VAR:3s}\n", httpAddr),
	})
	load, scan := untilScan(t, Config{Target: "testdata/layout", Args: []string{"-conf", dir}})

	if got := tracer.SourcesSummary(load.ConfigSources); !strings.HasPrefix(got, "2 sources: "+filepath.ToSlash(dir)+"/config.yaml (yaml, ") || !strings.Contains(got, "/zz-local.yaml (yaml, 78 B)") {
		t.Errorf("config.load sources: %s", got)
	}
	if !strings.HasSuffix(load.File, "config/config.go") || load.Function != KratosModule+"/config.(*config).Load" {
		t.Errorf("config.load stopped at %s in %s, want config.go in (*config).Load", load.Location(), load.Function)
	}

	cfgFile, local := filepath.ToSlash(filepath.Join(dir, "config.yaml")), filepath.ToSlash(filepath.Join(dir, "zz-local.yaml"))
	addr, chain := origin(t, scan, "server.http.addr")
	if want := fmt.Sprintf("%s:3 (overrides %s:3)", local, cfgFile); chain != want || addr.Value != httpAddr {
		t.Errorf("server.http.addr = %s # %s, want %s # %s", addr.Value, chain, httpAddr, want)
	}
	if len(addr.Overrides) != 1 || addr.Overrides[0].Value != shadowed {
		t.Errorf("server.http.addr overrides %+v, want config.yaml's %s", addr.Overrides, shadowed)
	}
	timeout, chain := origin(t, scan, "server.grpc.timeout")
	if want := fmt.Sprintf("${SOME_VAR:3s} default (%s:5) (overrides %s:7)", local, cfgFile); chain != want || timeout.Value != "3s" {
		t.Errorf("server.grpc.timeout = %s # %s, want 3s # %s", timeout.Value, chain, want)
	}
	for key, line := range map[string]int{"server.http.timeout": 4, "server.grpc.addr": 6, "data.database.source": 11, "data.redis.write_timeout": 15} {
		if _, chain := origin(t, scan, key); chain != fmt.Sprintf("%s:%d", cfgFile, line) {
			t.Errorf("%s # %s, want %s:%d", key, chain, cfgFile, line)
		}
	}
	if _, chain := origin(t, scan, "data.redis.network"); chain != "unset" {
		t.Errorf("data.redis.network # %s, want unset", chain)
	}
}

// TestConfigProvenanceDemoEnv traces the demo, whose config.yaml holds
// ${GRPC_TIMEOUT:...}, with KRATOS_GRPC_TIMEOUT set: the env source
// resolves the placeholder.
func TestConfigProvenanceDemoEnv(t *testing.T) {
	conf := writeDemoConfig(t)
	t.Setenv("KRATOS_GRPC_TIMEOUT", "3s")
	// More variables than are read one by one: the env source is read in
	// one request.
	for i := range fewKeyValues {
		t.Setenv(fmt.Sprintf("KRATOS_FILLER_%d", i), strings.Repeat("v", 100+i))
	}
	load, scan := untilScan(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}})

	var names []string
	for _, s := range load.ConfigSources {
		names = append(names, s.Kind+" "+filepath.Base(s.Name))
	}
	if got := strings.Join(names, ", "); got != "file config.yaml, file zz-override.yaml, env KRATOS_" {
		t.Errorf("config.load sources: %s", got)
	}
	env := load.ConfigSources[len(load.ConfigSources)-1]
	if !strings.Contains(env.Content, "KRATOS_GRPC_TIMEOUT=3s") || !strings.Contains(env.Content, "KRATOS_FILLER_3="+strings.Repeat("v", 103)+"\n") {
		t.Errorf("the env source's content lacks KRATOS_GRPC_TIMEOUT=3s: %q", env.Content)
	}
	timeout, chain := origin(t, scan, "server.grpc.timeout")
	if timeout.Value != "3s" || timeout.Origin.Kind != tracer.OriginPlaceholder || timeout.Origin.Resolved == nil ||
		timeout.Origin.Resolved.Kind != tracer.OriginEnv || timeout.Origin.Resolved.Key != "KRATOS_GRPC_TIMEOUT" {
		t.Errorf("server.grpc.timeout = %s # %s, want 3s from env KRATOS_GRPC_TIMEOUT", timeout.Value, chain)
	}
	if !strings.HasSuffix(chain, "via ${GRPC_TIMEOUT:2s} ("+filepath.ToSlash(conf.Dir)+"/config.yaml:7)") {
		t.Errorf("server.grpc.timeout # %s: the placeholder's place is missing", chain)
	}
	addr, chain := origin(t, scan, "server.http.addr")
	if addr.Value != conf.HTTPAddr || !strings.HasPrefix(chain, filepath.ToSlash(conf.Dir)+"/"+tracertest.OverrideFile+fmt.Sprintf(":%d (overrides ", tracertest.OverrideAddrLine)) {
		t.Errorf("server.http.addr = %s # %s", addr.Value, chain)
	}
}

// TestConfigProvenanceJSON traces the demo on a JSON config file.
func TestConfigProvenanceJSON(t *testing.T) {
	dir := t.TempDir()
	httpAddr, grpcAddr := tracertest.FreeAddr(t), tracertest.FreeAddr(t)
	writeFiles(t, dir, map[string]string{"config.json": fmt.Sprintf(`{
  "server": {
    "http": {"addr": %q, "timeout": "1s"},
    "grpc": {"addr": %q, "timeout": "2s"}
  },
  "data": {
    "database": {"driver": "sqlite", "source": ":memory:"},
    "redis": {"network": "tcp", "addr": "127.0.0.1:1", "readTimeout": "0.2s"}
  }
}
`, httpAddr, grpcAddr)})
	load, scan := untilScan(t, Config{Target: demoDir, Args: []string{"-conf", dir}})
	if len(load.ConfigSources) == 0 || load.ConfigSources[0].Format != "json" {
		t.Errorf("config.load sources: %s", tracer.SourcesSummary(load.ConfigSources))
	}
	file := filepath.ToSlash(filepath.Join(dir, "config.json"))
	for key, want := range map[string]string{
		"server.http.addr":         file + ":3",
		"server.grpc.timeout":      file + ":4",
		"data.redis.read_timeout":  file + ":8",
		"data.redis.write_timeout": "unset",
	} {
		if _, chain := origin(t, scan, key); chain != want {
			t.Errorf("%s # %s, want %s", key, chain, want)
		}
	}
	// `    "grpc": {"addr": "ADDR", "timeout": "2s"}`: the value's column.
	if n, _ := origin(t, scan, "server.grpc.timeout"); n.Origin.Column != 37+len(grpcAddr) {
		t.Errorf("server.grpc.timeout at column %d, want %d", n.Origin.Column, 37+len(grpcAddr))
	}
}

// TestConfigProvenanceUnknownSource traces a program with a config source
// of its own, as a config centre's client is: it shows as other (its
// type), and its keys still get origins, with lines in its YAML document.
func TestConfigProvenanceUnknownSource(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"config.yaml": "server:\n  http:\n    addr: 127.0.0.1:0\n    timeout: 1s\n"})
	load, scan := untilScan(t, Config{Target: "testdata/shapes/customsource", Args: []string{"-conf", filepath.Join(dir, "config.yaml")}})
	want := "3 sources: " + filepath.ToSlash(dir) + "/config.yaml (yaml, 54 B), *main.centre application.yaml (yaml, 32 B), *main.centre (1 key)"
	if got := tracer.SourcesSummary(load.ConfigSources); got != want {
		t.Errorf("config.load sources:\n got %s\nwant %s", got, want)
	}
	for key, want := range map[string]string{
		"server.http.timeout": "other (*main.centre) application.yaml:3 (overrides " + filepath.ToSlash(dir) + "/config.yaml:4)",
		"server.name":         "other (*main.centre) server.name",
		"server.http.addr":    filepath.ToSlash(dir) + "/config.yaml:3",
	} {
		if _, chain := origin(t, scan, key); chain != want {
			t.Errorf("%s # %s, want %s", key, chain, want)
		}
	}
}

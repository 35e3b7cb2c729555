package provenance

import (
	"io"
	"os"
	"strings"
	"testing"

	klog "github.com/go-kratos/kratos/v2/log"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestMain(m *testing.M) {
	// Kratos' config logs every key-value it loads; the oracle's runs
	// need none of it.
	klog.SetLogger(klog.NewStdLogger(io.Discard))
	os.Exit(m.Run())
}

func TestOrigins(t *testing.T) {
	layoutYAML := "server:\n  http:\n    addr: 0.0.0.0:8000\n    timeout: 1s\n  grpc:\n    addr: 0.0.0.0:9000\n    timeout: 1s\n"
	tests := []struct {
		name    string
		sources []Source
		key     string
		want    string // Chain of the origin and overrides
		line    int
		column  int
	}{
		{"untouched leaf", []Source{yamlFile("configs", "config.yaml", layoutYAML)}, "server.grpc.addr", "configs/config.yaml:6", 6, 11},
		{"override", []Source{
			yamlFile("configs", "config.yaml", layoutYAML),
			yamlFile("configs", "zz-override.yaml", "server:\n  http:\n    addr: 127.0.0.1:8001\n"),
		}, "server.http.addr", "configs/zz-override.yaml:3 (overrides configs/config.yaml:3)", 3, 11},
		{"two overrides, latest first", []Source{
			yamlFile("c", "a.yaml", "x: 1\n"),
			yamlFile("c", "b.yaml", "\nx: 2\n"),
			yamlFile("c", "c.yaml", "\n\nx: 3\n"),
		}, "x", "c/c.yaml:3 (overrides c/b.yaml:2, c/a.yaml:1)", 3, 4},
		{"placeholder default", []Source{
			yamlFile("configs", "config.yaml", "server:\n  grpc:\n    timeout: ${SOME_VAR:3s}\n"),
		}, "server.grpc.timeout", "${SOME_VAR:3s} default (configs/config.yaml:3)", 3, 14},
		{"placeholder from env", []Source{
			yamlFile("configs", "config.yaml", "server:\n  grpc:\n    timeout: ${SOME_VAR:3s}\n"),
			envSource("KRATOS_", "KRATOS_SOME_VAR=5s"),
		}, "server.grpc.timeout", "env KRATOS_SOME_VAR via ${SOME_VAR:3s} (configs/config.yaml:3)", 3, 14},
		{"placeholder from another file's key", []Source{
			yamlFile("c", "a.yaml", "db:\n  host: ${db_host}\n"),
			yamlFile("c", "b.yaml", "db_host: pg.local\n"),
		}, "db.host", "c/b.yaml:1 via ${db_host} (c/a.yaml:2)", 2, 9},
		{"env value set directly", []Source{
			yamlFile("c", "a.yaml", "name: app\n"),
			envSource("APP_", "APP_name=from-env"),
		}, "name", "env APP_name (overrides c/a.yaml:1)", 0, 0},
		{"json position", []Source{
			yamlFile("c", "config.json", "{\n  \"server\": {\n    \"http\": {\"addr\": \"1.1.1.1:1\"}\n  }\n}\n"),
		}, "server.http.addr", "c/config.json:3", 3, 22},
		{"toml position", []Source{
			yamlFile("c", "config.toml", "[server.http]\naddr = \"1.1.1.1:1\"\n\n[[servers]]\nname = \"a\"\n[[servers]]\nname = \"b\"\n"),
		}, "server.http.addr", "c/config.toml:2", 2, 8},
		{"yaml alias points at its anchor", []Source{
			yamlFile("c", "a.yaml", "base: &b\n  t: 1s\nhttp: *b\n"),
		}, "http.t", "c/a.yaml:2", 2, 6},
		{"other source with a format", []Source{
			{Kind: KindOther, Type: "*github.com/x/nacos.source", KVs: []KeyValue{{Key: "app.yaml", Value: "a:\n  b: 1\n", Format: "yaml"}}},
		}, "a.b", "other (*nacos.source) app.yaml:2", 2, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Merge(tc.sources, Options{})
			o, over, ok := res.Lookup(tc.key)
			if !ok {
				t.Fatalf("%s: not found", tc.key)
			}
			if got := tracer.Chain(&o, over); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.key, got, tc.want)
			}
			at := o
			if at.Kind == tracer.OriginPlaceholder || at.Kind == tracer.OriginDefault {
				at = tracer.Origin{Line: o.Line, Column: o.Column}
			}
			if at.Line != tc.line || at.Column != tc.column {
				t.Errorf("%s: at %d:%d, want %d:%d", tc.key, at.Line, at.Column, tc.line, tc.column)
			}
		})
	}
}

func TestTOMLArrayTables(t *testing.T) {
	res := Merge([]Source{yamlFile("c", "config.toml", "[[servers]]\nname = \"a\"\n[[servers]]\nname = \"b\"\nports = [1, 2]\n")}, Options{})
	for key, line := range map[string]int{"servers": 1} {
		o, _, ok := res.Lookup(key)
		if !ok || o.Line != line {
			t.Errorf("%s: %+v, want line %d", key, o, line)
		}
	}
	list := res.root.fields["servers"]
	if list == nil || len(list.items) != 2 {
		t.Fatalf("servers: %+v", list)
	}
	if o := list.items[1].fields["name"].origin; o.Line != 4 || o.Column != 8 {
		t.Errorf("servers[1].name at %d:%d, want 4:8", o.Line, o.Column)
	}
	if o := list.items[1].fields["ports"].items[1].origin; o.Line != 5 || o.Column != 13 {
		t.Errorf("servers[1].ports[1] at %d:%d, want 5:13", o.Line, o.Column)
	}
}

// demoBootstrap is the shape of the demo's decoded conf.Bootstrap.
func demoBootstrap() *tracer.Node {
	leaf := func(name, value string) *tracer.Node { return &tracer.Node{Name: name, Value: value} }
	group := func(name string, c ...*tracer.Node) *tracer.Node { return &tracer.Node{Name: name, Children: c} }
	return group("Bootstrap",
		group("server",
			group("http", leaf("network", ""), leaf("addr", "127.0.0.1:8000"), leaf("timeout", "1s")),
			group("grpc", leaf("network", ""), leaf("addr", "127.0.0.1:9000"), leaf("timeout", "1s"))),
		group("data",
			group("database", leaf("driver", "sqlite"), leaf("source", "x.db")),
			group("redis", leaf("network", "tcp"), leaf("addr", "127.0.0.1:6379"), leaf("read_timeout", "200ms"), leaf("write_timeout", "200ms"))))
}

func TestAnnotateBootstrap(t *testing.T) {
	root := demoBootstrap()
	notes := Annotate(root, []Source{
		{Kind: KindFile, Path: "../../configs", KVs: []KeyValue{
			{Key: "config.yaml", Format: "yaml", Value: "server:\n  http:\n    addr: 127.0.0.1:8080\n    timeout: 1s\n  grpc:\n    addr: 127.0.0.1:9000\n    timeout: ${GRPC_TIMEOUT:1s}\ndata:\n  database:\n    driver: sqlite\n    source: x.db\n  redis:\n    network: tcp\n    addr: 127.0.0.1:6379\n    readTimeout: 0.2s\n    write_timeout: 0.2s\n"},
			{Key: "zz-override.yaml", Format: "yaml", Value: "server:\n  http:\n    addr: 127.0.0.1:8000\n"},
		}},
		{Kind: KindEnv, Prefixes: []string{"KRATOS_"}},
	}, Options{WorkDir: "/src/demo/cmd/server", Root: "/src/demo"})
	if len(notes) > 0 {
		t.Fatalf("notes: %v", notes)
	}
	want := map[string]string{
		"server.http.network":      "unset",
		"server.http.addr":         "configs/zz-override.yaml:3 (overrides configs/config.yaml:3)",
		"server.http.timeout":      "configs/config.yaml:4",
		"server.grpc.timeout":      "${GRPC_TIMEOUT:1s} default (configs/config.yaml:7)",
		"data.redis.read_timeout":  "configs/config.yaml:15",
		"data.redis.write_timeout": "configs/config.yaml:16",
		"data.database.source":     "configs/config.yaml:11",
		"server.grpc.network":      "unset",
		"data.redis.network":       "configs/config.yaml:13",
		"data.redis.addr":          "configs/config.yaml:14",
		"server.grpc.addr":         "configs/config.yaml:6",
		"data.database.driver":     "configs/config.yaml:10",
	}
	root.Walk(func(path string, n *tracer.Node) {
		if len(n.Children) > 0 || path == "" {
			return
		}
		w, ok := want[path]
		if !ok {
			t.Errorf("%s: not expected", path)
			return
		}
		if got := tracer.Chain(n.Origin, n.Overrides); got != w {
			t.Errorf("%s: %q, want %q", path, got, w)
		}
		if path == "server.http.addr" && (len(n.Overrides) != 1 || n.Overrides[0].Value != "127.0.0.1:8080") {
			t.Errorf("%s: overrides %+v, want config.yaml's 127.0.0.1:8080", path, n.Overrides)
		}
	})
}

func TestAnnotatePlainStruct(t *testing.T) {
	root := &tracer.Node{Name: "Bootstrap", Children: []*tracer.Node{{Name: "server", Children: []*tracer.Node{
		{Name: "http", Children: []*tracer.Node{{Name: "addr", Value: "x"}}},
	}}}}
	src := []Source{yamlFile("c", "a.yaml", "Server:\n  HTTP:\n    Addr: x\n")}
	Annotate(root, src, Options{})
	if got := root.Lookup("server.http.addr").Origin.Kind; got != tracer.OriginUnset {
		t.Errorf("protojson: %s, want unset (protojson does not fold case)", got)
	}
	Annotate(root, src, Options{Plain: true})
	if got := root.Lookup("server.http.addr").Origin.String(); got != "c/a.yaml:3" {
		t.Errorf("encoding/json: %q, want c/a.yaml:3", got)
	}
}

func TestEnvName(t *testing.T) {
	tests := []struct {
		prefixes []string
		kv       KeyValue
		environ  []string
		want     string
	}{
		{[]string{"KRATOS_"}, KeyValue{Key: "X", Value: "1"}, nil, "KRATOS_X"},
		{[]string{"KRATOS"}, KeyValue{Key: "X", Value: "1"}, nil, "KRATOS_X"},
		{[]string{"KRATOS"}, KeyValue{Key: "X", Value: "1"}, []string{"KRATOSX=1"}, "KRATOSX"},
		{[]string{"A_", "B_"}, KeyValue{Key: "X", Value: "2"}, []string{"A_X=1", "B_X=2"}, "B_X"},
		{nil, KeyValue{Key: "HOME", Value: "/root"}, []string{"HOME=/root"}, "HOME"},
	}
	for _, tc := range tests {
		if got := envName(tc.prefixes, tc.kv, tc.environ); got != tc.want {
			t.Errorf("envName(%v, %+v, %v) = %q, want %q", tc.prefixes, tc.kv, tc.environ, got, tc.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	srcs := []Source{
		{Kind: KindFile, Path: "../../configs", KVs: []KeyValue{
			{Key: "config.yaml", Format: "yaml", Value: "a: 1\nb:\n  c: 2\n"},
			{Key: "zz-override.yaml", Format: "yaml", Value: "a: 3\n"},
		}},
		{Kind: KindFile, Path: "/etc/app/config.json", KVs: []KeyValue{{Key: "config.json", Format: "json", Value: `{"a": 1}`}}},
		envSource("KRATOS_", "KRATOS_B=2", "KRATOS_A=1"),
		{Kind: KindOther, Type: "*github.com/x/apollo.source", KVs: []KeyValue{{Key: "app", Value: "v"}}},
	}
	got := Describe(srcs, Options{WorkDir: "/src/demo/cmd/server", Root: "/src/demo"})
	want := "5 sources: configs/config.yaml (yaml, 15 B), configs/zz-override.yaml (yaml, 5 B), /etc/app/config.json (json, 8 B), env KRATOS_ (2 keys), *apollo.source (1 key)"
	if s := tracer.SourcesSummary(got); s != want {
		t.Errorf("summary:\n got %s\nwant %s", s, want)
	}
	if got[0].Keys != 2 {
		t.Errorf("config.yaml keys = %d, want 2", got[0].Keys)
	}
	if got[3].Content != "KRATOS_A=1\nKRATOS_B=2" {
		t.Errorf("env content = %q", got[3].Content)
	}
}

func TestUndecodableFileIsANote(t *testing.T) {
	res := Merge([]Source{
		yamlFile("c", "a.yaml", "a: [unclosed\n"),
		yamlFile("c", "b.yaml", "b: 1\n"),
	}, Options{})
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "c/a.yaml") {
		t.Errorf("notes = %v, want one about c/a.yaml", res.Notes)
	}
	if _, _, ok := res.Lookup("b"); !ok {
		t.Error("b.yaml's keys are missing")
	}
}

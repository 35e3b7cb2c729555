package provenance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/go-kratos/kratos/v2/config"
	"github.com/go-kratos/kratos/v2/config/env"
	"github.com/go-kratos/kratos/v2/config/file"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// The oracle: Kratos' own config package loads the same key-values, and
// every leaf of what it scans must be explained by the merge kratos-trace
// replays: the same keys, the same values, and for a placeholder, the
// value its origin names.

// memSource is a config.Source that returns fixed key-values.
type memSource struct{ kvs []*config.KeyValue }

func (m memSource) Load() ([]*config.KeyValue, error) { return m.kvs, nil }
func (m memSource) Watch() (config.Watcher, error) {
	return &idleWatcher{stop: make(chan struct{})}, nil
}

// idleWatcher never reports a change; Next returns once it is stopped.
type idleWatcher struct{ stop chan struct{} }

func (w *idleWatcher) Next() ([]*config.KeyValue, error) {
	<-w.stop
	return nil, context.Canceled
}
func (w *idleWatcher) Stop() error { close(w.stop); return nil }

// kratosLoad runs Kratos' config.Load over srcs and returns the merged,
// resolved config as Scan gives it to a map.
func kratosLoad(t *testing.T, srcs ...config.Source) map[string]any {
	t.Helper()
	c := config.New(config.WithSource(srcs...))
	defer c.Close()
	if err := c.Load(); err != nil {
		t.Fatalf("kratos Load: %v", err)
	}
	out := map[string]any{}
	if err := c.Scan(&out); err != nil {
		t.Fatalf("kratos Scan: %v", err)
	}
	return out
}

// flatten lists the leaves of a scanned map as dotted key → JSON text.
func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, c, out)
		}
		if len(x) == 0 && prefix != "" {
			out[prefix] = "{}"
		}
	case []any:
		for i, c := range x {
			flatten(fmt.Sprintf("%s[%d]", prefix, i), c, out)
		}
		if len(x) == 0 {
			out[prefix] = "[]"
		}
	default:
		b, _ := json.Marshal(x)
		out[prefix] = string(b)
	}
}

// replayedLeaves lists the leaves of the replayed merge as dotted key →
// JSON text of the value the program ends up with, computing a
// placeholder's value from its origin alone.
func replayedLeaves(t *testing.T, r *Result) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(prefix string, v *val)
	walk = func(prefix string, v *val) {
		switch v.kind {
		case kindMap:
			for k, c := range v.fields {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, c)
			}
			if len(v.fields) == 0 && prefix != "" {
				out[prefix] = "{}"
			}
			return
		case kindList:
			for i, c := range v.items {
				walk(fmt.Sprintf("%s[%d]", prefix, i), c)
			}
			if len(v.items) == 0 {
				out[prefix] = "[]"
			}
			return
		case kindNull:
			out[prefix] = "null"
			return
		}
		value := v.scalar
		if v.resolved != nil {
			value = expandFromOrigins(r, v)
		}
		// Through JSON, as Scan sees it (ints become float64).
		b, _ := json.Marshal(value)
		var back any
		_ = json.Unmarshal(b, &back)
		b, _ = json.Marshal(back)
		out[prefix] = string(b)
	}
	walk("", r.root)
	return out
}

// expandFromOrigins expands v's placeholders from what the replay says
// each resolved to: the value at the key an origin names, or the default.
func expandFromOrigins(r *Result, v *val) string {
	s := v.scalar.(string)
	for _, m := range placeholderRegexp.FindAllStringSubmatch(s, -1) {
		args := strings.SplitN(strings.TrimSpace(m[1]), ":", 2)
		repl := ""
		if ref := r.root.find(strings.Split(args[0], ".")); ref != nil {
			if ref.resolved != nil {
				repl = expandFromOrigins(r, ref)
			} else if ref.kind == kindScalar {
				repl = ref.text()
			}
		} else if len(args) > 1 {
			repl = args[1]
		}
		s = strings.ReplaceAll(s, m[0], repl)
	}
	return s
}

// toKratos turns a test's sources into Kratos sources over the same
// key-values.
func toKratos(srcs []Source) []config.Source {
	var out []config.Source
	for _, s := range srcs {
		var kvs []*config.KeyValue
		for _, kv := range s.KVs {
			kvs = append(kvs, &config.KeyValue{Key: kv.Key, Value: []byte(kv.Value), Format: kv.Format})
		}
		out = append(out, memSource{kvs: kvs})
	}
	return out
}

func yamlFile(dir, name, text string) Source {
	return Source{Kind: KindFile, Path: dir, KVs: []KeyValue{{Key: name, Value: text, Format: formatOf(name)}}}
}

func formatOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return ""
}

func envSource(prefix string, vars ...string) Source {
	s := Source{Kind: KindEnv, Prefixes: []string{prefix}}
	for _, v := range vars {
		k, val, _ := strings.Cut(v, "=")
		s.KVs = append(s.KVs, KeyValue{Key: strings.TrimPrefix(strings.TrimPrefix(k, prefix), "_"), Value: val})
	}
	return s
}

// oracleCases are merges whose every leaf is checked against Kratos.
var oracleCases = []struct {
	name    string
	sources []Source
}{
	{"override in a second file", []Source{
		yamlFile("configs", "config.yaml", "server:\n  http:\n    addr: 0.0.0.0:8000\n    timeout: 1s\n  grpc:\n    addr: 0.0.0.0:9000\n"),
		yamlFile("configs", "zz.yaml", "server:\n  http:\n    addr: 127.0.0.1:8001\n"),
	}},
	{"an empty value still overrides", []Source{
		yamlFile("c", "a.yaml", "a:\n  s: text\n  n: 5\n  b: true\n"),
		yamlFile("c", "b.yaml", "a:\n  s: \"\"\n  n: 0\n  b: false\n"),
	}},
	{"lists are replaced whole", []Source{
		yamlFile("c", "a.yaml", "l: [1, 2, 3]\nm:\n  - x: 1\n    y: 2\n"),
		yamlFile("c", "b.yaml", "l: [9]\nm:\n  - x: 5\n"),
	}},
	{"a map over a scalar and a scalar over a map", []Source{
		yamlFile("c", "a.yaml", "a: scalar\nb:\n  c: 1\n"),
		yamlFile("c", "b.yaml", "a:\n  c: 2\nb: scalar\n"),
	}},
	{"an empty map is replaced", []Source{
		yamlFile("c", "a.yaml", "a: {}\n"),
		yamlFile("c", "b.yaml", "a:\n  k: v\n"),
	}},
	{"placeholder default", []Source{
		yamlFile("c", "config.yaml", "server:\n  grpc:\n    timeout: ${SOME_VAR:3s}\n"),
		envSource("KRATOS_"),
	}},
	{"placeholder from env", []Source{
		yamlFile("c", "config.yaml", "server:\n  grpc:\n    timeout: ${SOME_VAR:3s}\n"),
		envSource("KRATOS_", "KRATOS_SOME_VAR=5s"),
	}},
	{"placeholder from another key, a default with colons, no default", []Source{
		yamlFile("c", "config.yaml", "a:\n  host: db.local\nb: ${a.host}\nc: ${MISSING:127.0.0.1:6379}\nd: ${MISSING}\ne: x-${a.host}-${NOPE:y}\n"),
	}},
	{"env keys with dots nest, without them they do not", []Source{
		yamlFile("c", "config.yaml", "server:\n  http:\n    addr: 1.1.1.1:1\n"),
		envSource("KRATOS_", "KRATOS_server.http.addr=2.2.2.2:2", "KRATOS_SERVER_HTTP_ADDR=3.3.3.3:3"),
	}},
	{"json and yaml together", []Source{
		yamlFile("c", "a.json", `{"server": {"http": {"addr": "1.1.1.1:1", "timeout": "2s"}, "list": [1, "two", {"k": true}]}}`),
		yamlFile("c", "b.yaml", "server:\n  http:\n    timeout: 3s\n"),
	}},
	{"yaml anchors and merge keys", []Source{
		yamlFile("c", "a.yaml", "base: &base\n  addr: 1.1.1.1:1\n  timeout: 1s\nhttp:\n  <<: *base\n  timeout: 2s\ngrpc: *base\n"),
	}},
	{"placeholders in lists", []Source{
		yamlFile("c", "a.yaml", "hosts:\n  - ${H1:one}\n  - plain\n  - k: ${H2:two}\n"),
		envSource("KRATOS_", "KRATOS_H2=zwei"),
	}},
}

func TestMergeAgreesWithKratos(t *testing.T) {
	for _, tc := range oracleCases {
		t.Run(tc.name, func(t *testing.T) {
			want := map[string]string{}
			flatten("", kratosLoad(t, toKratos(tc.sources)...), want)
			res := Merge(tc.sources, Options{})
			if len(res.Notes) > 0 {
				t.Fatalf("notes: %v", res.Notes)
			}
			got := replayedLeaves(t, res)
			if diff := diffMaps(want, got); diff != "" {
				t.Errorf("the replayed merge differs from Kratos' (- kratos, + replay):\n%s", diff)
			}
		})
	}
}

func diffMaps(want, got map[string]string) string {
	var keys []string
	seen := map[string]bool{}
	for k := range want {
		keys, seen[k] = append(keys, k), true
	}
	for k := range got {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		w, wok := want[k]
		g, gok := got[k]
		if wok && gok && w == g {
			continue
		}
		if wok {
			fmt.Fprintf(&b, "- %s = %s\n", k, w)
		}
		if gok {
			fmt.Fprintf(&b, "+ %s = %s\n", k, g)
		}
	}
	return b.String()
}

// TestRealSourcesAgreeWithKratos reads a config directory and the
// environment through Kratos' own file and env sources, as a program
// would, and checks the replay of what they returned.
func TestRealSourcesAgreeWithKratos(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("config.yaml", "server:\n  http:\n    addr: 0.0.0.0:8000\n  grpc:\n    timeout: ${GRPC_TIMEOUT:1s}\n")
	write("zz-override.yaml", "server:\n  http:\n    addr: 127.0.0.1:8000\n")
	write("extra.json", `{"server": {"grpc": {"addr": "127.0.0.1:9000"}}}`)
	write(".hidden.yaml", "server:\n  http:\n    addr: hidden\n")
	t.Setenv("PROVTEST_GRPC_TIMEOUT", "7s")

	fileSrc, envSrc := file.NewSource(dir), env.NewSource("PROVTEST_")
	want := map[string]string{}
	flatten("", kratosLoad(t, fileSrc, envSrc), want)

	var sources []Source
	for _, s := range []struct {
		src  config.Source
		kind string
	}{{fileSrc, KindFile}, {envSrc, KindEnv}} {
		kvs, err := s.src.Load()
		if err != nil {
			t.Fatal(err)
		}
		ps := Source{Kind: s.kind, Path: dir, Prefixes: []string{"PROVTEST_"}}
		for _, kv := range kvs {
			ps.KVs = append(ps.KVs, KeyValue{Key: kv.Key, Value: string(kv.Value), Format: kv.Format})
		}
		sources = append(sources, ps)
	}
	res := Merge(sources, Options{Root: dir, Environ: os.Environ()})
	if diff := diffMaps(want, replayedLeaves(t, res)); diff != "" {
		t.Errorf("the replayed merge differs from Kratos' (- kratos, + replay):\n%s", diff)
	}
	o, over, _ := res.Lookup("server.http.addr")
	if o.Source != "zz-override.yaml" || o.Line != 3 || len(over) != 1 || over[0].Origin.Source != "config.yaml" {
		t.Errorf("server.http.addr: origin %+v, overrides %+v; want zz-override.yaml:3 over config.yaml", o, over)
	}
	o, _, _ = res.Lookup("server.grpc.timeout")
	if o.Kind != tracer.OriginPlaceholder || o.Resolved == nil || o.Resolved.Key != "PROVTEST_GRPC_TIMEOUT" {
		t.Errorf("server.grpc.timeout: origin %+v; want the placeholder resolved by PROVTEST_GRPC_TIMEOUT", o)
	}
}

package tracer

import (
	"strings"
	"testing"
)

// bootstrap is a small config tree shaped like the demo's.
func bootstrap() *Node {
	return &Node{Name: "Bootstrap", Type: "*conf.Bootstrap", Children: []*Node{
		{Name: "server", Type: "*conf.Server", Children: []*Node{
			{Name: "http", Type: "*conf.Server_HTTP", Children: []*Node{
				{Name: "network", Type: "string", Value: ""},
				{Name: "addr", Type: "string", Value: "127.0.0.1:8000"},
				{Name: "timeout", Type: "*durationpb.Duration", Value: "1s"},
			}},
		}},
		{Name: "data", Type: "*conf.Data", Children: []*Node{
			{Name: "redis", Type: "*conf.Data_Redis", Children: []*Node{
				{Name: "addr", Type: "string", Value: "127.0.0.1:6379"},
			}},
		}},
	}}
}

func TestNodeLookup(t *testing.T) {
	b := bootstrap()
	for path, want := range map[string]string{
		"server.http.addr":    "127.0.0.1:8000",
		"data.redis.addr":     "127.0.0.1:6379",
		".server.http.addr.":  "127.0.0.1:8000",
		"server.http.timeout": "1s",
	} {
		if n := b.Lookup(path); n == nil || n.Value != want {
			t.Errorf("Lookup(%q) = %v, want %q", path, n, want)
		}
	}
	if n := b.Lookup(""); n != b {
		t.Errorf("Lookup(\"\") = %v, want the root", n)
	}
	for _, missing := range []string{"server.grpc", "server.http.addr.port", "nope"} {
		if n := b.Lookup(missing); n != nil {
			t.Errorf("Lookup(%q) = %v, want nil", missing, n)
		}
	}
	var none *Node
	if none.Lookup("x") != nil {
		t.Error("a nil tree found something")
	}
}

func TestNodeWalkAndLeaves(t *testing.T) {
	var paths []string
	bootstrap().Walk(func(path string, _ *Node) { paths = append(paths, path) })
	want := []string{"", "server", "server.http", "server.http.network", "server.http.addr", "server.http.timeout", "data", "data.redis", "data.redis.addr"}
	if strings.Join(paths, "|") != strings.Join(want, "|") {
		t.Errorf("Walk visits %q, want %q", paths, want)
	}
	leaves := bootstrap().Leaves()
	if len(leaves) != 4 || leaves["server.http.addr"] != "127.0.0.1:8000" || leaves["server.http.network"] != "" {
		t.Errorf("Leaves = %v", leaves)
	}
	if _, ok := leaves["server.http.network"]; !ok {
		t.Error("an empty leaf is not among the leaves")
	}
}

func TestNodeEqual(t *testing.T) {
	a, b := bootstrap(), bootstrap()
	// What Equal compares is names, types and values; provenance is not
	// the value.
	b.Lookup("server.http.addr").Origin = &Origin{Kind: OriginFile, Source: "configs/config.yaml", Line: 3}
	if !a.Equal(b) {
		t.Error("two trees with the same values differ")
	}
	b.Lookup("server.http.timeout").Value = "2s"
	if a.Equal(b) {
		t.Error("a changed value is equal")
	}
	c := bootstrap()
	c.Children = c.Children[:1]
	if a.Equal(c) || c.Equal(a) {
		t.Error("a tree with a section less is equal")
	}
	var none *Node
	if !none.Equal(nil) || none.Equal(a) || a.Equal(nil) {
		t.Error("nil trees compare wrongly")
	}
}

func TestNodeFormatAndLines(t *testing.T) {
	want := `server:
  http:
    network: ""
    addr: 127.0.0.1:8000
    timeout: 1s
data:
  redis:
    addr: 127.0.0.1:6379
`
	b := bootstrap()
	if got := b.Format(); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
	lines := b.Lines()
	if lines[0].Leaf != nil || lines[2].Leaf != b.Lookup("server.http.network") || lines[3].Leaf != b.Lookup("server.http.addr") {
		t.Errorf("Lines do not point at their leaves: %+v", lines)
	}
	var none *Node
	if none.Lines() != nil || none.Format() != "" {
		t.Error("a nil tree has lines")
	}
}

func TestNodeInline(t *testing.T) {
	app := &Node{Name: "app", Type: "*kratos.App", Children: []*Node{
		{Name: "opts", Type: "kratos.options", Unloaded: true},
		{Name: "ctx", Type: "context.Context", Value: "context.Background"},
		{Name: "instance", Type: "*registry.ServiceInstance", Value: "nil"},
	}}
	list := &Node{Name: "servers", Type: "[]transport.Server", Children: []*Node{
		{Name: "[0]", Type: "*grpc.Server", Unloaded: true},
		{Name: "[1]", Type: "*http.Server", Unloaded: true},
	}, More: 3}
	for _, tt := range []struct {
		name  string
		n     *Node
		width int
		want  string
	}{
		{"a leaf", &Node{Value: "127.0.0.1:8000"}, 0, "127.0.0.1:8000"},
		{"a cut string", &Node{Value: `"abc"`, More: 120}, 0, `"abc"…(+120)`},
		{"a struct", app, 0, "{opts: {…}, ctx: context.Background, instance: nil}"},
		{"a list with more", list, 0, "[{…}, {…}, +3]"},
		{"an empty slice", &Node{Type: "[]string"}, 0, "[]"},
		{"an empty map", &Node{Type: "map[string]string"}, 0, "{}"},
		{"an unloaded pointer to an array", &Node{Type: "*[4]int", Unloaded: true}, 0, "[…]"},
		{"cut to the width", app, 20, "{opts: {…}, ctx: co…"},
		{"a width of one", app, 1, "…"},
		{"nil", nil, 10, ""},
	} {
		got := tt.n.Inline(tt.width)
		if got != tt.want {
			t.Errorf("%s: Inline(%d) = %q, want %q", tt.name, tt.width, got, tt.want)
		}
		if tt.width > 0 && len([]rune(got)) > tt.width {
			t.Errorf("%s: %q is wider than %d", tt.name, got, tt.width)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"main.newApp", "main.newApp", 0},
		{"main.newAp", "main.newApp", 1},
		{"kitten", "sitting", 3},
		{"app.runing", "app.running", 1},
		// Runes, not bytes: one Chinese character is one edit.
		{"阶段", "阶级", 1},
	} {
		if got := EditDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := EditDistance(tt.b, tt.a); got != tt.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d (it is symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}

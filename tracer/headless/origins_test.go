package headless

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestFormatBootstrapAlignsOrigins(t *testing.T) {
	file := func(src string, line int) *tracer.Origin {
		return &tracer.Origin{Kind: tracer.OriginFile, Source: src, Line: line}
	}
	root := &tracer.Node{Children: []*tracer.Node{{Name: "server", Children: []*tracer.Node{{Name: "http", Children: []*tracer.Node{
		{Name: "network", Origin: &tracer.Origin{Kind: tracer.OriginUnset}},
		{Name: "addr", Value: "127.0.0.1:8000", Origin: file("configs/zz-override.yaml", 4),
			Overrides: []tracer.Override{{Value: "127.0.0.1:8080", Origin: *file("configs/config.yaml", 9)}}},
		{Name: "timeout", Value: "1s", Origin: &tracer.Origin{Kind: tracer.OriginDefault, Placeholder: "${GRPC_TIMEOUT:1s}", Source: "configs/config.yaml", Line: 13}},
	}}}}}}
	want := `server:
  http:
    network: ""            # unset
    addr: 127.0.0.1:8000   # configs/zz-override.yaml:4 (overrides configs/config.yaml:9)
    timeout: 1s            # ${GRPC_TIMEOUT:1s} default (configs/config.yaml:13)
`
	if got := FormatBootstrap(root); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Without origins, the tree prints as Node.Format prints it.
	plain := &tracer.Node{Children: []*tracer.Node{{Name: "a", Value: "1"}}}
	if got := FormatBootstrap(plain); got != plain.Format() {
		t.Errorf("without origins: %q, want %q", got, plain.Format())
	}
}

func TestFormatSources(t *testing.T) {
	sources := []tracer.ConfigSource{
		{Kind: "file", Name: "configs/config.yaml", Format: "yaml", Size: 412},
		{Kind: "file", Name: "configs/zz-override.yaml", Format: "yaml", Size: 80},
		{Kind: "env", Name: "KRATOS_", Keys: 2},
	}
	got := formatSources(sources, tracer.English)
	if want := "3 config sources, in merge order: configs/config.yaml (yaml, 412 B), configs/zz-override.yaml (yaml, 80 B), env KRATOS_ (2 keys)"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := formatSources(sources, tracer.Chinese); !strings.HasPrefix(got, "3 个配置源") {
		t.Errorf("zh: %s", got)
	}
}

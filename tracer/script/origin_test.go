package script

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// eventsWithOrigins is the demo trace with origins on its Bootstrap, as a
// live trace of the demo gives them.
func eventsWithOrigins() []tracer.Event {
	events := tracertest.DemoEvents()
	for i := range events {
		if addr := events[i].Bootstrap.Lookup("server.http.addr"); addr != nil {
			addr.Origin = &tracer.Origin{Kind: tracer.OriginFile, Source: "configs/zz-override.yaml", Line: 4}
			addr.Overrides = []tracer.Override{{Value: "127.0.0.1:8080", Origin: tracer.Origin{Kind: tracer.OriginFile, Source: "configs/config.yaml", Line: 9}}}
		}
	}
	return events
}

func TestOriginPaths(t *testing.T) {
	res, out := runOn(t, tracertest.NewFake(eventsWithOrigins()), `
break config.scan
continue
print bootstrap.server.http.addr.origin
print bootstrap.server.http.addr.overrides
expect bootstrap.server.http.addr.origin contains zz-override.yaml
expect bootstrap.server.http.addr.overrides contains config.yaml:9
`)
	if !res.OK() {
		t.Fatalf("checks failed:\n%s", out)
	}
	for _, want := range []string{"configs/zz-override.yaml:4", "127.0.0.1:8080   # configs/config.yaml:9"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestOriginPathErrors(t *testing.T) {
	_, out := runOn(t, tracertest.NewFake(eventsWithOrigins()), `
break config.scan
continue
print bootstrap.server.http.origin
print bootstrap.server.grpc.addr.origin
`)
	for _, want := range []string{"only a leaf has an origin", "the trace has no origins"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

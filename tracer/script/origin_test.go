package script

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// eventsWithOrigins is the demo trace, whose Bootstrap has the origins
// computed from demo/configs, with grpc.addr's origin taken away, as a
// recording made before config provenance has none.
func eventsWithOrigins() []tracer.Event {
	events := tracertest.DemoEvents()
	for i := range events {
		if addr := events[i].Bootstrap.Lookup("server.grpc.addr"); addr != nil {
			addr.Origin, addr.Overrides = nil, nil
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
expect bootstrap.server.http.addr.overrides contains config.yaml:10
`)
	if !res.OK() {
		t.Fatalf("checks failed:\n%s", out)
	}
	for _, want := range []string{"configs/zz-override.yaml:4", "127.0.0.1:8080   # configs/config.yaml:10"} {
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

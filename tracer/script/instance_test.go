package script

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestInstanceAndRegistrarPaths(t *testing.T) {
	st := &state{}
	if _, err := ParsePath("instance"); err == nil || !strings.Contains(err.Error(), "instance.FIELD") {
		t.Errorf("instance alone: %v", err)
	}
	if _, err := ParsePath("instance.port"); err == nil {
		t.Error("instance.port parses")
	}
	p, _ := ParsePath("instance.id")
	if _, err := st.value(p); err == nil || !strings.Contains(err.Error(), "no instance is known yet") {
		t.Errorf("before app.register: %v", err)
	}
	ev := tracer.Event{
		Kind: tracer.KindStop, Phase: tracer.PhaseRegister, Registrar: "etcd",
		Instance: &tracer.ServiceInstance{ID: "i1", Name: "svc", Version: "v1", Metadata: map[string]string{"b": "2", "a": "1"}, Endpoints: []string{"http://x", "grpc://y"}},
	}
	st.observe(ev)
	st.current, st.atStop = ev, true
	for path, want := range map[string]string{
		"instance.id": "i1", "instance.name": "svc", "instance.version": "v1",
		"instance.endpoints": "http://x\ngrpc://y", "instance.metadata": "a=1\nb=2",
		"registrar": "etcd", "skipped": "false", "reason": "",
	} {
		p, err := ParsePath(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got, err := st.value(p); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", path, got, err, want)
		}
	}
}

package redact

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// TestClientSideMasked: a discovery phase's instances, the clients and an
// outgoing call are recorded with their secrets masked, the rest as is.
func TestClientSideMasked(t *testing.T) {
	in := tracer.ServiceInstance{ID: "inventory-1", Name: "inventory", Metadata: map[string]string{"token": "md-secret"}, Endpoints: []string{"grpc://svc:ep-pass@10.0.0.1:9000"}}
	c := tracer.Client{Transport: "grpc", Target: "discovery:///inventory", Registry: "etcd", Endpoints: []string{"grpc://svc:cl-pass@10.0.0.1:9000"}}
	ev := Event(tracer.Event{
		Kind: tracer.KindStop, Phase: tracer.PhaseDiscoveryUpdate,
		Discovery: &tracer.Discovery{Client: c, Instances: []tracer.ServiceInstance{in}},
		Clients:   []tracer.Client{c},
		Call:      &tracer.ClientCall{Transport: "grpc", Target: "discovery:///inventory", Metadata: []string{"authorization: Bearer call-secret", "x-caller: storefront"}},
	})
	b, _ := json.Marshal(ev)
	for _, secret := range []string{"md-secret", "ep-pass", "cl-pass", "call-secret"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the redacted event still holds %q: %s", secret, b)
		}
	}
	if ev.Discovery.Instances[0].ID != "inventory-1" || ev.Clients[0].Target != "discovery:///inventory" || ev.Call.Metadata[1] != "x-caller: storefront" {
		t.Errorf("what is no secret changed: %s", b)
	}
	if in.Metadata["token"] != "md-secret" || c.Endpoints[0] != "grpc://svc:cl-pass@10.0.0.1:9000" {
		t.Error("the original was changed")
	}
}

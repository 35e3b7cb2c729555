package headless

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// clientEvents are a storefront's client side as a trace of the beershop
// fixture reports it: the dial, the inventory's instance, a request's call
// to it, then the empty list Kratos refuses.
func clientEvents() []tracer.Event {
	c := tracer.Client{Transport: "grpc", Target: "discovery:///inventory", Registry: "etcd", Timeout: "2s"}
	withEndpoint := c
	withEndpoint.Endpoints = []string{"grpc://127.0.0.1:9001"}
	refused := withEndpoint
	refused.Refused = "Zero endpoint found, refused to write"
	inst := tracer.ServiceInstance{ID: "inventory-1", Name: "inventory", Version: "v1.0.0", Endpoints: []string{"grpc://127.0.0.1:9001"}}
	req := &tracer.RequestInfo{ID: 1, Transport: "http", Method: "GET", Path: "/stock/ipa"}
	call := tracer.ClientCall{Transport: "grpc", Operation: "/inventory.v1.Inventory/GetStock", Target: c.Target, Metadata: []string{"authorization: ****", "x-caller: storefront"}}
	returned := call
	returned.Endpoint, returned.TimeoutLifted = "grpc://127.0.0.1:9001", "2s"
	return []tracer.Event{
		{Kind: tracer.KindSession, Session: &tracer.Session{Target: "./app/storefront/service/cmd/server"}},
		{Kind: tracer.KindStop, Phase: tracer.PhaseDiscoveryDial, Detail: c.Label(), Discovery: &tracer.Discovery{Client: c}, Clients: []tracer.Client{c}},
		{Kind: tracer.KindStop, Phase: tracer.PhaseDiscoveryUpdate, Detail: c.Label(), Discovery: &tracer.Discovery{Client: withEndpoint, Instances: []tracer.ServiceInstance{inst}}, Clients: []tracer.Client{withEndpoint}},
		{Kind: tracer.KindStop, Phase: tracer.PhaseRequestClient, Detail: "grpc " + call.Operation, Request: req, Call: &call, Clients: []tracer.Client{withEndpoint}},
		{Kind: tracer.KindReturn, Phase: tracer.PhaseRequestClient, Detail: "grpc " + call.Operation, Request: req, Call: &returned, Took: tracer.Duration(3e6),
			Results: []*tracer.Node{{Name: "reply", Type: "*wrapperspb.Int64Value", Value: "{Value: 42}"}}},
		{Kind: tracer.KindStop, Phase: tracer.PhaseDiscoveryUpdate, Detail: c.Label(), Discovery: &tracer.Discovery{Client: refused, Instances: []tracer.ServiceInstance{}, Refused: refused.Refused}, Clients: []tracer.Client{refused}},
		{Kind: tracer.KindExit, Phase: tracer.PhaseExit, ExitCode: new(int)},
	}
}

func TestTextShowsTheClientSide(t *testing.T) {
	var out bytes.Buffer
	if _, err := Run(context.Background(), tracertest.NewFake(clientEvents()), Options{Out: &out}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"● discovery.dial grpc discovery:///inventory — client dial",
		"client grpc discovery:///inventory via etcd, timeout 2s",
		"received 1 instance(s)\n    inventory-1  v1.0.0  grpc://127.0.0.1:9001",
		"Clients:\n    KIND  TARGET                  REGISTRY  TIMEOUT  ENDPOINTS\n    grpc  discovery:///inventory  etcd      2s       grpc://127.0.0.1:9001\n",
		"call grpc /inventory.v1.Inventory/GetStock → discovery:///inventory",
		"metadata: authorization: ****, x-caller: storefront",
		"picked grpc://127.0.0.1:9001",
		"the client's timeout (2s) was lifted for this call",
		"received 0 instance(s)\n  left the registry: inventory-1\n  refused: Zero endpoint found, refused to write\n  the client keeps grpc://127.0.0.1:9001",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	// The Clients table is printed when it changes, not at every stop.
	if n := strings.Count(text, "Clients:"); n != 3 {
		t.Errorf("Clients printed %d times, want 3 (built, endpoint seen, refused):\n%s", n, text)
	}
}

func TestClientWordsInChinese(t *testing.T) {
	var out bytes.Buffer
	if _, err := Run(context.Background(), tracertest.NewFake(clientEvents()), Options{Out: &out, Lang: tracer.Chinese}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"客户端：", "收到 1 个实例", "被拒绝：Zero endpoint found", "选中 grpc://127.0.0.1:9001"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestTextSaysWhatTheRegistryChanged: an instance list is compared with the
// client's previous one, each client's apart: the first list says nothing
// of a change, the empty one (refused) that the instance left, the next
// one that it is back with another.
func TestTextSaysWhatTheRegistryChanged(t *testing.T) {
	grpcClient := tracer.Client{Transport: "grpc", Target: "discovery:///inventory", Registry: "etcd"}
	httpClient := tracer.Client{Transport: "http", Target: "discovery:///inventory", Registry: "etcd"}
	one := tracer.ServiceInstance{ID: "inventory-1", Endpoints: []string{"grpc://127.0.0.1:9001"}}
	two := tracer.ServiceInstance{ID: "inventory-2", Endpoints: []string{"grpc://127.0.0.1:9002"}}
	update := func(c tracer.Client, refused string, list ...tracer.ServiceInstance) tracer.Event {
		return tracer.Event{Kind: tracer.KindStop, Phase: tracer.PhaseDiscoveryUpdate, Detail: c.Label(),
			Discovery: &tracer.Discovery{Client: c, Instances: list, Refused: refused}}
	}
	const zero = "Zero endpoint found, refused to write"
	events := []tracer.Event{
		{Kind: tracer.KindSession, Session: &tracer.Session{Target: "./app/storefront/service/cmd/server"}},
		update(grpcClient, "", one),
		update(httpClient, "", one),
		update(grpcClient, zero),
		update(grpcClient, "", one, two),
		update(httpClient, "", one),
		{Kind: tracer.KindExit, Phase: tracer.PhaseExit, ExitCode: new(int)},
	}
	for _, c := range []struct {
		lang         tracer.Lang
		left, joined string
	}{
		{tracer.English, "left the registry: ", "joined the registry: "},
		{tracer.Chinese, "离开了注册中心：", "加入了注册中心："},
	} {
		var out bytes.Buffer
		if _, err := Run(context.Background(), tracertest.NewFake(events), Options{Out: &out, Lang: c.lang}); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		// Only the gRPC client's second and third lists changed anything.
		if got := strings.Count(text, c.left) + strings.Count(text, c.joined); got != 2 {
			t.Errorf("%s: %d lines of change, want 2:\n%s", c.lang, got, text)
		}
		if !strings.Contains(text, c.left+"inventory-1\n") || !strings.Contains(text, c.joined+"inventory-1, inventory-2\n") {
			t.Errorf("%s: the text does not say inventory-1 left and inventory-1, inventory-2 joined:\n%s", c.lang, text)
		}
		// Said after the list received, before the refusal.
		if i, j := strings.Index(text, c.left), strings.LastIndex(text, zero); i < 0 || j < i {
			t.Errorf("%s: the change is not said between the list and the refusal:\n%s", c.lang, text)
		}
	}
}

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
		"received 0 instance(s)\n  refused: Zero endpoint found, refused to write\n  the client keeps grpc://127.0.0.1:9001",
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

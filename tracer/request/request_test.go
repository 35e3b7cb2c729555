package request

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in     string
		header []string
		want   tracer.RequestSpec
		err    string
	}{
		{in: "GET /helloworld/kratos", want: tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/helloworld/kratos"}},
		{in: "post /v1/greet {\"name\": \"x\"}", want: tracer.RequestSpec{Transport: "http", Method: "POST", Path: "/v1/greet", Body: `{"name": "x"}`}},
		{in: "GET /x", header: []string{"Authorization:  Bearer abc"}, want: tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/x", Header: []string{"Authorization: Bearer abc"}}},
		{in: `grpc helloworld.v1.Greeter/SayHello {"name":"x"}`, want: tracer.RequestSpec{Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello", Body: `{"name":"x"}`}},
		{in: `grpc /helloworld.v1.Greeter/SayHello`, want: tracer.RequestSpec{Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello", Body: "{}"}},
		{in: "", err: "the request is empty"},
		{in: "FETCH /x", err: `"FETCH" is neither an HTTP method nor grpc`},
		{in: "GET", err: "the GET request has no path"},
		{in: "GET helloworld", err: `the path "helloworld" does not start with /`},
		{in: "grpc Greeter", err: `"Greeter" is not a gRPC method`},
		{in: `grpc a.B/C {"name":`, err: "is not a JSON object"},
		{in: "GET /x", header: []string{"no colon"}, err: `the header "no colon" is not Key: value`},
	} {
		got, err := Parse(tc.in, tc.header)
		if tc.err != "" {
			var se *SpecError
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, &se) || se.Hint == "" {
				t.Errorf("Parse(%q) = %v; want a SpecError with a hint containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("Parse(%q) = %+v; want %+v", tc.in, got, tc.want)
		}
	}
}

func TestTargetOf(t *testing.T) {
	got := TargetOf([]tracer.Server{
		{Kind: "grpc", Address: "0.0.0.0:9000", Endpoint: "grpc://10.1.2.3:9000"},
		{Kind: "http", Address: ":0", Endpoint: "http://192.168.1.5:41234?isSecure=false"},
		{Kind: "http", Address: "127.0.0.1:1"},
	})
	want := Target{HTTP: "127.0.0.1:41234", GRPC: "127.0.0.1:9000"}
	if got != want {
		t.Errorf("TargetOf = %+v; want %+v", got, want)
	}
}

func TestDoHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"method":%q,"body":%q}`, r.Method, b)
	}))
	defer srv.Close()
	target := Target{HTTP: strings.TrimPrefix(srv.URL, "http://")}
	r := Do(context.Background(), tracer.RequestSpec{Transport: "http", Method: "POST", Path: "/x", Body: `{"a":1}`, Header: []string{"Authorization: Bearer t"}}, target)
	if !r.OK || r.Code != 200 || r.Status != "200 OK" || !strings.Contains(r.Body, `"body":"{\"a\":1}"`) || r.Latency <= 0 {
		t.Errorf("reply = %+v", r)
	}
	if !containsLine(r.Header, "X-Echo: Bearer t") {
		t.Errorf("headers = %v", r.Header)
	}
	r = Do(context.Background(), tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/missing"}, target)
	if r.OK || r.Code != 404 {
		t.Errorf("404 reply = %+v", r)
	}
	closed := freeAddr(t)
	r = Do(context.Background(), tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/"}, Target{HTTP: closed})
	if r.Error == "" || !strings.Contains(r.Error, "nothing answers at http://"+closed) {
		t.Errorf("refused: %+v", r)
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// grpcServer serves the standard health service, with or without
// reflection, on a free loopback port.
func grpcServer(t *testing.T, withReflection bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	hs := health.NewServer()
	hs.SetServingStatus("kratos", healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(s, hs)
	if withReflection {
		reflection.Register(s)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(s.Stop)
	return l.Addr().String()
}

func TestDoGRPC(t *testing.T) {
	addr := grpcServer(t, true)
	ctx := context.Background()
	r := Do(ctx, tracer.RequestSpec{Transport: "grpc", Path: "grpc.health.v1.Health/Check", Body: `{"service":""}`}, Target{GRPC: addr})
	if !r.OK || r.Status != "OK" || r.Body != `{"status":"SERVING"}` {
		t.Errorf("reply = %+v", r)
	}
	r = Do(ctx, tracer.RequestSpec{Transport: "grpc", Path: "grpc.health.v1.Health/Check", Body: `{"service":"nope"}`}, Target{GRPC: addr})
	if r.OK || r.Status != "NotFound" || r.Code != 5 || r.Message == "" {
		t.Errorf("error reply = %+v", r)
	}
	r = Do(ctx, tracer.RequestSpec{Transport: "grpc", Path: "grpc.health.v1.Health/Nope", Body: `{}`}, Target{GRPC: addr})
	if !strings.Contains(r.Error, "grpc.health.v1.Health has no method Nope; it has Check") {
		t.Errorf("unknown method: %+v", r)
	}
	r = Do(ctx, tracer.RequestSpec{Transport: "grpc", Path: "grpc.health.v1.Health/Check", Body: `{"servic":""}`}, Target{GRPC: addr})
	if !strings.Contains(r.Error, "the message is not a valid grpc.health.v1.HealthCheckRequest") {
		t.Errorf("bad message: %+v", r)
	}
	specs, notes := GRPCExamples(ctx, addr, []string{"grpc.health.v1.Health/Check", "grpc.health.v1.Health/Watch"})
	if specs[0].Body != `{"service":"kratos"}` || notes[0] != "" {
		t.Errorf("example = %+v, %q", specs[0], notes[0])
	}
	if !strings.Contains(notes[1], "streaming") {
		t.Errorf("streaming example note = %q", notes[1])
	}
}

func TestDoGRPCWithoutReflection(t *testing.T) {
	addr := grpcServer(t, false)
	r := Do(context.Background(), tracer.RequestSpec{Transport: "grpc", Path: "grpc.health.v1.Health/Check", Body: `{}`}, Target{GRPC: addr})
	if r.Error != ErrNoReflection.Error() {
		t.Errorf("reply = %+v; want the reflection sentence", r)
	}
	if strings.Count(r.Error, ".") > 1 || strings.Contains(r.Error, "\n") {
		t.Errorf("not one sentence: %q", r.Error)
	}
}

func TestHTTPExample(t *testing.T) {
	for _, tc := range []struct{ method, tmpl, path, body string }{
		{"GET", "/helloworld/{name}", "/helloworld/kratos", ""},
		{"POST", "/v1/users/{id:[0-9]+}/posts", "/v1/users/kratos/posts", "{}"},
	} {
		got := HTTPExample(tc.method, tc.tmpl)
		if got.Path != tc.path || got.Body != tc.body || got.Method != tc.method {
			t.Errorf("HTTPExample(%s %s) = %+v", tc.method, tc.tmpl, got)
		}
	}
}

func TestAttribute(t *testing.T) {
	info := &tracer.RequestInfo{ID: 2, Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello"}
	other := &tracer.RequestInfo{ID: 1}
	errNode := func(v string) []*tracer.Node {
		return []*tracer.Node{{Name: "~r0", Type: "*v1.HelloReply", Value: "<nil>"}, {Name: "~r1", Type: "error", Value: v}}
	}
	ev := func(kind tracer.Kind, p tracer.PhaseID, detail string, req *tracer.RequestInfo, results []*tracer.Node) tracer.Event {
		return tracer.Event{Kind: kind, Phase: p, Detail: detail, Request: req, Results: results, Took: 5}
	}
	events := []tracer.Event{
		ev(tracer.KindStop, tracer.PhaseRequestService, "GreeterService.SayHello", other, nil),
		ev(tracer.KindStop, tracer.PhaseRequestTransport, "grpc", info, nil),
		ev(tracer.KindStop, tracer.PhaseRequestMiddleware, "recovery", info, nil),
		ev(tracer.KindStop, tracer.PhaseRequestService, "GreeterService.SayHello", info, nil),
		ev(tracer.KindStop, tracer.PhaseRequestBiz, "GreeterUsecase.CreateGreeter", info, nil),
		ev(tracer.KindReturn, tracer.PhaseRequestBiz, "GreeterUsecase.CreateGreeter", info, errNode("name is empty")),
		ev(tracer.KindReturn, tracer.PhaseRequestService, "GreeterService.SayHello", info, errNode("400 EMPTY_NAME: name is empty")),
		ev(tracer.KindReturn, tracer.PhaseRequestMiddleware, "recovery", info, errNode("400 EMPTY_NAME: name is empty")),
		ev(tracer.KindReturn, tracer.PhaseRequestTransport, "grpc", info, errNode("400 EMPTY_NAME: name is empty")),
	}
	r := &tracer.Reply{Code: 3, Status: "InvalidArgument"}
	Attribute(r, info, events)
	if r.FailedAt != tracer.PhaseRequestBiz || r.FailedDetail != "GreeterUsecase.CreateGreeter" || r.FailedWhy != "returned name is empty" {
		t.Errorf("biz error: %+v", r)
	}
	layers := Layers(events, 2)
	if len(layers) != 4 || layers[2].Depth != 2 || !layers[3].Returned || layers[3].Err != "name is empty" || layers[0].Took != 5 {
		t.Errorf("layers = %+v", layers)
	}

	notFound := &tracer.RequestInfo{ID: 3, Transport: "http", Method: "GET", Path: "/nope"}
	r = &tracer.Reply{Code: 404, Status: "404 Not Found"}
	Attribute(r, notFound, events)
	if r.FailedAt != tracer.PhaseRequestTransport || !strings.Contains(r.FailedWhy, "no route matched GET /nope") {
		t.Errorf("404: %+v", r)
	}
	ok := &tracer.Reply{Code: 200, OK: true}
	Attribute(ok, info, events)
	if ok.FailedAt != "" {
		t.Errorf("an OK reply failed at %s", ok.FailedAt)
	}
}

// TestSplitService: a request of a system may start with its service's
// name; anything else that has a colon is a request of its own.
func TestSplitService(t *testing.T) {
	for _, c := range []struct{ in, service, rest string }{
		{"gateway: GET /hello/kratos", "gateway", "GET /hello/kratos"},
		{"inventory: grpc inventory.v1.Inventory/GetStock {\"value\":\"ipa\"}", "inventory", "grpc inventory.v1.Inventory/GetStock {\"value\":\"ipa\"}"},
		{"GET /hello/kratos", "", "GET /hello/kratos"},
		{"POST /x {\"a\": 1}", "", "POST /x {\"a\": 1}"},
		{"GET /a:b", "", "GET /a:b"},
		{"gateway:GET /x", "", "gateway:GET /x"},
	} {
		if service, rest := SplitService(c.in); service != c.service || rest != c.rest {
			t.Errorf("SplitService(%q) = %q, %q; want %q, %q", c.in, service, rest, c.service, c.rest)
		}
	}
}

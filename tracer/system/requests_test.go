package system

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// requestingFake is a service's Source that serves one route and takes
// requests while it runs on.
type requestingFake struct {
	*tracertest.Fake
	route tracer.Route
	sent  []tracer.RequestSpec
	// err is why its routes cannot be read, if they cannot.
	err error
}

func (f *requestingFake) Routes(context.Context) ([]tracer.Route, error) {
	if f.err != nil {
		return nil, f.err
	}
	return []tracer.Route{f.route}, nil
}

func (f *requestingFake) Send(_ context.Context, spec tracer.RequestSpec) (tracer.RequestInfo, error) {
	f.sent = append(f.sent, spec)
	return tracer.RequestInfo{ID: len(f.sent), Method: spec.Method, Path: spec.Path}, nil
}

// TestRequestsWhileEveryServiceRuns: with no service paused (every one
// runs on past app.running), the picker still lists every service's routes,
// and a request naming its service goes to that service; one naming none
// still needs a paused service to choose.
func TestRequestsWhileEveryServiceRuns(t *testing.T) {
	greeter := &requestingFake{Fake: tracertest.NewFake(nil), route: tracer.Route{Transport: "http", Method: "GET", Path: "/helloworld/{name}"}}
	gateway := &requestingFake{Fake: tracertest.NewFake(nil), route: tracer.Route{Transport: "http", Method: "GET", Path: "/gateway/{name}"}}
	s := &System{members: []*member{
		{svc: Service{Name: "greeter"}, src: greeter},
		{svc: Service{Name: "gateway"}, src: gateway},
	}}
	routes, err := s.Routes(context.Background())
	if err != nil {
		t.Fatalf("Routes: %v", err)
	}
	if len(routes) != 2 || routes[0].Example.Service != "greeter" || routes[1].Example.Service != "gateway" {
		t.Fatalf("routes %+v, want the greeter's then the gateway's, each with its service", routes)
	}
	if _, err := s.Send(context.Background(), tracer.RequestSpec{Service: "gateway", Method: "GET", Path: "/gateway/x"}); err != nil {
		t.Fatalf("Send to the gateway: %v", err)
	}
	if len(gateway.sent) != 1 || len(greeter.sent) != 0 || gateway.sent[0].Path != "/gateway/x" {
		t.Fatalf("sent: gateway %+v, greeter %+v", gateway.sent, greeter.sent)
	}
	if _, err := s.Send(context.Background(), tracer.RequestSpec{Service: "nobody", Method: "GET", Path: "/"}); err == nil {
		t.Error("a request to a service the system lacks was sent")
	}
	if _, err := s.Send(context.Background(), tracer.RequestSpec{Method: "GET", Path: "/gateway/x"}); !errors.Is(err, tracer.ErrNotPaused) {
		t.Errorf("a request naming no service while none is paused: %v, want ErrNotPaused", err)
	}
}

// TestRoutesNameTheServicesThatFail: a service whose routes cannot be read
// is named with why, beside the routes of the others, instead of being
// left out without a word.
func TestRoutesNameTheServicesThatFail(t *testing.T) {
	greeter := &requestingFake{Fake: tracertest.NewFake(nil), err: tracer.ErrNotServing}
	gateway := &requestingFake{Fake: tracertest.NewFake(nil), route: tracer.Route{Transport: "http", Method: "GET", Path: "/gateway/{name}"}}
	s := &System{members: []*member{
		{svc: Service{Name: "greeter"}, src: greeter},
		{svc: Service{Name: "gateway"}, src: gateway},
	}}
	routes, err := s.Routes(context.Background())
	if len(routes) != 1 || routes[0].Example.Service != "gateway" {
		t.Errorf("routes %+v, want the gateway's", routes)
	}
	failed := tracer.ServiceRoutesErrors(err)
	if len(failed) != 1 || failed[0].Service != "greeter" || !errors.Is(failed[0], tracer.ErrNotServing) {
		t.Fatalf("Routes error %v, want the greeter's ErrNotServing", err)
	}
	if !strings.HasPrefix(err.Error(), "greeter: the App is not serving") {
		t.Errorf("the error reads %q, want it to name the greeter first", err)
	}

	gateway.err = errors.New("read the HTTP server's routes: could not find symbol")
	routes, err = s.Routes(context.Background())
	if failed := tracer.ServiceRoutesErrors(err); len(routes) != 0 || len(failed) != 2 || failed[1].Service != "gateway" {
		t.Errorf("with no service's routes read: routes %+v, error %v", routes, err)
	}
}

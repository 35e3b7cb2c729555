package system

import (
	"errors"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// followingFake is a service's Source that can follow requests; refuse
// makes Follow fail.
type followingFake struct {
	*tracertest.Fake
	followed   []tracer.RequestInfo
	unfollowed []int
	refuse     error
}

func (f *followingFake) Follow(info tracer.RequestInfo) error {
	if f.refuse != nil {
		return f.refuse
	}
	f.followed = append(f.followed, info)
	return nil
}

func (f *followingFake) Unfollow(id int) *tracer.Hop {
	f.unfollowed = append(f.unfollowed, id)
	settled := *f.followed[len(f.followed)-1].Hop
	settled.By = tracer.CorrelateCall
	return &settled
}

func testSystem(callee *followingFake) (*System, *member) {
	s := &System{}
	caller := &member{svc: Service{Name: "storefront"}, src: tracertest.NewFake(nil)}
	inv := &member{svc: Service{Name: "inventory"}, src: callee}
	s.members = []*member{inv, caller}
	s.noteServers(inv, tracer.Event{Servers: []tracer.Server{{Kind: "grpc", Address: "127.0.0.1:9000", Endpoint: "grpc://127.0.0.1:9000"}}})
	return s, caller
}

// TestCallOutFollowsIntoTheCallee: a call to discovery:///inventory, or to
// an address the inventory listens at, is followed there under the
// caller's request id, with the trace id of the caller's request to
// expect; the call's return hands back the hop as the callee settled it;
// a call elsewhere leaves the system.
func TestCallOutFollowsIntoTheCallee(t *testing.T) {
	grpcCall := tracer.ClientCall{Transport: "grpc", Operation: "/inventory.v1.Inventory/GetStock", Target: "discovery:///inventory"}
	info := tracer.RequestInfo{ID: 3, Transport: "http", Method: "GET", Path: "/stock/ipa"}
	for _, c := range []struct {
		name    string
		call    tracer.ClientCall
		header  []string
		traceID string
	}{
		{"discovery", grpcCall, nil, ""},
		{"address", tracer.ClientCall{Transport: "grpc", Operation: "/inventory.v1.Inventory/GetStock", Target: "127.0.0.1:9000"}, nil, ""},
		{"trace id", grpcCall, []string{"traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x-caller: storefront"}, "4bf92f3577b34da6a3ce929d0e0e4736"},
	} {
		t.Run(c.name, func(t *testing.T) {
			info := info
			info.Header = c.header
			callee := &followingFake{Fake: tracertest.NewFake(nil)}
			s, caller := testSystem(callee)
			hop := s.callOut(caller, info, c.call, false)
			if hop == nil || hop.From != "storefront" || hop.To != "inventory" || hop.By != "" || hop.TraceID != c.traceID || hop.Call != "grpc /inventory.v1.Inventory/GetStock" {
				t.Fatalf("hop %+v", hop)
			}
			if len(callee.followed) != 1 || callee.followed[0].ID != 3 || callee.followed[0].Hop == nil || *callee.followed[0].Hop != *hop {
				t.Fatalf("the inventory follows %+v", callee.followed)
			}
			settled := s.callOut(caller, info, c.call, true)
			if settled == nil || settled.By != tracer.CorrelateCall || len(callee.unfollowed) != 1 || callee.unfollowed[0] != 3 {
				t.Errorf("the call's return: hop %+v, unfollowed %v", settled, callee.unfollowed)
			}
		})
	}
	t.Run("elsewhere", func(t *testing.T) {
		callee := &followingFake{Fake: tracertest.NewFake(nil)}
		s, caller := testSystem(callee)
		for _, target := range []string{"discovery:///payments", "127.0.0.1:9999", "discovery:///storefront"} {
			call := grpcCall
			call.Target = target
			if hop := s.callOut(caller, info, call, false); hop != nil || len(callee.followed) > 0 {
				t.Errorf("a call to %s was followed: %+v", target, hop)
			}
		}
	})
	t.Run("registered name", func(t *testing.T) {
		// The system calls it "stock"; it registers as "inventory".
		callee := &followingFake{Fake: tracertest.NewFake(nil)}
		s, caller := testSystem(callee)
		s.members[0].svc.Name = "stock"
		s.noteServers(s.members[0], tracer.Event{Phase: tracer.PhaseRegister, Instance: &tracer.ServiceInstance{ID: "inventory-1", Name: "inventory"}})
		if hop := s.callOut(caller, info, grpcCall, false); hop == nil || hop.To != "stock" || len(callee.followed) != 1 {
			t.Errorf("a call to discovery:///inventory was not followed into the service registered so: %+v", hop)
		}
	})
	t.Run("refused", func(t *testing.T) {
		callee := &followingFake{Fake: tracertest.NewFake(nil), refuse: errors.New("request #1 GET /v1/stock/x is in flight there")}
		s, caller := testSystem(callee)
		hop := s.callOut(caller, info, grpcCall, false)
		if hop == nil || hop.Note != "not followed: request #1 GET /v1/stock/x is in flight there" {
			t.Errorf("hop %+v", hop)
		}
	})
}

// TestWithTraceparent: a request the system sends gets a traceparent with
// a new trace id, unless it has one.
func TestWithTraceparent(t *testing.T) {
	a := withTraceparent(tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/x", Header: []string{"x-a: 1"}})
	b := withTraceparent(tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/x"})
	ida, idb := traceIDOf(a.Header), traceIDOf(b.Header)
	if len(ida) != 32 || len(idb) != 32 || ida == idb || a.Header[0] != "x-a: 1" {
		t.Errorf("traceparents %q and %q", a.Header, b.Header)
	}
	if again := withTraceparent(a); len(again.Header) != 2 || traceIDOf(again.Header) != ida {
		t.Errorf("a request with a traceparent got another: %q", again.Header)
	}
}

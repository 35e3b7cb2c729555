package system

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A request crosses the system: when a request a service follows makes an
// outgoing call (request.client) to another service of the system, the
// callee follows it under the caller's request id, so that its layers
// come between the caller's call and its return. The caller's session
// tells the system of the call before it goes out (tracer.CallHook, in the
// caller's run goroutine); the callee's request breakpoints are set since
// its app.running.

// caller is a service's Source that tells of its requests' outgoing calls.
type caller interface {
	OnCall(hook tracer.CallHook)
}

// follower is a service's Source that can follow another service's
// request.
type follower interface {
	Follow(info tracer.RequestInfo) error
	Unfollow(id int) *tracer.Hop
}

// numberer is a service's Source whose requests can be numbered by the
// system, so that an id names one request in every service.
type numberer interface {
	NumberRequests(next func() int)
}

// hookCalls has every service that makes calls tell the system of them,
// and numbers the requests of every service in one sequence.
func (s *System) hookCalls() {
	var mu sync.Mutex
	seq := 0
	next := func() int {
		mu.Lock()
		defer mu.Unlock()
		seq++
		return seq
	}
	for _, m := range s.members {
		if n, ok := m.src.(numberer); ok {
			n.NumberRequests(next)
		}
		if c, ok := m.src.(caller); ok {
			c.OnCall(func(info tracer.RequestInfo, call tracer.ClientCall, returned bool) *tracer.Hop {
				return s.callOut(m, info, call, returned)
			})
		}
	}
}

// callOut makes the service call goes to follow the request info of m:
// at the call's entry it returns the Hop, at its return the callee gives
// up a request that never reached it.
func (s *System) callOut(m *member, info tracer.RequestInfo, call tracer.ClientCall, returned bool) *tracer.Hop {
	callee := s.calleeOf(m, call.Target)
	if callee == nil {
		return nil
	}
	f, ok := callee.src.(follower)
	if returned {
		if ok {
			return f.Unfollow(info.ID)
		}
		return nil
	}
	// The callee decides By when the call reaches its transport: by the
	// trace id of the caller's request, if it arrives with it.
	hop := &tracer.Hop{From: m.svc.Name, To: callee.svc.Name, Call: call.Transport + " " + call.Operation, TraceID: traceIDOf(info.Header)}
	if !ok {
		hop.By, hop.Note = "", "its trace cannot follow a request"
		return hop
	}
	followed := info
	followed.Reply = nil
	h := *hop
	followed.Hop = &h
	if err := f.Follow(followed); err != nil {
		hop.Note = fmt.Sprintf("not followed: %v", err)
	}
	return hop
}

// calleeOf is the service of the system a call to target goes to: for a
// discovery target (discovery:///inventory) the service registered under
// that name, or else named so in the system; otherwise the one whose
// servers listen at the target's address. Never m itself.
func (s *System) calleeOf(m *member, target string) *member {
	name := ""
	if u, err := url.Parse(target); err == nil && u.Scheme == "discovery" {
		name = strings.TrimPrefix(u.Path, "/")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != "" {
		for _, o := range s.members {
			if o != m && o.registered == name {
				return o
			}
		}
	}
	for _, o := range s.members {
		if o == m {
			continue
		}
		if name != "" && o.svc.Name == name && o.registered == "" {
			return o
		}
		if name == "" && o.listens[hostPort(target)] {
			return o
		}
	}
	return nil
}

// hostPort is a target's address without its scheme: "127.0.0.1:9000" of
// "grpc://127.0.0.1:9000", "http://127.0.0.1:8000" or "127.0.0.1:9000".
func hostPort(target string) string {
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		return u.Host
	}
	return target
}

// noteServers remembers where m's servers listen and the name it
// registers under, for calleeOf.
func (s *System) noteServers(m *member, ev tracer.Event) {
	if ev.Phase == tracer.PhaseRegister && ev.Instance != nil && ev.Instance.Name != "" {
		s.mu.Lock()
		m.registered = ev.Instance.Name
		s.mu.Unlock()
	}
	if len(ev.Servers) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.listens == nil {
		m.listens = map[string]bool{}
	}
	for _, srv := range ev.Servers {
		if srv.Address != "" {
			m.listens[hostPort(srv.Address)] = true
		}
		if srv.Endpoint != "" {
			m.listens[hostPort(srv.Endpoint)] = true
		}
	}
}

// withTraceparent adds a W3C traceparent with a new trace id to a request
// the system sends, unless it has one: a service that uses Kratos' tracing
// middleware carries it on in its calls, and the callee that receives it
// is tied to the request by it (tracer.CorrelateTrace).
func withTraceparent(spec tracer.RequestSpec) tracer.RequestSpec {
	if traceIDOf(spec.Header) != "" {
		return spec
	}
	var id [24]byte
	if _, err := rand.Read(id[:]); err != nil {
		return spec
	}
	spec.Header = append(slices.Clone(spec.Header), fmt.Sprintf("traceparent: 00-%x-%x-01", id[:16], id[16:]))
	return spec
}

// traceIDOf is the trace id of a W3C traceparent among headers or
// metadata ("traceparent: 00-<trace id>-<span id>-01"), or "".
func traceIDOf(metadata []string) string {
	for _, kv := range metadata {
		k, v, ok := strings.Cut(kv, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "traceparent") {
			continue
		}
		parts := strings.Split(strings.TrimSpace(v), "-")
		if len(parts) == 4 && len(parts[1]) == 32 {
			return parts[1]
		}
	}
	return ""
}

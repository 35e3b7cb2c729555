package delve

import (
	"context"
	"errors"
	"strings"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A request of a system crosses services: the caller's outgoing call
// (request.client) reaches another service, whose layers follow under the
// caller's request id. The system is told of each call by the caller's
// CallHook, in the caller's run goroutine before the call goes out, and
// makes the request the callee's followed one (Follow): its request
// breakpoints, set at app.running, then report the callee's layers as they
// do for a request of its own. A followed request has no client and no
// request.reply here: it ends when the callee's transport returns, and the
// reply is the caller's.

// OnCall sets the hook told of the outgoing calls of the requests this
// session follows (tracer.CallHook).
func (s *Session) OnCall(hook tracer.CallHook) {
	s.mu.Lock()
	s.req.onCall = hook
	s.mu.Unlock()
}

// NumberRequests has next number the requests sent to this program, so
// that the services of a system share one numbering: a request id names
// one request across them.
func (s *Session) NumberRequests(next func() int) {
	s.mu.Lock()
	s.req.nextID = next
	s.mu.Unlock()
}

// Follow makes info, a request of another service whose call comes here,
// the request in flight: the request phases this program reaches from now
// on carry info. It needs the program at app.running or later, with the
// request breakpoints set, and no request of its own in flight.
func (s *Session) Follow(info tracer.RequestInfo) error {
	// Its breakpoints wait for the first request: this may be it.
	if err := s.armRunning(context.Background()); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.ended:
		return tracer.ErrEnded
	case !s.req.serving:
		return tracer.ErrNotServing
	case !s.req.armed:
		return errors.New("its request breakpoints are not set yet")
	case s.req.active != nil && !s.req.active.followedStale():
		return errors.New("request " + s.req.active.info.Label() + " is in flight there")
	}
	s.req.active = &inflight{info: info, open: map[int64][]openCall{}, cancel: func() {}, followed: true}
	return nil
}

// Unfollow tells the session that the caller's call of request id
// returned, and returns the request's Hop as settled here: a followed
// request that never reached this program (the call failed before it got
// here) is given up, its Hop saying so.
func (s *Session) Unfollow(id int) *tracer.Hop {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.req.active
	if in == nil || !in.followed || in.info.ID != id {
		// Its transport may have returned before the caller's call did.
		in = s.req.ended
	}
	if in == nil || in.info.ID != id || in.info.Hop == nil {
		return nil
	}
	in.callerDone = true
	hop := *in.info.Hop
	if !in.entered {
		s.req.active = nil
		hop.Note = "the call never reached its transport"
	}
	return &hop
}

// followedStale reports whether a followed request may be replaced: its
// caller's call returned. Callers hold s.mu.
func (in *inflight) followedStale() bool {
	return in.followed && in.callerDone
}

// callOut tells the hook of an outgoing call's entry (returned false),
// and returns the Hop it took; or of its return. In the run goroutine.
func (s *Session) callOut(info tracer.RequestInfo, call *tracer.ClientCall, returned bool) *tracer.Hop {
	s.mu.Lock()
	hook := s.req.onCall
	s.mu.Unlock()
	if hook == nil || call == nil {
		return nil
	}
	return hook(info, *call, returned)
}

// enterFollowed marks a followed request as reached here at h and, at
// its transport, settles how it is tied to the caller's: by the trace id
// of the caller's request when it arrived with it, else by the call. In
// the run goroutine.
func (s *Session) enterFollowed(in *inflight, h hit) {
	if !in.followed {
		return
	}
	s.mu.Lock()
	first := !in.entered
	in.entered = true
	hop := in.info.Hop
	s.mu.Unlock()
	if !first || hop == nil || h.entry.Phase != tracer.PhaseRequestTransport {
		return
	}
	settled := *hop
	settled.By = tracer.CorrelateCall
	if got := s.incomingTraceID(h); got != "" && got == hop.TraceID {
		settled.By = tracer.CorrelateTrace
	} else {
		settled.TraceID = ""
	}
	s.mu.Lock()
	in.info.Hop = &settled
	s.mu.Unlock()
}

// incomingTraceID is the trace id of the W3C traceparent a request arrived
// with at kratos' transport entry h: the HTTP request's header, or the
// gRPC call's incoming metadata. "" when it has none.
func (s *Session) incomingTraceID(h hit) string {
	scope := api.EvalScope{GoroutineID: h.thread.GoroutineID}
	var lines []string
	if h.entry.Detail == "grpc" {
		lines = s.incomingMetadata(scope, "ctx")
	} else {
		v, err := s.client.EvalVariable(scope, "req.Header", metadataLoad)
		if err == nil {
			lines = mapLines(v, nil)
		}
	}
	for _, l := range lines {
		k, v, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(k) != "traceparent" {
			continue
		}
		if parts := strings.Split(strings.TrimSpace(v), "-"); len(parts) == 4 {
			return parts[1]
		}
	}
	return ""
}

// incomingMetadata walks the context at expr up its parents to grpc-go's
// incoming metadata (mdIncomingKey) and returns it as "key: value" lines,
// unmasked: only kratos-trace reads them.
func (s *Session) incomingMetadata(scope api.EvalScope, expr string) []string {
	cur := expr
	for range maxContextDepth {
		ctx, typ, err := concreteValue(s.client, scope, cur)
		if err != nil {
			return nil
		}
		switch typ {
		case "context.valueCtx":
			if strings.HasSuffix(s.typeOfValue(scope, ctx+".key"), "grpc/metadata.mdIncomingKey") {
				v, err := s.client.EvalVariable(scope, ctx+".val", metadataLoad)
				if err != nil {
					return nil
				}
				return mapLines(v, nil)
			}
			cur = ctx + ".Context"
		case "context.cancelCtx":
			cur = ctx + ".Context"
		case "context.timerCtx":
			cur = ctx + ".cancelCtx.Context"
		default:
			return nil
		}
	}
	return nil
}

// endFollowed ends a followed request once every call of it here has
// returned: its transport handed the answer back to the caller. In the run
// goroutine.
func (s *Session) endFollowed(in *inflight) {
	if !in.followed {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.openCount() == 0 && s.req.active == in {
		s.req.active = nil
		s.req.ended = in
	}
}

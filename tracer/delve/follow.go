package delve

import (
	"errors"

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
// returned: a followed request that never reached this program (the call
// failed before it got here) is given up.
func (s *Session) Unfollow(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.req.active
	if in == nil || !in.followed || in.info.ID != id {
		return
	}
	in.callerDone = true
	if !in.entered {
		s.req.active = nil
	}
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

// enterFollowed marks a followed request as reached here. In the run
// goroutine.
func (s *Session) enterFollowed(in *inflight) {
	if !in.followed {
		return
	}
	s.mu.Lock()
	in.entered = true
	s.mu.Unlock()
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
	}
}

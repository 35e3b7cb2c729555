package system

import (
	"context"
	"errors"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Routes lists what every service of the system serves (tracer.Requester),
// the paused service's first; each route's example names its service, so
// that sending it goes there. A service whose routes cannot be read (it
// does not serve yet, or no more, or reading them failed) is named with why
// in a *tracer.ServiceRoutesError, joined into the error returned with the
// others' routes.
func (s *System) Routes(ctx context.Context) ([]tracer.Route, error) {
	// With every service running on, each reads its own routes (a live
	// session halts its program a moment for that).
	paused, err := s.pausedMember(false)
	if err != nil && !errors.Is(err, tracer.ErrNotPaused) {
		return nil, err
	}
	var order []*member
	if paused != nil {
		order = append(order, paused)
	}
	for _, m := range s.members {
		if m != paused {
			order = append(order, m)
		}
	}
	var out []tracer.Route
	var errs []error
	asked := false
	for _, m := range order {
		rq, ok := m.src.(tracer.Requester)
		if !ok {
			continue
		}
		asked = true
		routes, err := rq.Routes(ctx)
		for _, r := range routes {
			r.Example.Service = m.svc.Name
			out = append(out, r)
		}
		if err != nil {
			errs = append(errs, &tracer.ServiceRoutesError{Service: m.svc.Name, Err: err})
		}
	}
	if !asked {
		return nil, tracer.ErrUnsupported
	}
	return out, errors.Join(errs...)
}

// Send sends spec (tracer.Requester), with a traceparent of its own
// (withTraceparent): to the paused service, which runs to
// the request's first stop, or to the service spec names, which must be
// running on past its app.running; its stops come once the paused one is
// let go.
func (s *System) Send(ctx context.Context, spec tracer.RequestSpec) (tracer.RequestInfo, error) {
	m, err := s.pausedMember(false)
	if errors.Is(err, tracer.ErrNotPaused) && spec.Service != "" {
		// Every service runs on: the one spec names takes it as a
		// program that runs on does.
		return s.sendTo(ctx, spec.Service, withTraceparent(spec))
	}
	if err != nil {
		return tracer.RequestInfo{}, err
	}
	spec = withTraceparent(spec)
	if spec.Service != "" && spec.Service != m.svc.Name {
		return s.sendTo(ctx, spec.Service, spec)
	}
	rq, ok := m.src.(tracer.Requester)
	if !ok {
		return tracer.RequestInfo{}, tracer.ErrUnsupported
	}
	var info tracer.RequestInfo
	err = s.resume(ctx, func(src tracer.Source, ctx context.Context) error {
		var err error
		info, err = rq.Send(ctx, spec)
		return err
	})
	return info, err
}

// sendTo sends spec to the service named name, which runs on past its
// app.running; its stops come once no other service is paused.
func (s *System) sendTo(ctx context.Context, name string, spec tracer.RequestSpec) (tracer.RequestInfo, error) {
	other := s.member(name)
	if other == nil {
		return tracer.RequestInfo{}, errors.New("the system has no service " + name)
	}
	rq, ok := other.src.(tracer.Requester)
	if !ok {
		return tracer.RequestInfo{}, tracer.ErrUnsupported
	}
	return rq.Send(ctx, spec)
}

// member is the service named name, or nil.
func (s *System) member(name string) *member {
	for _, m := range s.members {
		if m.svc.Name == name {
			return m
		}
	}
	return nil
}

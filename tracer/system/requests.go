package system

import (
	"context"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Routes lists what the paused service serves (tracer.Requester).
func (s *System) Routes(ctx context.Context) ([]tracer.Route, error) {
	m, err := s.pausedMember(false)
	if err != nil {
		return nil, err
	}
	rq, ok := m.src.(tracer.Requester)
	if !ok {
		return nil, tracer.ErrUnsupported
	}
	return rq.Routes(ctx)
}

// Send sends spec to the paused service and lets it run to the request's
// first stop (tracer.Requester). A spec for another service is refused:
// a request is sent from its service's stop.
func (s *System) Send(ctx context.Context, spec tracer.RequestSpec) (tracer.RequestInfo, error) {
	m, err := s.pausedMember(false)
	if err != nil {
		return tracer.RequestInfo{}, err
	}
	if spec.Service != "" && spec.Service != m.svc.Name {
		return tracer.RequestInfo{}, fmt.Errorf("%s is for %s, and %s is the service paused: send it from a stop of %s", spec, spec.Service, m.svc.Name, spec.Service)
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

package replay

import (
	"context"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Routes asks the recorded Source for the App's routes, when it can list
// them (a live program); see tracer.Requester.
func (r *Recorder) Routes(ctx context.Context) ([]tracer.Route, error) {
	rq, ok := r.src.(tracer.Requester)
	if !ok {
		return nil, tracer.ErrUnsupported
	}
	return rq.Routes(ctx)
}

// Send has the recorded Source send a request, when it can (a live
// program); its events are recorded like every other.
func (r *Recorder) Send(ctx context.Context, spec tracer.RequestSpec) (tracer.RequestInfo, error) {
	rq, ok := r.src.(tracer.Requester)
	if !ok {
		return tracer.RequestInfo{}, tracer.ErrUnsupported
	}
	return rq.Send(ctx, spec)
}

var _ tracer.Requester = (*Recorder)(nil)

package delve

import (
	"errors"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// UserError is tracer.UserError, the failure a person can act on, by the
// short name this package's many of them use.
type UserError = tracer.UserError

// ErrorEvent turns err into a KindError event, keeping a UserError's hint
// and detail: how a trace reports a failure, the build's or, under --json,
// one that kept the trace from starting.
func ErrorEvent(err error) tracer.Event {
	ev := tracer.Event{Kind: tracer.KindError, Error: err.Error()}
	var ue *UserError
	if errors.As(err, &ue) {
		if ue.Detail != "" {
			ev.Error += "\n" + ue.Detail
		}
		ev.Reason = ue.Hint
	}
	return ev
}

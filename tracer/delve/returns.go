package delve

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// returnState follows the providers between their call and their return.
type returnState struct {
	// started is the program's running time when each provider (by its
	// detail) was entered.
	started map[string]time.Duration
	// failure is the error event of the first provider that returned an
	// error; it is the trace's failure when the program then dies of it.
	// known says whether its message could be read whole.
	failure *tracer.Event
	known   bool
}

// providerEntered notes when the provider of a wire.provider hit began.
func (s *Session) providerEntered(e planEntry) {
	if e.Phase != tracer.PhaseWireProvider || e.ret != nil {
		return
	}
	if s.returns.started == nil {
		s.returns.started = map[string]time.Duration{}
	}
	s.returns.started[e.Detail] = s.runClock.elapsed()
}

// reportReturn emits the return event of a provider: what it returned, read
// from the injector's variables on the statement after the call, and how
// long it ran. A provider that returned an error is remembered as the
// failure. The program goes on: a return is a pass.
func (s *Session) reportReturn(h hit) bool {
	th := h.thread
	ev := threadEvent(tracer.KindReturn, th)
	ev.Phase, ev.Detail = h.entry.Phase, h.entry.Detail
	if start, ok := s.returns.started[h.entry.Detail]; ok {
		ev.Took = tracer.Duration(s.runClock.elapsed() - start)
	}
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	r := variableReader(s.client, scope, stopLevels, stopFetches)
	for _, name := range h.entry.ret.vars {
		v, err := s.client.EvalVariable(scope, name, stopLoad)
		if err != nil {
			ev.Results = append(ev.Results, &tracer.Node{Name: name, Value: unreadableText(err.Error())})
			continue
		}
		n := r.variable(name, name, v)
		if v.Type == "error" && !isNil(v) && s.returns.failure == nil {
			msg, whole, err := s.readErrorText(th.GoroutineID, name, true)
			if err == nil {
				n.Value = msg
			}
			s.providerFailed(ev, msg, whole, errorType(v))
		}
		ev.Results = append(ev.Results, n)
	}
	s.attachSource(&ev)
	s.deliver(ev, false)
	return false
}

// providerFailed remembers the error a provider returned as the trace's
// failure, located where the injector got it.
func (s *Session) providerFailed(ret tracer.Event, msg string, known bool, typ string) {
	if msg == "" {
		msg = fmt.Sprintf("(an error of type %s, whose message could not be read)", typ)
	}
	ev := tracer.Event{
		Kind:      tracer.KindError,
		Phase:     ret.Phase,
		Detail:    ret.Detail,
		File:      ret.File,
		Line:      ret.Line,
		Function:  ret.Function,
		Goroutine: ret.Goroutine,
		Error:     fmt.Sprintf("%s %s returned an error: %s", ret.Phase, ret.Detail, msg),
	}
	s.addState(&ev)
	s.returns.failure, s.returns.known = &ev, known
}

// failureAtExit is the provider's failure to report when the program ends
// with status code (or panicked, when code is -1), or nil. A message that
// could not be read is taken from the panic the program printed.
func (s *Session) failureAtExit(code int, panicLine string) *tracer.Event {
	f := s.returns.failure
	if f == nil || code == 0 {
		return nil
	}
	ev := *f
	if msg, ok := strings.CutPrefix(panicLine, "panic: "); ok && !s.returns.known {
		msg = strings.TrimSuffix(msg, " [recovered]")
		ev.Error = fmt.Sprintf("%s %s returned an error: %s", ev.Phase, ev.Detail, msg)
	}
	ev.Reason = panicLine
	return &ev
}

// callError reads the text of the error interface at expr by calling its
// Error method in the program, for error types whose text no field keeps.
// The call runs program code (and, in Delve, lets the other goroutines
// run meanwhile), so it is made only for a failure, and only for a type
// errorFormatter cannot print from its fields.
func (s *Session) callError(gid int64, expr string) (string, bool) {
	cfg := api.LoadConfig{MaxStringLen: 4096}
	s.client.SetReturnValuesLoadConfig(&cfg)
	defer s.client.SetReturnValuesLoadConfig(nil)
	state, err := s.client.Call(gid, expr+".Error()", false)
	if err != nil || state == nil || state.CurrentThread == nil || state.CurrentThread.GoroutineID != gid {
		debugf("call %s.Error(): %v", expr, err)
		return "", false
	}
	for _, rv := range state.CurrentThread.ReturnValues {
		if rv.Kind == reflect.String {
			return rv.Value, true
		}
	}
	return "", false
}

// errorType is the dynamic type an error interface holds.
func errorType(v *api.Variable) string {
	if len(v.Children) > 0 && v.Children[0].Type != "" {
		return shortType(v.Children[0].Type)
	}
	return shortType(v.Type)
}

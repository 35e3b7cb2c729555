package delve

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-delve/delve/pkg/proc"
	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// resume runs the program with op, then reports what it stopped at. Phase
// hits whose break is off become pass events and the program runs on.
func (s *Session) resume(op string) {
	s.clock.halt()
	// A step (stepover.go) goes on through the plan's breakpoints that do
	// not pause; interrupted is the state such a breakpoint stopped it in.
	step := s.beginStep(op)
	var interrupted *api.DebuggerState
	for {
		if (op == "continue" || interrupted != nil) && len(s.pending) > 0 {
			h := s.pending[0]
			s.pending = s.pending[1:]
			if s.report(h) {
				s.cancelStep(interrupted)
				return
			}
			continue
		}
		s.pending = nil
		if interrupted != nil {
			op = s.carryOn(step, interrupted.NextInProgress)
			interrupted = nil
			if op == "" {
				s.stepDone(step)
				return
			}
		}
		if op == "continue" && s.replyDue() {
			if s.reportReply() {
				return
			}
		}
		s.takeArm()
		if s.takeHalt() {
			return
		}
		state, err := s.step(op)
		s.clock.halt()
		if s.remote != nil && s.closing() {
			// Close halted the program to leave; teardown takes it from here.
			return
		}
		if code, ok := exitStatusOf(err); ok {
			s.reportExit(code)
			return
		}
		if err != nil {
			if s.finishIfExited() {
				return
			}
			s.emit(s.debuggerFailed(err))
			s.end()
			return
		}
		if state.Exited {
			s.reportExit(state.ExitStatus)
			return
		}
		for _, th := range state.Threads {
			if th.Breakpoint != nil {
				debugf("stop: thread %d goroutine %d at %s:%d bp %d %s", th.ID, th.GoroutineID, th.File, th.Line, th.Breakpoint.ID, th.Breakpoint.Name)
			}
		}
		hits, fatal := s.hitsOf(state)
		if fatal != nil {
			s.reportFatal(fatal)
			op, step = "continue", nil
			continue
		}
		if len(hits) == 0 {
			if s.takeHalt() {
				return
			}
			if op != "continue" && state.CurrentThread != nil {
				s.reportStep(state.CurrentThread)
				return
			}
			op = "continue"
			continue
		}
		s.pending = hits
		if step != nil {
			interrupted = state
		}
		op = "continue"
	}
}

// exitedPattern matches Delve's error for a program that exited during a
// command.
var exitedPattern = regexp.MustCompile(`has exited with status (-?\d+)`)

// exitStatusOf returns the exit status if err says the program exited.
func exitStatusOf(err error) (int, bool) {
	if err == nil {
		return 0, false
	}
	var pe proc.ErrProcessExited
	if errors.As(err, &pe) {
		return pe.Status, true
	}
	m := exitedPattern.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, false
	}
	code, convErr := strconv.Atoi(m[1])
	return code, convErr == nil
}

// step performs one Delve run command and returns the state it stopped in.
func (s *Session) step(op string) (*api.DebuggerState, error) {
	s.mu.Lock()
	s.stepping = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.stepping = false
		s.mu.Unlock()
	}()
	if s.closing() {
		return nil, errors.New("the trace is closing")
	}
	s.notePause(s.runClock.resume())
	defer s.runClock.pause()
	switch op {
	case "next":
		return s.client.Next()
	case "stepout":
		return s.client.StepOut()
	}
	var last *api.DebuggerState
	for st := range s.client.Continue() {
		last = st
		if st.Err != nil {
			return st, st.Err
		}
	}
	if last == nil {
		return nil, errors.New("no state after continue")
	}
	if last.NextInProgress && op != opFinishStep {
		_ = s.client.CancelNext()
	}
	return last, nil
}

// hitsOf lists the threads stopped at plan breakpoints, in boot order then
// goroutine order, and the thread stopped at a fatal panic, if any.
func (s *Session) hitsOf(state *api.DebuggerState) ([]hit, *api.Thread) {
	var hits []hit
	for _, th := range state.Threads {
		if th.Breakpoint == nil {
			continue
		}
		if th.Breakpoint.Name == proc.UnrecoveredPanic || th.Breakpoint.Name == proc.FatalThrow {
			return nil, th
		}
		meanings := s.meanings(th.Breakpoint.ID)
		for _, e := range meanings {
			if th.Function != nil && !e.accepts(th.Function.Name()) {
				continue
			}
			hits = append(hits, hit{entry: e, thread: th})
		}
		if len(meanings) == 0 {
			if h, ok := s.requestHit(th); ok {
				hits = append(hits, h)
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		oi, oj := tracer.Order(hits[i].entry.Phase), tracer.Order(hits[j].entry.Phase)
		if oi != oj {
			return oi < oj
		}
		return hits[i].thread.GoroutineID < hits[j].thread.GoroutineID
	})
	return hits, nil
}

// report emits the event for one hit; it returns true when the program stays
// paused there.
func (s *Session) report(h hit) bool {
	if h.entry.ret != nil {
		return s.reportReturn(h)
	}
	if h.entry.failure {
		s.reportFailure(h)
		return false
	}
	if tracer.IsRequestPhase(h.entry.Phase) {
		return s.reportRequestHit(h)
	}
	s.noteRequestPhase(h.entry.Phase)
	if h.entry.Phase == tracer.PhaseRunning {
		// The request breakpoints wait for the first request (armRunning).
		s.prepareRequests()
	}
	s.providerEntered(h.entry)
	th := h.thread
	if h.entry.configSource {
		s.current = tracer.PhaseConfigLoad
		s.readConfigSource(th, h.entry)
		return false
	}
	ev := threadEvent(tracer.KindPass, th)
	ev.Phase, ev.Detail = h.entry.Phase, h.entry.Detail
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	switch h.entry.Phase {
	case tracer.PhaseConfigLoad:
		s.atConfigLoad(scope)
	case tracer.PhaseConfigScan:
		if loc, ok := s.scanConfig(th); ok {
			ev.File, ev.Line, ev.Function = loc.File, loc.Line, loc.Function
		}
	case tracer.PhaseServerStart, tracer.PhaseServerStop:
		if srv, key, err := readServerVar(s.client, scope, h.entry.serverVar); err == nil {
			ev.Detail = srv.Kind + " " + srv.ShownAddress()
			if h.entry.Phase == tracer.PhaseServerStart {
				s.servers.setState(key, tracer.ServerStarting)
			} else {
				s.servers.setState(key, tracer.ServerStopped)
			}
		}
	case tracer.PhaseRegister, tracer.PhaseDeregister:
		s.addRegistration(&ev, scope, h.entry)
		s.noteRegistration(&ev, scope, h.entry)
	case tracer.PhaseDiscoveryDial, tracer.PhaseDiscoveryUpdate:
		s.addDiscovery(&ev, scope, h.entry.client)
	case tracer.PhaseAppNew:
		if kind, err := readRegistrar(s.client, scope, h.entry.opts()+".registrar"); err == nil {
			ev.Registrar = kind
		}
	}
	s.refreshServers(scope, h.entry)
	if h.entry.Phase == tracer.PhaseRunning || h.entry.Phase == tracer.PhaseRegister || h.entry.Phase == tracer.PhaseAfterStart {
		s.servers.markListening()
	}
	s.addState(&ev)

	s.mu.Lock()
	pause := !s.noBreak[h.entry.Phase] && !ev.Skipped
	s.mu.Unlock()
	if h.entry.Phase != tracer.PhaseBreak && h.entry.client == nil {
		// A panic is blamed on the last lifecycle phase, not on a
		// breakpoint of the user's, nor on a client's resolver, which
		// runs on its own goroutine at any time.
		s.current = h.entry.Phase
	}
	if h.entry.Phase == tracer.PhaseStop {
		s.stopping = true
	}
	if pause {
		ev.Kind = tracer.KindStop
		s.addStopValues(&ev)
	}
	s.deliver(ev, pause)
	return pause
}

// threadEvent starts an event of kind at the place th stopped.
func threadEvent(kind tracer.Kind, th *api.Thread) tracer.Event {
	ev := tracer.Event{Kind: kind, File: th.File, Line: th.Line, Goroutine: th.GoroutineID}
	if th.Function != nil {
		ev.Function = th.Function.Name()
	}
	return ev
}

// addState adds to ev what the panes show at a stop: the Bootstrap, the
// servers, the goroutine's stack (unless ev has one) and the source around
// ev's location.
func (s *Session) addState(ev *tracer.Event) {
	ev.Bootstrap = s.bootstrap
	ev.ConfigSources = s.configDescribed
	ev.Servers = s.servers.snapshot()
	ev.Clients = s.clients.snapshot()
	if ev.Stack == nil {
		ev.Stack = s.stack(ev.Goroutine)
	}
	s.attachSource(ev)
}

// deliver emits a stop, step or pass event once the output written before
// it is in, and marks the program paused when it stays there.
func (s *Session) deliver(ev tracer.Event, paused bool) {
	if paused {
		s.mu.Lock()
		s.paused = true
		s.mu.Unlock()
	}
	s.catchUpOutput()
	s.emit(ev)
	s.clock.delivered(ev)
}

// scanConfig runs a config.Scan to its end, so the stop shows the decoded
// value in the caller, and reads that value through the expression the
// caller passed to Scan. It returns the caller's location, or false if the
// value could not be had.
func (s *Session) scanConfig(th *api.Thread) (tracer.Frame, bool) {
	frames, err := s.client.Stacktrace(th.GoroutineID, 2, 0, 0, nil)
	if err != nil || len(frames) < 2 {
		return tracer.Frame{}, false
	}
	expr, ok := scanTarget(s.sources.paths.toLocal(frames[1].File), frames[1].Line)
	if !ok {
		// Without the caller's source (a program built elsewhere), read
		// what Scan was given instead.
		expr, ok = scanArgument(s.client, th.GoroutineID)
	}
	if !ok {
		debugf("config.scan: no Scan call at %s:%d", frames[1].File, frames[1].Line)
		return tracer.Frame{}, false
	}
	if _, err := s.client.SwitchGoroutine(th.GoroutineID); err != nil {
		return tracer.Frame{}, false
	}
	state, err := s.client.StepOut()
	if err != nil || state.Exited || state.CurrentThread == nil {
		debugf("config.scan: step out: %v", err)
		return tracer.Frame{}, false
	}
	if state.NextInProgress {
		_ = s.client.CancelNext()
	}
	ct := state.CurrentThread
	scope := api.EvalScope{GoroutineID: ct.GoroutineID}
	v, err := s.client.EvalVariable(scope, expr, shallowLoad)
	if err == nil {
		root, err := readTree(s.client, scope, expr, v.Type)
		if err == nil && (s.bootstrap == nil || strings.HasSuffix(v.Type, ".Bootstrap")) {
			s.annotateOrigins(root, !isProtoMessage(v))
			s.bootstrap = root
		}
	} else {
		debugf("config.scan: read %s: %v", expr, err)
	}
	loc := tracer.Frame{File: ct.File, Line: ct.Line}
	if ct.Function != nil {
		loc.Function = ct.Function.Name()
	}
	return loc, true
}

// stack returns the goroutine's frames, innermost first.
func (s *Session) stack(gid int64) []tracer.Frame {
	frames, err := s.client.Stacktrace(gid, 24, 0, 0, nil)
	if err != nil {
		return nil
	}
	return framesOf(frames)
}

// reportStep emits the stop after a step inside a phase.
func (s *Session) reportStep(th *api.Thread) {
	ev := threadEvent(tracer.KindStep, th)
	s.addState(&ev)
	s.addStopValues(&ev)
	s.deliver(ev, true)
}

// reportFatal notes the panic the program is dying of. It is reported, with
// the message the program prints, once the program has exited.
func (s *Session) reportFatal(th *api.Thread) {
	if s.fatal != nil {
		return
	}
	if s.returns.failure != nil {
		// The program dies of the error a provider returned: that is the
		// failure (see failureAtExit), not the panic in main.
		s.fatal = s.returns.failure
		return
	}
	ev := threadEvent(tracer.KindError, th)
	ev.Phase = s.current
	ev.Stack = s.stack(th.GoroutineID)
	where := ""
	for _, f := range ev.Stack {
		if !strings.HasPrefix(f.Function, "runtime.") {
			where = fmt.Sprintf(" in %s (%s:%d)", f.Function, filepath.Base(f.File), f.Line)
			ev.File, ev.Line, ev.Function = f.File, f.Line, f.Function
			break
		}
	}
	ev.Error = "the program panicked" + where
	switch {
	case s.failed != nil:
		ev.Phase = s.failed.Phase
		ev.Error = fmt.Sprintf("%s; then the program panicked%s", s.failed.Error, where)
	case s.current != "":
		ev.Error = fmt.Sprintf("%s failed: the program panicked%s", s.current, where)
	}
	s.addState(&ev)
	s.fatal = &ev
}

// reportExit emits the exit event and marks the trace ended.
func (s *Session) reportExit(code int) {
	// Output still in flight belongs before the exit event.
	s.outputs.Wait()
	s.mu.Lock()
	panicLine := s.panicLine
	s.mu.Unlock()
	switch f, own := s.failureAtExit(code, panicLine), s.ownExit(code, panicLine); {
	case f != nil:
		s.emit(*f)
	case own != nil && s.fatal == nil:
		s.emit(*own)
	case s.fatal != nil:
		s.fatal.Reason = panicLine
		s.emit(*s.fatal)
	}
	c := code
	s.emit(tracer.Event{
		Kind:          tracer.KindExit,
		Phase:         tracer.PhaseExit,
		Function:      "main.main",
		ExitCode:      &c,
		Signal:        exitSignal(code),
		Bootstrap:     s.bootstrap,
		ConfigSources: s.configDescribed,
		Servers:       s.servers.snapshot(),
	})
	s.end()
}

// finishIfExited reports an exit when the program is gone after a failed
// command; it returns false when the program still exists.
func (s *Session) finishIfExited() bool {
	st, err := s.client.GetStateNonBlocking()
	if err == nil && st.Exited {
		s.reportExit(st.ExitStatus)
		return true
	}
	select {
	case <-s.quit:
		s.end()
		return true
	default:
	}
	return false
}

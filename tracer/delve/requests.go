package delve

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

// requestState follows the requests a session sends. The run goroutine owns
// bps and the timeouts; what Send and Routes read (serving, armed,
// seq, target, routes, grpcMethods, active) and the fields of the in-flight
// request that the client goroutine sets are guarded by s.mu.
type requestState struct {
	// serving: app.running was reached and no signal has been sent since;
	// requests can be sent.
	serving bool
	// armed: the request breakpoints are set; bps is what each breakpoint
	// means.
	armed bool
	bps   map[int]requestBP
	// prepared: the target was read and the servers' timeouts lifted, at
	// app.running; the breakpoints wait for the first request (armLater).
	prepared bool
	// armWait, once made, is closed when the breakpoints are set: a
	// request asked for while the program runs on halts it to arm them.
	armWait chan struct{}
	// seq numbers the requests.
	seq int
	// target is where the App's servers listen; routes and grpcMethods
	// what they serve, read when the breakpoints were set.
	target      request.Target
	routes      []tracer.Route
	grpcMethods []string
	// routesErr is why some of them could not be read, for Routes to say.
	routesErr error
	// active is the request in flight, from Send to its request.reply.
	active *inflight
	// lifted is what liftTimeouts set to zero, to be put back
	// (requesttimeouts.go).
	lifted []liftedTimeout
	// liftLines: the gRPC client's timeout check has its breakpoint
	// (clientcalls.go).
	liftLines bool
	// onCall is told of the outgoing calls of the requests followed
	// (follow.go).
	onCall tracer.CallHook
	// nextID numbers the requests instead of seq: in a system, one
	// numbering for every service (follow.go).
	nextID func() int
	// ended is the followed request that ended last, for its caller's
	// Unfollow (follow.go).
	ended *inflight
}

// requestBP is a breakpoint on a request function's entry or returns.
type requestBP struct {
	requestFunc
	ret bool
	// lift: the breakpoint is where an outgoing call checks its client's
	// timeout, held in the variable lift (clientcalls.go).
	lift string
}

// inflight is one request between Send and its request.reply.
type inflight struct {
	info tracer.RequestInfo
	// events are the request's phase and return events so far, for the
	// reply's failure attribution.
	events []tracer.Event
	// open are the calls entered and not yet returned, by goroutine.
	open map[int64][]openCall
	// served is the program's running time from the transport's entry to
	// its return.
	transportAt, served time.Duration
	cancel              context.CancelFunc

	// Set by the client goroutine, under s.mu.
	reply    *tracer.Reply
	replyAt  time.Time
	forced   bool
	reported bool

	// followed: the request is another service's, followed here from
	// its call (follow.go); entered once a layer of it was reached here,
	// callerDone once the caller's call returned. Under s.mu.
	followed, entered, callerDone bool
}

// openCall is a request function that was entered and has not returned.
type openCall struct {
	function string
	ranAt    time.Duration
	// phase and detail are how its entry was shown, for its return: a
	// middleware running in a client's call is the client's.
	phase  tracer.PhaseID
	detail string
	// client is an outgoing call's state (request.client), hop where it
	// was followed to in a system.
	client *clientCallState
	hop    *tracer.Hop
}

// inClientCall reports whether an outgoing call (request.client) is open
// on goroutine gid: a middleware entered there runs in the client's chain.
func (in *inflight) inClientCall(gid int64) bool {
	for _, c := range in.open[gid] {
		if c.phase == tracer.PhaseRequestClient {
			return true
		}
	}
	return false
}

// sendCmd asks the run goroutine to send a request; routesCmd to list the
// App's routes.
type sendCmd struct {
	info tracer.RequestInfo
	spec tracer.RequestSpec
}

type routesCmd struct {
	ctx   context.Context
	reply chan routesResult
}

type routesResult struct {
	routes []tracer.Route
	err    error
}

// replyGrace is how long the program may run after the client has its reply
// for the calls still open to return (an HTTP transport returns only after
// the reply is written); past it the reply is reported anyway.
const replyGrace = 2 * time.Second

// Send sends spec to the App and lets the program run to the request's
// first stop; see tracer.Requester.
func (s *Session) Send(ctx context.Context, spec tracer.RequestSpec) (tracer.RequestInfo, error) {
	// As for a Continue: an inspector request under way finishes before
	// the program runs.
	if err := s.armRunning(ctx); err != nil {
		return tracer.RequestInfo{}, err
	}
	s.insp.op.Lock()
	defer s.insp.op.Unlock()
	s.mu.Lock()
	if err := s.requestableLocked(); err != nil {
		s.mu.Unlock()
		return tracer.RequestInfo{}, err
	}
	if s.req.active != nil && !s.req.active.followedStale() {
		s.mu.Unlock()
		return tracer.RequestInfo{}, fmt.Errorf("request %s is still in flight: continue to its reply first", s.req.active.info.Label())
	}
	s.req.seq++
	id := s.req.seq
	if s.req.nextID != nil {
		id = s.req.nextID()
	}
	info := request.Info(id, spec)
	if !s.paused {
		// The program runs on past app.running, and the request
		// breakpoints were set there: the client alone starts the request,
		// and its stops come as the program hits them.
		s.mu.Unlock()
		s.startClient(info, spec)
		return info, nil
	}
	s.paused = false
	s.mu.Unlock()
	if err := s.handOver(ctx, command{op: "continue", send: &sendCmd{info: info, spec: spec}}); err != nil {
		return tracer.RequestInfo{}, err
	}
	return info, nil
}

// requestableLocked says why a request cannot be sent or the routes listed
// now, or returns nil: the App serves, and the program is paused or runs on
// with the request breakpoints set. Callers hold s.mu.
func (s *Session) requestableLocked() error {
	switch {
	case s.ended:
		return tracer.ErrEnded
	case !s.req.serving:
		return tracer.ErrNotServing
	case !s.paused && !s.req.armed:
		return tracer.ErrNotPaused
	}
	return nil
}

// Routes lists what the App serves; see tracer.Requester.
func (s *Session) Routes(ctx context.Context) ([]tracer.Route, error) {
	if err := s.armRunning(ctx); err != nil {
		return nil, err
	}
	s.insp.op.Lock()
	s.mu.Lock()
	err, paused := s.requestableLocked(), s.paused
	routes, methods, target, routesErr := s.req.routes, s.req.grpcMethods, s.req.target, s.req.routesErr
	s.mu.Unlock()
	if err == nil && paused {
		// The run goroutine reads them, and lets the program run while the
		// gRPC examples are asked for: as for a Continue, no inspector
		// request may be under way meanwhile.
		defer s.insp.op.Unlock()
		return s.routesWhilePaused(ctx)
	}
	s.insp.op.Unlock()
	if err != nil {
		return nil, err
	}
	// Running on past app.running: the routes were read there, and the
	// reflection service answers as the program runs.
	routes = append([]tracer.Route(nil), routes...)
	if len(methods) > 0 {
		specs, notes := grpcExamples(ctx, target, methods)
		routes = withGRPCExamples(routes, methods, specs, notes)
	}
	return routes, routesErr
}

// routesWhilePaused has the run goroutine read the routes of the paused
// program. Once it has begun, it is waited for: it ends soon after ctx
// does, with the program halted again.
func (s *Session) routesWhilePaused(ctx context.Context) ([]tracer.Route, error) {
	rc := &routesCmd{ctx: ctx, reply: make(chan routesResult, 1)}
	select {
	case s.cmds <- command{routes: rc}:
	case <-s.done:
		return nil, tracer.ErrEnded
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case res := <-rc.reply:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return res.routes, res.err
	case <-s.done:
		return nil, tracer.ErrEnded
	}
}

// requestCommand handles a request command in the run goroutine before the
// program resumes; it returns true when the program is to stay paused.
func (s *Session) requestCommand(c command) bool {
	switch {
	case c.routes != nil:
		routes, err := s.readRoutes(c.routes.ctx)
		c.routes.reply <- routesResult{routes, err}
		return true
	case c.send != nil:
		s.startRequest(c.send)
	}
	return false
}

// noteRequestPhase follows the lifecycle: requests can be sent from
// app.running until the program is told to stop.
func (s *Session) noteRequestPhase(p tracer.PhaseID) {
	s.mu.Lock()
	switch p {
	case tracer.PhaseRunning:
		s.req.serving = true
	case tracer.PhaseStop, tracer.PhaseServerStop, tracer.PhaseAfterStop:
		s.req.serving = false
	}
	s.mu.Unlock()
	if p == tracer.PhaseStop {
		// The App stops: it serves no more requests of kratos-trace's.
		s.restoreTimeouts()
	}
}

// stopServing marks the App as no longer taking requests (a signal was sent).
func (s *Session) stopServing() {
	s.mu.Lock()
	s.req.serving = false
	s.mu.Unlock()
}

// armRequests sets the breakpoints a request is followed through, once:
// on the entry and on every return of each request function.
func (s *Session) armRequests() {
	s.prepareRequests()
	s.mu.Lock()
	armed := s.req.armed
	s.req.armed = true
	wait := s.req.armWait
	s.mu.Unlock()
	if armed {
		return
	}
	if wait != nil {
		defer close(wait)
	}
	routes, methods, err := s.readRouteList()
	s.mu.Lock()
	s.req.routes, s.req.grpcMethods, s.req.routesErr = routes, methods, err
	s.mu.Unlock()
	s.req.bps = map[int]requestBP{}
	layers, module := s.layers(), s.modulePath()
	names, err := s.client.ListFunctions(requestFuncsFilter(module, layers), 0)
	if err != nil {
		s.status("cannot list the program's functions to follow requests: %v", err)
		return
	}
	funcs := classifyRequestFuncs(names, module, layers)
	missing := map[tracer.PhaseID]bool{tracer.PhaseRequestTransport: true, tracer.PhaseRequestService: true}
	named := func(bp *api.Breakpoint) *api.Breakpoint {
		if s.remote != nil {
			// Named, so that a later session can find and clear them.
			bp.Name = fmt.Sprintf("%sreq%d", remoteBreakpointPrefix, len(s.req.bps)+1)
		}
		return bp
	}
	for _, f := range funcs {
		bp, err := s.client.CreateBreakpoint(named(&api.Breakpoint{FunctionName: f.function}))
		if err != nil {
			debugf("request breakpoint %s: %v", f.function, err)
			continue
		}
		if bp.File == "<autogenerated>" {
			// A wrapper the compiler made for an embedded type's method.
			_, _ = s.client.ClearBreakpoint(bp.ID)
			continue
		}
		delete(missing, f.phase)
		s.req.bps[bp.ID] = requestBP{requestFunc: f}
		if f.phase == tracer.PhaseRequestClient {
			s.armClientLift(f, bp, named)
		}
		addrs, err := s.client.FunctionReturnLocations(f.function)
		if err != nil || len(addrs) == 0 {
			debugf("request returns of %s: %v", f.function, err)
			continue
		}
		rbp, err := s.client.CreateBreakpoint(named(&api.Breakpoint{Addrs: addrs}))
		if err != nil {
			debugf("request return breakpoint %s: %v", f.function, err)
			continue
		}
		s.req.bps[rbp.ID] = requestBP{requestFunc: f, ret: true}
		debugf("request %s %s at %s:%d, %d returns", f.phase, f.detail, bp.File, bp.Line, len(addrs))
	}
	if missing[tracer.PhaseRequestService] {
		s.status("no service layer found in %s: requests are followed through the transport and middleware only (name the layers' packages with --layer service=DIR)", strings.Join(layers[tracer.PhaseRequestService], ", "))
	}
}

// prepareRequests does at app.running what sending a request needs at
// once: where to send, and the servers' timeouts lifted. Reading the
// routes and finding the layers (a listing of the program's functions, a
// tenth of a second or more) wait for the first request: armRequests.
func (s *Session) prepareRequests() {
	s.mu.Lock()
	prepared := s.req.prepared
	s.req.prepared = true
	// Where to send: read here, in the run goroutine, which owns the
	// servers; the App's servers do not move while it serves.
	s.req.target = request.TargetOf(s.servers.snapshot())
	s.mu.Unlock()
	if !prepared {
		s.liftTimeouts()
	}
}

// armRunning sets the request breakpoints of a program that runs on past
// app.running: the run goroutine halts it, arms them (takeArm) and lets it
// run again. It returns once they are set, or with why they cannot be.
func (s *Session) armRunning(ctx context.Context) error {
	s.mu.Lock()
	switch {
	case s.ended:
		s.mu.Unlock()
		return tracer.ErrEnded
	case s.req.armed:
		s.mu.Unlock()
		return nil
	case !s.req.serving:
		s.mu.Unlock()
		return tracer.ErrNotServing
	case s.paused:
		// At a stop the command that sends arms them (startRequest).
		s.mu.Unlock()
		return nil
	}
	wait := s.req.armWait
	if wait == nil {
		wait = make(chan struct{})
		s.req.armWait = wait
		go s.haltUntil(wait)
	}
	s.mu.Unlock()
	select {
	case <-wait:
		return nil
	case <-s.done:
		return tracer.ErrEnded
	case <-ctx.Done():
		return ctx.Err()
	}
}

// takeArm sets the request breakpoints armRunning asked for; it runs on
// the run goroutine, where the program is still.
func (s *Session) takeArm() {
	s.mu.Lock()
	due := s.req.armWait != nil && !s.req.armed
	s.mu.Unlock()
	if due {
		s.armRequests()
	}
}

// layers are the packages of each layer: kratos-layout's, in the internal/
// of the main's own service root (servicelayers.go), and those the user
// named.
func (s *Session) layers() map[tracer.PhaseID][]string {
	root := "."
	if s.target != nil {
		root = serviceRoot(s.target.ModuleDir, s.target.Dir)
	}
	out := serviceLayers(root)
	for p, dirs := range s.cfg.Layers {
		out[p] = append(out[p], dirs...)
	}
	return out
}

// modulePath is the program's module path, from its main package's import
// path and directory; "" when unknown (a program built elsewhere).
func (s *Session) modulePath() string {
	t := s.target
	if t == nil || t.ModuleDir == "" {
		return ""
	}
	rel, err := filepath.Rel(t.ModuleDir, t.Dir)
	if err != nil {
		return ""
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return t.ImportPath
	}
	return strings.TrimSuffix(t.ImportPath, "/"+rel)
}

// startRequest arms the breakpoints and starts the client that sends the
// request; the program runs once the command returns.
func (s *Session) startRequest(c *sendCmd) {
	s.armRequests()
	s.startClient(c.info, c.spec)
}

// startClient makes info the request in flight and sends it from a client
// goroutine.
func (s *Session) startClient(info tracer.RequestInfo, spec tracer.RequestSpec) {
	ctx, cancel := context.WithCancel(context.Background())
	in := &inflight{info: info, open: map[int64][]openCall{}, cancel: cancel}
	s.mu.Lock()
	s.req.active = in
	target := s.req.target
	s.mu.Unlock()
	go func() {
		// Closing the trace cancels a request still waiting for its reply.
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	go func() {
		r := request.Do(ctx, spec, target)
		s.replyArrived(in, r)
	}()
}

// replyArrived records the reply and makes sure the run goroutine notices:
// the program, idle by now, is halted so that Delve's Continue returns.
// Until the reply is reported the halt is repeated, as one that reaches
// Delve just before a Continue is forgotten by it.
func (s *Session) replyArrived(in *inflight, r tracer.Reply) {
	s.mu.Lock()
	in.reply = &r
	in.replyAt = time.Now()
	s.mu.Unlock()
	tick := time.NewTicker(haltRetry)
	defer tick.Stop()
	for {
		s.mu.Lock()
		halt := false
		if !in.reported && s.stepping && !s.ended {
			if in.openCount() > 0 && time.Since(in.replyAt) > replyGrace {
				in.forced = true
			}
			halt = in.dueLocked()
		}
		done := in.reported || s.ended
		s.mu.Unlock()
		if done {
			return
		}
		if halt {
			if _, err := s.client.Halt(); err != nil {
				debugf("halt for the reply: %v", err)
			}
		}
		select {
		case <-tick.C:
		case <-s.quit:
			return
		}
	}
}

// dueLocked reports whether the reply can be reported: it is in, and no
// call of the request is still open (or they had their grace).
func (in *inflight) dueLocked() bool {
	return in.reply != nil && !in.reported && (in.forced || in.openCount() == 0)
}

// openCount is how many calls of the request are open.
func (in *inflight) openCount() int {
	n := 0
	for _, calls := range in.open {
		n += len(calls)
	}
	return n
}

// replyDue reports, in the run goroutine, whether the active request's
// reply is to be reported now.
func (s *Session) replyDue() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.req.active != nil && s.req.active.dueLocked()
}

// requestHit looks up a breakpoint of the request plan.
func (s *Session) requestHit(th *api.Thread) (hit, bool) {
	if s.req.bps == nil || th.Breakpoint == nil {
		return hit{}, false
	}
	bp, ok := s.req.bps[th.Breakpoint.ID]
	if !ok {
		return hit{}, false
	}
	e := planEntry{PlannedPhase: tracer.PlannedPhase{Phase: bp.phase, Detail: bp.detail, Function: bp.function}}
	return hit{entry: e, thread: th, ret: bp.ret, lift: bp.lift}, true
}

// reportRequestHit emits the stop or return event of a request function;
// it returns true when the program stays paused. A hit outside a request
// (the program's own traffic, a shutdown's cleanup) passes unseen.
func (s *Session) reportRequestHit(h hit) bool {
	s.mu.Lock()
	in := s.req.active
	s.mu.Unlock()
	if in == nil {
		return false
	}
	th := h.thread
	gid := th.GoroutineID
	if h.lift != "" {
		s.liftCallTimeout(in, h)
		return false
	}
	ran := s.runClock.elapsed()
	info := in.info
	if h.ret {
		calls := in.open[gid]
		i := len(calls) - 1
		for ; i >= 0 && calls[i].function != h.entry.Function; i-- {
		}
		if i < 0 {
			// It was entered before the request began.
			return false
		}
		call := calls[i]
		s.mu.Lock()
		in.open[gid] = append(calls[:i], calls[i+1:]...)
		s.mu.Unlock()
		ev := requestEvent(tracer.KindReturn, h, &info)
		ev.Phase, ev.Detail = call.phase, call.detail
		ev.Took = tracer.Duration(ran - call.ranAt)
		t0 := time.Now()
		ev.Results = s.readResults(th)
		if call.client != nil {
			s.returnClientCall(&ev, th, call.client)
			if hop := s.callOut(info, ev.Call, true); hop != nil {
				call.hop = hop
			}
			ev.Call.Hop = call.hop
		}
		debugf("request results of %s read in %s", h.entry.Function, time.Since(t0))
		if h.entry.Phase == tracer.PhaseRequestTransport {
			in.served += ran - in.transportAt
		}
		ev.Stack = s.stack(gid)
		s.attachSource(&ev)
		in.events = append(in.events, ev)
		s.deliver(ev, false)
		s.endFollowed(in)
		return false
	}
	s.enterFollowed(in, h)
	s.mu.Lock()
	info = in.info
	s.mu.Unlock()
	if h.entry.Phase == tracer.PhaseRequestTransport {
		in.transportAt = ran
	}
	ev := requestEvent(tracer.KindPass, h, &info)
	if ev.Phase == tracer.PhaseRequestMiddleware && in.inClientCall(gid) {
		ev.Phase = tracer.PhaseRequestClientMiddleware
	}
	call := openCall{function: h.entry.Function, ranAt: ran}
	t0 := time.Now()
	if ev.Phase == tracer.PhaseRequestClient {
		call.client = s.enterClientCall(&ev, th, h.entry.Detail)
		call.hop = s.callOut(info, ev.Call, false)
		ev.Call.Hop = call.hop
	} else {
		ev.Args = s.readArgs(th)
	}
	call.phase, call.detail = ev.Phase, ev.Detail
	s.mu.Lock()
	in.open[gid] = append(in.open[gid], call)
	s.mu.Unlock()
	debugf("request args of %s read in %s", h.entry.Function, time.Since(t0))
	s.addState(&ev)
	s.mu.Lock()
	pause := !s.noBreak[ev.Phase]
	s.mu.Unlock()
	if pause {
		ev.Kind = tracer.KindStop
		// The locals and the watches as at every stop; the arguments are
		// the layer's, read deeper than a stop's.
		args := ev.Args
		s.addStopValues(&ev)
		ev.Args = args
	}
	in.events = append(in.events, ev)
	s.deliver(ev, pause)
	return pause
}

// requestEvent starts the event of a request function's entry or return
// at h, for the request info.
func requestEvent(kind tracer.Kind, h hit, info *tracer.RequestInfo) tracer.Event {
	ev := threadEvent(kind, h.thread)
	ev.Phase, ev.Detail, ev.Request = h.entry.Phase, h.entry.Detail, info
	if h.entry.Phase == tracer.PhaseRequestTransport {
		ev.Detail = transportDetail(h.entry.Detail, *info)
		if info.Hop != nil {
			// Followed from another service: what arrived here is
			// its call, not the request the caller was sent.
			ev.Detail = info.Hop.Call
		}
	}
	return ev
}

// transportDetail names the transport entry with what it serves:
// "http GET /helloworld/kratos", "grpc /helloworld.v1.Greeter/SayHello".
func transportDetail(kind string, info tracer.RequestInfo) string {
	if kind == "grpc" {
		return "grpc /" + info.Path
	}
	return kind + " " + info.Method + " " + info.Path
}

// reportReply emits the active request's request.reply and ends it. The
// program is stopped (at a breakpoint, or halted) and stays paused there
// when the phase's break is on.
func (s *Session) reportReply() bool {
	s.mu.Lock()
	in := s.req.active
	in.reported = true
	s.req.active = nil
	r := *in.reply
	s.mu.Unlock()
	in.cancel()
	if in.served > 0 {
		r.ServerTime = tracer.Duration(in.served)
	}
	info := in.info
	request.Attribute(&r, &info, in.events)
	info.Reply = &r
	ev := tracer.Event{Kind: tracer.KindPass, Phase: tracer.PhaseRequestReply, Detail: request.StatusLine(&r), Request: &info, Stack: []tracer.Frame{}}
	if open := in.openCount(); open > 0 {
		debugf("reply of %s reported with %d calls open", info.Label(), open)
		// An outgoing call that never returned gives its client's
		// timeout back now.
		for _, calls := range in.open {
			for _, c := range calls {
				s.restoreClientTimeout(c.client)
			}
		}
	}
	s.addState(&ev)
	// The reply is no goroutine's stop: nothing of the program's is there
	// to read or to step (StepOver says so).
	s.addFrameValues(&ev, -1)
	s.mu.Lock()
	pause := !s.noBreak[tracer.PhaseRequestReply]
	s.mu.Unlock()
	if pause {
		ev.Kind = tracer.KindStop
	}
	s.deliver(ev, pause)
	return pause
}

// clearRequestBreakpoints clears the request breakpoints, so that a program
// left running under a remote Delve server serves on without stopping.
func (s *Session) clearRequestBreakpoints() {
	s.restoreTimeouts()
	for id := range s.req.bps {
		if _, err := s.client.ClearBreakpoint(id); err != nil {
			debugf("teardown: clear request breakpoint %d: %v", id, err)
		}
	}
}

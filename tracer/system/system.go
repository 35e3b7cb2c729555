package system

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// StartFunc starts the trace of one service and returns its Source. It is
// the caller's: the CLI starts a Delve session, a test may start anything.
// The program must not run before launch is closed: until then only its
// build may go on, so the builds of every service overlap while the
// services still start one after the other.
type StartFunc func(ctx context.Context, svc Service, launch <-chan struct{}) (tracer.Source, error)

// Guard registers something with whatever cleans up after kratos-trace
// should it die without doing it itself (the watchdog): a process group to
// kill, a directory to remove. The function it returns forgets it again.
type Guard struct {
	Group func(pgid int) (forget func())
	Dir   func(path string) (forget func())
}

// Options control a system trace.
type Options struct {
	// Start starts one service's trace.
	Start StartFunc
	// Together starts every service at once, instead of each after the
	// services it comes after are at app.running.
	Together bool
	// StopTimeout bounds how long each service may take to exit after its
	// signal, before it is killed and the next one is signalled; zero
	// waits as long as it takes.
	StopTimeout time.Duration
	// Guard registers the processes and the temporary directory with the
	// watchdog; its functions may be nil.
	Guard Guard
}

// ServiceError is the failure to start one service of a system.
type ServiceError struct {
	Service string
	Err     error
}

func (e *ServiceError) Error() string { return fmt.Sprintf("service %s: %v", e.Service, e.Err) }

// Unwrap returns the service's own error.
func (e *ServiceError) Unwrap() error { return e.Err }

// member is one service of the running system.
type member struct {
	svc    Service
	src    tracer.Source
	launch chan struct{}
	done   chan struct{} // closed when its events are all forwarded

	// Guarded by System.mu.
	launched bool
	running  bool // reached app.running
	ended    bool // its trace ended
	dropped  bool // never to start: its events are dropped
	// listens are where its servers listen, registered the name it
	// registers under (follow.go).
	listens    map[string]bool
	registered string
}

// System is the trace of several services as one tracer.Source. Its events
// are the services' events, each marked with its service (Event.Service)
// and numbered anew, after a first event that carries the SystemPlan.
//
// Only one service is paused at a time in what a consumer sees: when one
// is paused at a stop, another's stop is held back, with what follows it,
// until the first is let go. The commands that act on a paused program
// (Continue, StepOver, StepOut, the Inspector's and the Requester's) go to
// the paused one; SetBreak goes to every service; Signal shuts the whole
// system down in reverse start order, then stops the processes.
type System struct {
	file    *File
	opts    Options
	members []*member // in start order
	procs   []*process
	tmp     string
	forget  []func()

	out  chan tracer.Event
	quit chan struct{}
	done chan struct{}
	pump sync.WaitGroup

	sendMu sync.Mutex
	seq    int

	mu   sync.Mutex
	cond *sync.Cond
	// paused is the service whose stop the consumer saw last and has
	// not let go yet.
	paused *member
	// launched are the services in the order they were let run.
	launched  []*member
	shutdown  bool
	closed    bool
	closeOnce sync.Once
	closeErr  error
}

// Start starts the trace of the system f: every service's Source at once
// (their builds go on in the background, each waiting to launch), then, in
// the background, the processes, and each service as the ones it comes
// after reach app.running. A service that cannot be started (its package
// does not exist) fails Start with a ServiceError naming it.
func Start(ctx context.Context, f *File, opts Options) (*System, error) {
	tmp, err := os.MkdirTemp("", "kratos-trace-system-")
	if err != nil {
		return nil, fmt.Errorf("create the system's temp dir: %w", err)
	}
	s := &System{
		file: f,
		opts: opts,
		tmp:  tmp,
		out:  make(chan tracer.Event, 64),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	s.cond = sync.NewCond(&s.mu)
	if opts.Guard.Dir != nil {
		s.forget = append(s.forget, opts.Guard.Dir(tmp))
	}
	for _, svc := range StartOrder(f.Services) {
		svc = s.expand(svc)
		m := &member{svc: svc, launch: make(chan struct{}), done: make(chan struct{})}
		src, err := opts.Start(ctx, svc, m.launch)
		if err != nil {
			for _, started := range s.members {
				started.src.Close()
			}
			s.cleanup()
			return nil, &ServiceError{Service: svc.Name, Err: err}
		}
		m.src = src
		s.members = append(s.members, m)
	}
	for _, p := range f.Processes {
		s.procs = append(s.procs, &process{spec: s.expandProcess(p), dir: f.Dir, logDir: tmp})
	}
	s.hookCalls()
	go s.run()
	return s, nil
}

// expand resolves {tmp} and the paths relative to the system file.
func (s *System) expand(svc Service) Service {
	svc.Args = s.expandAll(svc.Args)
	svc.Env = s.expandAll(svc.Env)
	svc.WorkingDir = s.expandOne(svc.WorkingDir)
	if svc.Package != "" && !filepath.IsAbs(svc.Package) && s.file.Dir != "" {
		svc.Package = packagePath(filepath.Join(s.file.Dir, svc.Package))
	}
	if svc.WorkingDir != "" && !filepath.IsAbs(svc.WorkingDir) && s.file.Dir != "" {
		svc.WorkingDir = filepath.Join(s.file.Dir, svc.WorkingDir)
	}
	return svc
}

// packagePath names the package directory path as the go command takes
// it: ./rel when it lies below the working directory, else the absolute
// path.
func packagePath(path string) string {
	rel := mustRel(path)
	if filepath.IsAbs(rel) {
		return rel
	}
	return "./" + filepath.ToSlash(rel)
}

// mustRel is path relative to the working directory when it lies below
// it, so that the trace names packages as the user would; else path.
func mustRel(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return path
	}
	return rel
}

func (s *System) expandProcess(p Process) Process {
	p.Command = s.expandAll(p.Command)
	p.Fallback = s.expandAll(p.Fallback)
	p.Env = s.expandAll(p.Env)
	p.Ready = s.expandOne(p.Ready)
	return p
}

func (s *System) expandAll(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = s.expandOne(v)
	}
	return out
}

// expandOne replaces {tmp} with the system's temporary directory, removed
// when the trace ends.
func (s *System) expandOne(v string) string {
	return strings.ReplaceAll(v, "{tmp}", s.tmp)
}

// Plan is what the system's first event carries.
func (s *System) Plan() *tracer.SystemPlan {
	plan := &tracer.SystemPlan{File: s.file.Path, Together: s.opts.Together}
	for _, m := range s.members {
		plan.Services = append(plan.Services, m.svc.planned())
	}
	for _, p := range s.procs {
		plan.Processes = append(plan.Processes, p.spec.Name)
	}
	return plan
}

// planned is how the plan shows the service: what it traces, after
// whom, how it is reached and what the shutdown does to it.
func (svc Service) planned() tracer.PlannedService {
	p := tracer.PlannedService{Name: svc.Name, Target: cmp.Or(svc.Package, svc.Connect, svc.Attach), After: svc.After, Running: svc.Running()}
	switch {
	case p.Running == "":
	case svc.Sigterm:
		p.Shutdown = tracer.ShutdownSigterm
	case svc.KillOnExit:
		p.Shutdown = tracer.ShutdownKill
	}
	return p
}

// run is the system's goroutine: it announces the system, starts the
// processes and lets the services launch, and once every service's trace
// has ended it stops the processes and closes the events.
func (s *System) run() {
	defer close(s.done)
	defer close(s.out)
	s.emit(nil, tracer.Event{Kind: tracer.KindStatus, Status: s.planStatus(), System: s.Plan()})
	for _, m := range s.members {
		s.pump.Add(1)
		go s.forward(m)
	}
	if err := s.startProcesses(); err != nil {
		s.emit(nil, tracer.Event{Kind: tracer.KindError, Error: err.Error(), Reason: processHint(err)})
		s.dropWaiting("the processes did not start", true)
	} else {
		s.launchReady()
	}
	s.pump.Wait()
	s.stopProcesses()
	s.cleanup()
}

func (s *System) planStatus() string {
	names := strings.Join(s.Plan().ServiceNames(), ", ")
	if len(s.procs) == 0 {
		return "tracing the system of " + names
	}
	var procs []string
	for _, p := range s.procs {
		procs = append(procs, p.spec.Name)
	}
	return fmt.Sprintf("tracing the system of %s, with %s", names, strings.Join(procs, ", "))
}

// cleanup removes the temporary directory and tells the watchdog it is
// done.
func (s *System) cleanup() {
	_ = os.RemoveAll(s.tmp)
	for _, f := range s.forget {
		if f != nil {
			f()
		}
	}
	s.forget = nil
}

// emit sends ev, marked with m's service (nil for the system's own), as the
// next event.
func (s *System) emit(m *member, ev tracer.Event) {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.seq++
	ev.Seq = s.seq
	if m != nil {
		ev.Service = m.svc.Name
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	select {
	case s.out <- ev:
	case <-s.quit:
	}
}

// pauses reports whether the program waits for a command after ev.
func pauses(ev tracer.Event) bool {
	switch ev.Kind {
	case tracer.KindStop, tracer.KindStep, tracer.KindHalt:
		return true
	}
	return false
}

// forward passes one service's events on until its trace ends.
func (s *System) forward(m *member) {
	defer s.pump.Done()
	defer close(m.done)
	for ev := range m.src.Events() {
		s.mu.Lock()
		for pauses(ev) && s.paused != nil && s.paused != m && !s.closed && !m.dropped {
			s.cond.Wait()
		}
		drop := m.dropped || s.closed
		if pauses(ev) && !drop {
			s.paused = m
		}
		s.mu.Unlock()
		if drop {
			continue
		}
		s.noteServers(m, ev)
		s.emit(m, ev)
		// An attached service is serving at its attach stop.
		if tracer.IsServing(ev.Phase) && (ev.Kind == tracer.KindStop || ev.Kind == tracer.KindPass) {
			s.mu.Lock()
			m.running = true
			s.mu.Unlock()
			s.launchReady()
		}
	}
	if m.svc.Running() != "" {
		s.noteDetach(m)
	}
	s.mu.Lock()
	m.ended = true
	if s.paused == m {
		s.paused = nil
		s.cond.Broadcast()
	}
	wasRunning := m.running
	s.mu.Unlock()
	if !wasRunning {
		s.dropWaiting(fmt.Sprintf("%s ended before app.running", m.svc.Name), false)
	}
}

// detacher is a service's Source that says what became of a program it
// did not start once its trace ended (delve.Session).
type detacher interface{ DetachNote() string }

// noteDetach says, in the service's own words, what became of a program
// that was running before the system once its trace ended: left running,
// detached from, or ended.
func (s *System) noteDetach(m *member) {
	d, ok := m.src.(detacher)
	if !ok {
		return
	}
	if note := d.DetachNote(); note != "" {
		s.emit(m, tracer.Event{Kind: tracer.KindStatus, Status: note})
	}
}

// launchReady lets run every service that waits and may start now: all at
// once with Together, otherwise each whose services to come after are at
// app.running.
func (s *System) launchReady() {
	var now []*member
	s.mu.Lock()
	if s.shutdown || s.closed {
		s.mu.Unlock()
		return
	}
	running := map[string]bool{}
	for _, m := range s.members {
		running[m.svc.Name] = m.running
	}
	for _, m := range s.members {
		if m.launched || m.dropped {
			continue
		}
		ready := true
		if !s.opts.Together {
			for _, a := range m.svc.After {
				ready = ready && running[a]
			}
		}
		if ready {
			m.launched = true
			s.launched = append(s.launched, m)
			now = append(now, m)
		}
	}
	s.mu.Unlock()
	for _, m := range now {
		if len(m.svc.After) > 0 && !s.opts.Together {
			s.emit(m, tracer.Event{Kind: tracer.KindStatus, Status: "starting: " + s.reachedNames(m.svc.After)})
		}
		close(m.launch)
	}
}

// reachedNames says where the services named were reached: "a, b at
// app.running", an attached one at its attach stop.
func (s *System) reachedNames(names []string) string {
	var running, attached []string
	for _, name := range names {
		if slices.ContainsFunc(s.members, func(m *member) bool { return m.svc.Name == name && m.svc.Attach != "" }) {
			attached = append(attached, name)
		} else {
			running = append(running, name)
		}
	}
	var parts []string
	if len(running) > 0 {
		parts = append(parts, strings.Join(running, ", ")+" at app.running")
	}
	if len(attached) > 0 {
		parts = append(parts, strings.Join(attached, ", ")+" attached")
	}
	return strings.Join(parts, "; ")
}

// dropWaiting gives up the services that wait to launch and cannot any
// more (why): all of them, or those that come after a service that ended
// before app.running. Each is told so in one status event, and its trace
// is closed.
func (s *System) dropWaiting(why string, all bool) {
	var drop []*member
	s.mu.Lock()
	for _, m := range s.members {
		if !m.launched && !m.dropped && (all || s.closed || s.waitsOnEnded(m)) {
			m.dropped = true
			drop = append(drop, m)
		}
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	for _, m := range drop {
		s.emit(m, tracer.Event{Kind: tracer.KindStatus, Status: "not started: " + why, Skipped: true, Reason: why})
		m.src.Close()
	}
}

// waitsOnEnded reports whether m comes after a service whose trace ended
// before it reached app.running, or was dropped itself. Callers hold mu.
func (s *System) waitsOnEnded(m *member) bool {
	if s.opts.Together {
		return false
	}
	for _, a := range m.svc.After {
		for _, o := range s.members {
			if o.svc.Name == a && !o.running && (o.ended || o.dropped) {
				return true
			}
		}
	}
	return false
}

// Events returns the merged events of every service.
func (s *System) Events() <-chan tracer.Event { return s.out }

// pausedMember takes the paused service for a command that lets it run.
func (s *System) pausedMember(letGo bool) (*member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, tracer.ErrEnded
	}
	m := s.paused
	if m == nil {
		return nil, tracer.ErrNotPaused
	}
	if letGo {
		s.paused = nil
		s.cond.Broadcast()
	}
	return m, nil
}

// resume runs a command that lets the paused service run; should it fail,
// the service is still the paused one.
func (s *System) resume(ctx context.Context, run func(tracer.Source, context.Context) error) error {
	m, err := s.pausedMember(true)
	if err != nil {
		return err
	}
	err = run(m.src, ctx)
	if err != nil && !errors.Is(err, tracer.ErrEnded) {
		s.mu.Lock()
		if s.paused == nil && !m.ended {
			s.paused = m
		}
		s.mu.Unlock()
	}
	return err
}

// Continue lets the paused service run to its next phase.
func (s *System) Continue(ctx context.Context) error {
	return s.resume(ctx, tracer.Source.Continue)
}

// StepOver runs one line of the paused service.
func (s *System) StepOver(ctx context.Context) error {
	return s.resume(ctx, tracer.Source.StepOver)
}

// StepOut runs the paused service until its function returns.
func (s *System) StepOut(ctx context.Context) error {
	return s.resume(ctx, tracer.Source.StepOut)
}

// SetBreak turns pausing at phase on or off in every service.
func (s *System) SetBreak(phase tracer.PhaseID, on bool) error {
	var errs []error
	for _, m := range s.members {
		if err := m.src.SetBreak(phase, on); err != nil && !errors.Is(err, tracer.ErrEnded) {
			errs = append(errs, fmt.Errorf("%s: %w", m.svc.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Signal shuts the system down: the services that wait to start never
// will, and sig goes to each running service in the reverse of the order
// they started, each once the one started after it has exited; the
// processes stop once every service has. It returns at once; the
// shutdown arrives as events.
func (s *System) Signal(ctx context.Context, sig os.Signal) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return tracer.ErrEnded
	}
	if s.shutdown {
		s.mu.Unlock()
		return nil
	}
	s.shutdown = true
	order := slices.Clone(s.launched)
	s.mu.Unlock()
	s.dropWaiting("the system shuts down", true)
	go s.shutDown(sig, order)
	return nil
}

// shutDown signals the services in reverse start order, each after the
// previous one's trace has ended.
func (s *System) shutDown(sig os.Signal, order []*member) {
	for i := len(order) - 1; i >= 0; i-- {
		m := order[i]
		s.mu.Lock()
		ended, paused := m.ended, s.paused
		if paused == m {
			// Signal lets the paused program run.
			s.paused = nil
			s.cond.Broadcast()
		}
		s.mu.Unlock()
		if paused != nil && paused != m {
			// Another service is paused where the consumer last saw it:
			// it runs on, and is signalled in its turn.
			_ = s.resume(context.Background(), tracer.Source.Continue)
		}
		if ended {
			continue
		}
		if how := m.svc.Running(); how != "" && !m.svc.Sigterm {
			// A program the system did not start is left as its own
			// command leaves it: detached (attach), or running on under
			// its Delve server (connect); or, with kill_on_exit, ended.
			status := fmt.Sprintf("not signalled: it was running before the system (%s); leaving it running", how)
			if m.svc.KillOnExit {
				status = "ending it (kill_on_exit)"
			}
			s.emit(m, tracer.Event{Kind: tracer.KindStatus, Status: status})
			m.src.Close()
			<-m.done
			continue
		}
		if err := m.src.Signal(context.Background(), sig); err != nil {
			if !errors.Is(err, tracer.ErrEnded) {
				s.emit(m, tracer.Event{Kind: tracer.KindStatus, Status: fmt.Sprintf("cannot send %v: %v; stopping it", sig, err)})
				m.src.Close()
			}
		}
		var deadline <-chan time.Time
		if s.opts.StopTimeout > 0 {
			deadline = time.After(s.opts.StopTimeout)
		}
		select {
		case <-m.done:
		case <-s.quit:
			return
		case <-deadline:
			s.emit(m, tracer.Event{Kind: tracer.KindStatus, Status: fmt.Sprintf("did not exit within %s of %v: killing it", s.opts.StopTimeout, sig)})
			m.src.Close()
			<-m.done
		}
	}
}

// Close ends the trace: every service's program is killed, the processes
// are stopped and the temporary files removed. It is safe to call more
// than once.
func (s *System) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.cond.Broadcast()
		s.mu.Unlock()
		close(s.quit)
		var errs []error
		for i := len(s.members) - 1; i >= 0; i-- {
			m := s.members[i]
			if err := m.src.Close(); err != nil && !errors.Is(err, tracer.ErrEnded) {
				errs = append(errs, fmt.Errorf("%s: %w", m.svc.Name, err))
			}
		}
		<-s.done
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// Service returns the Source of the service named name, or nil.
func (s *System) Service(name string) tracer.Source {
	for _, m := range s.members {
		if m.svc.Name == name {
			return m.src
		}
	}
	return nil
}

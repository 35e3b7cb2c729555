// Package headless prints a trace without a terminal UI: a readable block per
// phase, or one JSON object per line. It drives any tracer.Source: it
// continues at every stop, holds at app.running, then sends SIGTERM so the
// shutdown is traced too.
package headless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Options control a headless run.
type Options struct {
	// Out receives the trace; Log receives progress and diagnostics.
	Out io.Writer
	Log io.Writer
	// JSON prints one JSON object per event line instead of text.
	JSON bool
	// Lang is the language of the text's headings and notes; "" means
	// English. JSON is the same in every language.
	Lang tracer.Lang
	// Notes prints each phase's note (tracer.NoteFor) under its block, the
	// first time the phase appears, as the built-in tour does.
	Notes bool
	// Hold is how long to stay at app.running before sending SIGTERM.
	Hold time.Duration
	// StopTimeout is how long the program may take to exit after SIGTERM
	// before it is killed.
	StopTimeout time.Duration
	// LeaveRunning ends the run at app.running, after Hold, instead of
	// sending SIGTERM, and closes the Source, which decides what becomes of
	// the program: a program under a remote Delve server, which
	// kratos-trace cannot signal, is left serving (or ended, if the user
	// asked for that). When app.running cannot be traced, the run ends at
	// the last boot phase that can.
	LeaveRunning bool
	// Requests are sent to the App one after the other, the first at
	// app.running and each next one at the previous one's reply, before the
	// hold; the Source must be a tracer.Requester (request.go).
	Requests []tracer.RequestSpec
}

// Result sums up a run.
type Result struct {
	// Phases are the phase events in the order they came.
	Phases []tracer.Event
	// ExitCode is the program's, or -1 if it did not exit by itself.
	ExitCode int
	// Err is the first fatal error the trace reported.
	Err *tracer.Event
	// Killed is true when the program ignored SIGTERM and was killed.
	Killed bool
	// LeftRunning is true when the run ended at the hold phase without
	// signalling the program (Options.LeaveRunning).
	LeftRunning bool
	// Signal names the signal that killed the program, e.g. "SIGPIPE";
	// empty when it exited by itself. ExitCode is then minus its number.
	Signal string
	// Stalled is the stall event, when the program reached no phase for
	// the stall time and the trace ended there.
	Stalled *tracer.Event
	// Services are the results of each service of a system trace, in
	// start order (system.go); nil for the trace of one service, and the
	// fields above then sum them up: Err and Stalled are the first of any
	// service, Phases all of them.
	Services []*ServiceResult
}

// ErrInterrupted is returned when ctx ended the run early.
var ErrInterrupted = errors.New("interrupted")

// Run consumes src until the trace ends and prints it. It always closes src.
func Run(ctx context.Context, src tracer.Source, opts Options) (*Result, error) {
	defer src.Close()
	p := newPrinter(opts)
	requests := &requestDriver{specs: opts.Requests}
	var stopDeadline <-chan time.Time
	events := src.Events()
	// interrupted turns a command refused because ctx ended into
	// ErrInterrupted.
	interrupted := func(err error) error {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return p.res, ErrInterrupted
		case <-p.hold.timer:
			deadline, err := p.endHold(ctx, src)
			if err != nil {
				return p.res, interrupted(err)
			}
			if deadline != nil {
				stopDeadline = deadline
			}
		case <-stopDeadline:
			p.logf("the program did not exit within %s of SIGTERM: killing it", opts.StopTimeout)
			p.res.Killed = true
			src.Close()
			stopDeadline = nil
		case ev, ok := <-events:
			if !ok {
				if p.sys != nil {
					p.systemSummary()
				} else {
					p.summary()
				}
				return p.res, nil
			}
			if ev.System != nil && p.sys == nil {
				p.startSystem(ev.System)
			}
			q := p.of(ev)
			q.print(ev)
			if q != p {
				p.collect(ev)
			}
			p.noteShutdown(ev)
			if p.noteServiceEnd(ev) && !p.waitsForOthers(ev) && !p.hold.over && p.hold.timer == nil {
				// The last service to get to app.running ended instead:
				// the others serve, and the system is shut down.
				p.beginSystemHold()
			}
			switch ev.Kind {
			case tracer.KindStop, tracer.KindStep:
				// Requests are sent from the hold phase, each next one at
				// the previous one's reply (request.go); the hold begins
				// at the hold phase, or at the last reply. In a system
				// the hold begins once every service is there.
				if requests.sendNext(ctx, q, src, ev) {
					continue
				}
				if (ev.Phase == q.holdAt || ev.Phase == tracer.PhaseRequestReply) && !p.hold.over && p.hold.timer == nil {
					if p.waitsForOthers(ev) {
						break
					}
					if err := p.beginHold(ctx, src, ev); err != nil {
						return p.res, interrupted(err)
					}
					continue
				}
			case tracer.KindHalt:
				// A halt a recording holds waits, as the halted program
				// did: its goroutines are printed, and the run goes on.
			default:
				continue
			}
			if err := src.Continue(ctx); err != nil && !errors.Is(err, tracer.ErrEnded) {
				return p.res, interrupted(fmt.Errorf("continue: %w", err))
			}
		}
	}
}

// newPrinter returns the printer of a run, or of one service of a system.
func newPrinter(opts Options) *printer {
	return &printer{opts: opts, res: &Result{ExitCode: -1}, holdAt: tracer.PhaseRunning, noSource: map[string]bool{}, out: NewOutputWriter(opts.Out)}
}

type printer struct {
	// service is the service this printer prints, in a system trace; sys,
	// on the root printer of a system trace, holds the services' printers
	// (system.go).
	service       string
	root          *printer
	sys           *system
	opts          Options
	res           *Result
	phase         tracer.PhaseID
	lastBootstrap *tracer.Node
	lastServers   string
	lastClients   string
	// lastInstances is the instance list each client's resolver received
	// last, by the client's label, to say what the next one changed.
	lastInstances map[string][]tracer.ServiceInstance
	// noted holds the phases whose note was printed (Options.Notes).
	noted map[tracer.PhaseID]bool
	// holdAt is the phase where the run holds, then signals or leaves.
	holdAt tracer.PhaseID
	// noSource holds the files already reported as not available here.
	noSource map[string]bool
	// hold is the hold at holdAt (hold.go).
	hold holdState
	// out prints the program's output, whole lines however they were cut.
	out *OutputWriter
	// events are the request events, for the summary's time per layer.
	events []tracer.Event
}

// lastBootPhase is the last phase of the boot the plan can trace: app.running,
// or the one before it when app.running is unavailable.
func lastBootPhase(plan []tracer.PlannedPhase) tracer.PhaseID {
	last := tracer.PhaseRunning
	best := -1
	for _, pl := range plan {
		o := tracer.Order(pl.Phase)
		if pl.Unavailable == "" && o <= tracer.Order(tracer.PhaseRunning) && o > best {
			last, best = pl.Phase, o
		}
	}
	return last
}

// attached reports whether the plan is that of a program kratos-trace
// attached to while it ran: it begins at the attach stop.
func attached(plan []tracer.PlannedPhase) bool {
	return len(plan) > 0 && plan[0].Phase == tracer.PhaseAttach
}

func (p *printer) logf(format string, args ...any) {
	if p.opts.Log == nil {
		return
	}
	if p.service != "" {
		format = p.service + ": " + format
	}
	fmt.Fprintf(p.opts.Log, "kratos-trace: "+format+"\n", args...)
}

func (p *printer) print(ev tracer.Event) {
	switch {
	case ev.Kind != tracer.KindSession || ev.Session == nil:
	case attached(ev.Session.Plan):
		// A program attached to while it runs holds at the attach stop.
		p.holdAt = tracer.PhaseAttach
	case p.opts.LeaveRunning:
		p.holdAt = lastBootPhase(ev.Session.Plan)
	}
	if ev.IsPhase() {
		p.res.Phases = append(p.res.Phases, ev)
		p.phase = ev.Phase
	}
	if ev.Request != nil {
		p.events = append(p.events, ev)
	}
	if ev.Kind == tracer.KindExit && ev.ExitCode != nil {
		p.res.ExitCode = *ev.ExitCode
		p.res.Signal = ev.Signal
	}
	if ev.Kind == tracer.KindError && p.res.Err == nil {
		e := ev
		p.res.Err = &e
	}
	if ev.Kind == tracer.KindStall && p.res.Stalled == nil {
		e := ev
		p.res.Stalled = &e
	}
	if p.opts.JSON {
		p.printJSON(ev)
		return
	}
	p.printText(ev)
}

// printJSON writes the events a program consumes, each as one line: phases,
// steps, returns, halts and stalls, output (tagged with the phase it
// happened in) and errors. Progress and the session go to the log as text.
func (p *printer) printJSON(ev tracer.Event) {
	switch ev.Kind {
	case tracer.KindStatus:
		p.logf("%s", ev.Status)
		return
	case tracer.KindSession:
		p.logSession(ev.Session)
		return
	case tracer.KindOutput:
		ev.Phase = p.phase
	case tracer.KindError:
		if ev.Phase == "" {
			ev.Phase = p.phase
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		p.logf("cannot encode event %d: %v", ev.Seq, err)
		return
	}
	fmt.Fprintf(p.opts.Out, "%s\n", b)
}

func (p *printer) logSession(s *tracer.Session) {
	if s == nil {
		return
	}
	p.logf("tracing %s (%s), kratos %s, %s", s.Target, s.Package, orNone(s.KratosVersion), s.GoVersion)
	for _, pl := range s.Plan {
		if pl.Unavailable != "" {
			p.logf("phase %s unavailable: %s", pl.Phase, pl.Unavailable)
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (p *printer) printText(ev tracer.Event) {
	w := p.opts.Out
	if ev.Kind != tracer.KindOutput {
		p.out.Break()
	}
	switch ev.Kind {
	case tracer.KindStatus:
		p.logf("%s", ev.Status)
	case tracer.KindSession:
		p.logSession(ev.Session)
	case tracer.KindOutput:
		if ev.Output != nil {
			p.out.Write(*ev.Output)
		}
	case tracer.KindError:
		if ev.Location() == "" {
			// A failure before the program ran (a build error): the caller
			// reports it as the run's outcome.
			return
		}
		fmt.Fprintf(w, "\n!! %s\n", ev.Error)
		if ev.Location() != "" {
			fmt.Fprintf(w, "   at %s  %s\n", ev.Location(), ev.Function)
		}
		if ev.Reason != "" {
			fmt.Fprintf(w, "   %s\n", ev.Reason)
		}
		printRegistration(w, ev, wordsFor(p.opts.Lang))
	case tracer.KindStop, tracer.KindPass, tracer.KindStep, tracer.KindExit:
		p.printPhase(ev)
	case tracer.KindReturn:
		if ev.Request != nil {
			p.printRequestReturn(ev)
			break
		}
		p.printReturn(ev)
	case tracer.KindHalt, tracer.KindStall:
		p.printGoroutines(ev)
	}
}

func (p *printer) printPhase(ev tracer.Event) {
	w := p.opts.Out
	wd := wordsFor(p.opts.Lang)
	title := tracer.TitleOf(ev.Phase, ev.Detail, p.opts.Lang)
	label := ev.Label()
	if ev.Kind == tracer.KindStep {
		label = "step"
	}
	mark := "●"
	switch {
	case ev.Skipped:
		mark = "○"
	case ev.Kind == tracer.KindPass:
		mark = "·"
	}
	head := mark + " " + label
	if title != "" && ev.Kind != tracer.KindStep {
		head += " — " + title
	}
	fmt.Fprintf(w, "\n%s"+wd.phaseHead+"\n", padCells(head, 64), ev.SincePrev, ev.Elapsed)
	writeLocation(w, ev)
	if ev.Source == nil && ev.SourceMissing != "" && !p.noSource[ev.File] {
		p.noSource[ev.File] = true
		fmt.Fprintf(w, "  "+wd.noSource+"\n", ev.SourceMissing)
	}
	p.printValues(ev)
	if ev.Skipped {
		fmt.Fprintf(w, "  "+wd.skipped+"\n", ev.Reason)
	}
	switch {
	case ev.Signal != "":
		fmt.Fprintf(w, "  "+wd.killedBy+"\n", ev.Signal)
	case ev.ExitCode != nil:
		fmt.Fprintf(w, "  "+wd.exitStatus+"\n", *ev.ExitCode)
	}
	if ev.Phase == tracer.PhaseConfigLoad && len(ev.ConfigSources) > 0 {
		fmt.Fprintf(w, "  %s\n", formatSources(ev.ConfigSources, p.opts.Lang))
	}
	p.printRequest(ev)
	if ev.Bootstrap != nil && !ev.Bootstrap.Equal(p.lastBootstrap) {
		p.lastBootstrap = ev.Bootstrap
		fmt.Fprintf(w, "  "+wd.bootstrap+"\n", ev.Bootstrap.Type)
		for _, line := range strings.Split(strings.TrimRight(FormatBootstrap(ev.Bootstrap), "\n"), "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	printRegistration(w, ev, wd)
	if ev.App != nil {
		p.printApp(ev)
	}
	p.printDiscovery(w, ev)
	if len(ev.Servers) > 0 {
		table := formatServers(ev.Servers, wd)
		if table != p.lastServers {
			p.lastServers = table
			fmt.Fprintln(w, "  "+wd.servers)
			for _, line := range strings.Split(strings.TrimRight(table, "\n"), "\n") {
				fmt.Fprintf(w, "    %s\n", line)
			}
		}
	}
	p.printClients(ev)
	if ev.App != nil {
		writeGoroutineTable(w, ev.Goroutines, &wordsFor(p.opts.Lang).goroutines)
	}
	p.printNote(ev)
}

// writeLocation writes where an event is, "  FILE:LINE  FUNCTION
// (goroutine N)", and the source line there when the event carries it.
func writeLocation(w io.Writer, ev tracer.Event) {
	if ev.Location() != "" {
		fmt.Fprintf(w, "  %s:%d  %s", tracer.ShortPath(ev.File), ev.Line, ev.Function)
		if ev.Goroutine != 0 {
			fmt.Fprintf(w, "  (goroutine %d)", ev.Goroutine)
		}
		fmt.Fprintln(w)
	}
	if ev.Source != nil && ev.Line >= ev.Source.First && ev.Line-ev.Source.First < len(ev.Source.Lines) {
		fmt.Fprintf(w, "  %5d │ %s\n", ev.Line, strings.TrimSpace(ev.Source.Lines[ev.Line-ev.Source.First]))
	}
}

// FormatServers renders servers as an aligned table with English titles.
func FormatServers(servers []tracer.Server) string {
	return formatServers(servers, wordsFor(tracer.English))
}

// FormatPlan renders a session's planned phases as a table: where each
// resolved, or why it is unavailable, and a count of both.
func FormatPlan(s *tracer.Session) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s), kratos %s\n\n", s.Target, s.Package, orNone(s.KratosVersion))
	rows := [][]string{{"PHASE", "DETAIL", "LOCATION", "FUNCTION"}}
	unavailable := 0
	for _, p := range s.Plan {
		loc := "-"
		if p.File != "" {
			loc = fmt.Sprintf("%s:%d", tracer.ShortPath(p.File), p.Line)
		}
		if p.Unavailable != "" {
			unavailable++
			loc = "unavailable: " + p.Unavailable
		}
		rows = append(rows, []string{string(p.Phase), dash(p.Detail), loc, dash(p.Function)})
	}
	writeTable(&b, rows)
	fmt.Fprintf(&b, "\n%d phases resolved, %d unavailable.\n", len(s.Plan)-unavailable, unavailable)
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// summary prints the table of phases with their times.
func (p *printer) summary() {
	if p.opts.JSON || len(p.res.Phases) == 0 {
		// No phase was reached (the build or a --break failed): the
		// caller reports why, and an empty table says nothing.
		return
	}
	p.out.Break()
	w := p.opts.Out
	wd := wordsFor(p.opts.Lang)
	title := wd.summary
	if p.service != "" {
		title += " — " + p.service
	}
	fmt.Fprintln(w, "\n"+title)
	rows := [][]string{wd.summaryCols[:]}
	for i, ev := range p.res.Phases {
		loc := "-"
		if ev.File != "" {
			loc = fmt.Sprintf("%s:%d", filepath.Base(ev.File), ev.Line)
		}
		label := ev.Label()
		if ev.Skipped {
			label += wd.skippedMark
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), label, loc, ev.SincePrev.String(), ev.Elapsed.String()})
	}
	writeTable(w, rows)
	p.requestSummary()
	switch {
	case p.res.Stalled != nil:
		fmt.Fprintln(w, p.stallSummary())
	case p.res.LeftRunning:
		fmt.Fprintf(w, wd.leftRunning+"\n", p.holdAt)
	case p.res.Killed:
		fmt.Fprintln(w, wd.killed)
	case p.res.Signal != "":
		fmt.Fprintf(w, wd.killedBy+"\n", p.res.Signal)
	case p.res.ExitCode >= 0:
		fmt.Fprintf(w, wd.exited+"\n", p.res.ExitCode)
	}
}

package delve

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestStepOverReturnGoesToCaller: a step over the return line of the
// service's SayHello, where a breakpoint of the user's stopped a request,
// stops in its caller on the same goroutine, as dlv's next does, though
// the request's own breakpoints sit on that return; at the reply there is
// nothing of the program's to step, and the step says so.
func TestStepOverReturnGoesToCaller(t *testing.T) {
	conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{HTTPTimeout: "60s", GRPCTimeout: "60s", DatabaseSource: ":memory:"})
	const ret = "internal/service/greeter.go:36"
	var atReturn, stepped *tracer.Event
	var replyErr error
	runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}, Breaks: []string{ret}}, func(s *Session, ev tracer.Event) bool {
		ctx := context.Background()
		switch {
		case ev.Phase == tracer.PhaseRunning:
			_, err := s.Send(ctx, tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/helloworld/step"})
			return err == nil
		case ev.Phase == tracer.PhaseBreak && atReturn == nil:
			atReturn = &ev
			return s.StepOver(ctx) == nil
		case ev.Kind == tracer.KindStep && stepped == nil:
			stepped = &ev
		case ev.Phase == tracer.PhaseRequestReply:
			replyErr = s.StepOver(ctx)
			return s.Signal(ctx, syscall.SIGTERM) == nil
		}
		return s.Continue(ctx) == nil
	})
	if atReturn == nil || stepped == nil {
		t.Fatalf("no stop at %s (%v) or no step after it (%v)", ret, atReturn != nil, stepped != nil)
	}
	if stepped.Goroutine != atReturn.Goroutine {
		t.Errorf("the step went from goroutine %d to %d", atReturn.Goroutine, stepped.Goroutine)
	}
	if strings.HasSuffix(stepped.Function, "SayHello") || !strings.HasSuffix(stepped.File, "api/helloworld/v1/greeter_http.go") {
		t.Errorf("the step over the return stopped at %s:%d in %s, want SayHello's caller in greeter_http.go", stepped.File, stepped.Line, stepped.Function)
	}
	if len(stepped.Stack) != len(atReturn.Stack)-1 && len(atReturn.Stack) < 24 {
		t.Errorf("the step's stack has %d frames, want one fewer than the %d at the return", len(stepped.Stack), len(atReturn.Stack))
	}
	if !errors.Is(replyErr, errNothingToStep) || !strings.Contains(replyErr.Error(), "R sends a request") {
		t.Errorf("a step at the reply: %v, want it refused, saying what to do", replyErr)
	}
}

// TestWatchKeepsToItsFrame: a watch of main.main's bc added at frame 1 of
// the wire stop is evaluated in main.main's frame at every later stop of
// the main goroutine, whatever frame main.main is there, and is not in
// scope on another goroutine; a watch of a package variable is evaluated
// anywhere.
func TestWatchKeepsToItsFrame(t *testing.T) {
	conf := writeDemoConfig(t)
	const expr = "bc.Server.Http.Addr"
	var added tracer.WatchValue
	var addErr error
	var later []tracer.Event
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, func(s *Session, ev tracer.Event) bool {
		ctx := context.Background()
		switch {
		case ev.Phase == tracer.PhaseWire && added.Expr == "":
			added, addErr = s.AddWatch(ctx, 1, expr)
			if _, err := s.AddWatch(ctx, 1, "main.flagconf"); err != nil {
				t.Errorf("watch main.flagconf: %v", err)
			}
		case added.Expr != "":
			later = append(later, ev)
		}
		if ev.Phase == tracer.PhaseRunning {
			return s.Signal(ctx, syscall.SIGTERM) == nil
		}
		return s.Continue(ctx) == nil
	})
	if addErr != nil || added.Value == nil || added.Function != "main.main" || added.Frame != 1 {
		t.Fatalf("AddWatch at frame 1 = %+v, %v; want bc's address, kept to main.main", added, addErr)
	}
	want := added.Value.Value
	if want != strconv.Quote(conf.HTTPAddr) {
		t.Errorf("%s = %s, want %q", expr, want, conf.HTTPAddr)
	}
	var inMain, outside int
	for _, ev := range later {
		w, g := watchOf(ev, expr), watchOf(ev, "main.flagconf")
		if w == nil || g == nil {
			t.Errorf("%s carries the watches %+v", ev.Label(), ev.Watches)
			continue
		}
		if g.Value == nil || g.Function != "" {
			t.Errorf("%s: main.flagconf = %+v, want a value in frame 0", ev.Label(), g)
		}
		frame := -1
		for i, f := range ev.Stack {
			if f.Function == "main.main" {
				frame = i
				break
			}
		}
		switch {
		case frame > 0:
			inMain++
			if w.Value == nil || w.Value.Value != want || w.Frame != frame || w.Function != "main.main" {
				t.Errorf("%s (main.main at frame %d): %s = %+v, want %s from frame %d", ev.Label(), frame, expr, w, want, frame)
			}
		case frame < 0:
			outside++
			if w.Value != nil || !strings.HasPrefix(w.Error, tracer.NotInScope) {
				t.Errorf("%s (goroutine %d, no main.main): %s = %+v, want not in scope", ev.Label(), ev.Goroutine, expr, w)
			}
		}
	}
	if inMain < 3 || outside < 1 {
		t.Errorf("%d later stops with main.main on the stack and %d without, want at least 3 and 1; phases %v", inMain, outside, tr.phases())
	}
}

// watchOf is the value of the watch expr at ev.
func watchOf(ev tracer.Event, expr string) *tracer.WatchValue {
	for i := range ev.Watches {
		if ev.Watches[i].Expr == expr {
			return &ev.Watches[i]
		}
	}
	return nil
}

package export

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// systemEvents is a two-service system: the gateway is launched at t0, the
// greeter 100 ms later; request #1 reaches the gateway, whose service calls
// the greeter; the greeter's layers follow under the same request id when
// tied is set, and under a request of the greeter's own (#7) when not.
func systemEvents(tied bool) []tracer.Event {
	t0 := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	ms := func(d int) tracer.Duration { return tracer.Duration(time.Duration(d) * time.Millisecond) }
	req := &tracer.RequestInfo{ID: 1, Transport: "http", Method: "GET", Path: "/hello/kratos"}
	calleeReq := req
	if !tied {
		calleeReq = &tracer.RequestInfo{ID: 7, Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello"}
	}
	ev := func(svc string, kind tracer.Kind, phase tracer.PhaseID, detail string, launch, at int, r *tracer.RequestInfo) tracer.Event {
		return tracer.Event{Service: svc, Kind: kind, Phase: phase, Detail: detail, Elapsed: ms(at),
			Time: t0.Add(time.Duration(launch+at) * time.Millisecond), Request: r}
	}
	call := &tracer.ClientCall{Transport: "grpc", Operation: "/helloworld.v1.Greeter/SayHello", Target: "discovery:///greeter"}
	client := ev("gateway", tracer.KindStop, tracer.PhaseRequestClient, "grpc", 0, 510, req)
	client.Call = call
	evs := []tracer.Event{
		{Kind: tracer.KindSession},
		ev("greeter", tracer.KindPass, tracer.PhaseWireDone, "", 100, 1, nil),
		ev("greeter", tracer.KindPass, tracer.PhaseAppRun, "", 100, 50, nil),
		ev("gateway", tracer.KindPass, tracer.PhaseWireDone, "", 0, 200, nil),
		ev("gateway", tracer.KindPass, tracer.PhaseAppRun, "", 0, 300, nil),
		ev("gateway", tracer.KindStop, tracer.PhaseRequestTransport, "http", 0, 500, req),
		ev("gateway", tracer.KindStop, tracer.PhaseRequestService, "GatewayService.Hello", 0, 505, req),
		client,
		ev("greeter", tracer.KindStop, tracer.PhaseRequestTransport, "grpc", 100, 420, calleeReq),
		ev("greeter", tracer.KindStop, tracer.PhaseRequestService, "GreeterService.SayHello", 100, 425, calleeReq),
		ev("greeter", tracer.KindReturn, tracer.PhaseRequestService, "GreeterService.SayHello", 100, 430, calleeReq),
		ev("greeter", tracer.KindReturn, tracer.PhaseRequestTransport, "grpc", 100, 431, calleeReq),
		ev("gateway", tracer.KindReturn, tracer.PhaseRequestClient, "grpc", 0, 540, req),
		ev("gateway", tracer.KindReturn, tracer.PhaseRequestService, "GatewayService.Hello", 0, 545, req),
		ev("gateway", tracer.KindPass, tracer.PhaseRequestReply, "", 0, 550, req),
		ev("gateway", tracer.KindExit, tracer.PhaseExit, "", 0, 900, nil),
		ev("greeter", tracer.KindExit, tracer.PhaseExit, "", 100, 850, nil),
	}
	for i := range evs {
		evs[i].Seq = i + 1
	}
	return evs
}

func exportSystem(t *testing.T, events []tracer.Event) *File {
	t.Helper()
	return exportEvents(t, events, Options{Name: "kratos-trace --system"})
}

// exportEvents writes events with opts, checks that the output is a valid
// trace, and reads it.
func exportEvents(t *testing.T, events []tracer.Event, opts Options) *File {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, events, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Validate(buf.Bytes()); err != nil {
		t.Fatalf("invalid trace: %v", err)
	}
	var f File
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

func TestExportSystemProcessPerService(t *testing.T) {
	f := exportSystem(t, systemEvents(true))
	names := map[int]string{}
	for _, te := range f.TraceEvents {
		if te.Ph == "M" && te.Name == "process_name" {
			names[te.Pid] = te.Args["name"].(string)
		}
	}
	// The session event of the system alone makes no track: no process 1.
	if len(names) != 2 || names[2] != "greeter" || names[3] != "gateway" {
		t.Fatalf("processes %v, want greeter on 2 and gateway on 3", names)
	}
	// Every phase is in its service's process, on one clock: the greeter
	// was launched 100 ms after the gateway.
	want := map[string]struct {
		pid int
		ts  float64
	}{}
	for _, ev := range systemEvents(true) {
		if ev.IsPhase() && ev.Request == nil {
			shift := 0.0
			if ev.Service == "greeter" {
				shift = 100e3
			}
			want[ev.Service+" "+ev.Label()] = struct {
				pid int
				ts  float64
			}{map[string]int{"greeter": 2, "gateway": 3}[ev.Service], micros(ev.Elapsed) + shift}
		}
	}
	found := 0
	for _, te := range f.TraceEvents {
		if te.Cat != "phase" || te.Tid != tidLifecycle {
			continue
		}
		w, ok := want[names[te.Pid]+" "+te.Name]
		if !ok {
			t.Errorf("phase %s in process %d (%s)", te.Name, te.Pid, names[te.Pid])
			continue
		}
		found++
		if te.Pid != w.pid || te.Ts != w.ts {
			t.Errorf("%s %s: pid %d ts %v, want pid %d ts %v", names[te.Pid], te.Name, te.Pid, te.Ts, w.pid, w.ts)
		}
	}
	if found != len(want) {
		t.Errorf("%d lifecycle phases exported, want %d", found, len(want))
	}
}

func TestExportSystemFlowForHop(t *testing.T) {
	f := exportSystem(t, systemEvents(true))
	var start, finish *TraceEvent
	for i, te := range f.TraceEvents {
		switch te.Ph {
		case "s":
			if start != nil {
				t.Fatal("two flow starts for one hop")
			}
			start = &f.TraceEvents[i]
		case "f":
			finish = &f.TraceEvents[i]
		}
	}
	if start == nil || finish == nil {
		t.Fatalf("no flow: start %v, finish %v", start, finish)
	}
	if start.ID != finish.ID || start.ID == 0 || finish.Bp != "e" {
		t.Errorf("flow ids %d/%d, bp %q", start.ID, finish.ID, finish.Bp)
	}
	// The arrow leaves the gateway's request.client slice and lands in the
	// greeter's request slice, at its first phase.
	enclosing := func(te *TraceEvent, name string) bool {
		for _, s := range f.TraceEvents {
			if s.Ph == "X" && s.Pid == te.Pid && s.Tid == te.Tid && s.Name == name && s.Ts <= te.Ts && te.Ts <= s.Ts+*s.Dur {
				return true
			}
		}
		return false
	}
	if start.Pid != 3 || start.Ts != 510e3 || !enclosing(start, "request.client grpc") {
		t.Errorf("flow starts at pid %d ts %v, not in the gateway's request.client slice", start.Pid, start.Ts)
	}
	if finish.Pid != 2 || finish.Ts != 520e3 || !enclosing(finish, "#1 GET /hello/kratos") {
		t.Errorf("flow ends at pid %d tid %d ts %v, not at the greeter's request.transport", finish.Pid, finish.Tid, finish.Ts)
	}
}

func TestExportSystemNoFlowWithoutTheSameRequest(t *testing.T) {
	f := exportSystem(t, systemEvents(false))
	for _, te := range f.TraceEvents {
		if te.Ph == "s" || te.Ph == "f" {
			t.Errorf("flow %+v invented for a callee with a request of its own", te)
		}
	}
}

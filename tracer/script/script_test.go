package script

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func TestParseErrors(t *testing.T) {
	checkParseErrors(t, []parseErrorCase{
		{"unknown command", "break config.scan\n  contnue\n", "lesson.kts:2:3: unknown command \"contnue\""},
		{"unknown phase", "break config.scan wire.don\n", "lesson.kts:1:19: unknown phase \"wire.don\": did you mean wire.done?"},
		{"break without phase", "break\n", "lesson.kts:1:6: break needs a phase or a location"},
		{"continue with argument", "continue now\n", "lesson.kts:1:10: continue takes no arguments"},
		{"bad operator", "expect phase = wire\n", "lesson.kts:1:14: unknown operator \"=\""},
		{"expect too short", "expect phase ==\n", "lesson.kts:1:16: expect needs a path, an operator and a value"},
		{"unknown path root", "print bootstrp.server\n", "lesson.kts:1:7: unknown path \"bootstrp.server\""},
		{"bad server field", "print servers[0].adress\n", "lesson.kts:1:17: a server's fields are kind,"},
		{"servers dot field", "expect servers.address == x\n", "lesson.kts:1:16: servers has only .count"},
		{"unclosed index", "print servers[0.address\n", "lesson.kts:1:14: servers[ is not closed"},
		{"empty bootstrap field", "print bootstrap.server..addr\n", "lesson.kts:1:24: empty field name"},
		{"table in expect", "expect servers == 2\n", "lesson.kts:1:8: servers is a table, not a value"},
		{"field after stop value", "print phase.id\n", "lesson.kts:1:12: phase is a single value"},
		{"extra argument", "sleep 2 seconds\n", "lesson.kts:1:9: sleep takes one duration"},
		{"no duration", "sleep\n", "lesson.kts:1:6: sleep needs a duration"},
		{"value with spaces", "expect output contains server listening\n", "lesson.kts:1:31: expect takes a path, an operator and one value; quote"},
		{"bad duration value", "sleep soon\n", "lesson.kts:1:7: \"soon\" is not a duration"},
		{"unclosed string", "note \"Now the servers\n", "lesson.kts:1:6: the string is not closed"},
		{"string as command", "\"break\" wire\n", "lesson.kts:1:1: a line must start with a command"},
		{"note without text", "note\n", "lesson.kts:1:5: note needs a text"},
		{"tab columns count characters", "break\tconfig.scan\n\t\tprnt phase\n", "lesson.kts:2:3: unknown command \"prnt\""},
	})
}

// parseErrorCase is a script that Parse must refuse, and the start of its
// error.
type parseErrorCase struct {
	name, src, want string
}

// checkParseErrors checks that Parse refuses each case's script with an
// *Error whose text begins with the case's want.
func checkParseErrors(t *testing.T, tests []parseErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("lesson.kts", strings.NewReader(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n got %q\nwant %q...", err.Error(), tt.want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Errorf("error is a %T", err)
			}
		})
	}
}

func TestParseReportsEveryMistake(t *testing.T) {
	_, err := Parse("x.kts", strings.NewReader("brek wire\ncontinue\nexpect phase is wire\n"))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "x.kts:1:1:") || !strings.HasPrefix(lines[1], "x.kts:3:14:") {
		t.Errorf("errors:\n%s", err)
	}
}

func TestParseForms(t *testing.T) {
	s, err := Parse("ok.kts", strings.NewReader(`# a lesson
break config.scan wire.done   # two at once
break all
clear wire.provider
continue
print bootstrap.server.http.addr servers[http].address servers.count bootstrap.items[0].name
expect servers[0].state == "created"
expect output contains "listening on"
expect detail !contains grpc
note "Now the servers are built: \"wire\" is done"
note several bare words
sleep 1.5s
sigterm
quit
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Commands) != 13 {
		t.Fatalf("%d commands", len(s.Commands))
	}
	c := s.Commands
	if c[0].Line != 2 || len(c[0].Phases) != 2 || c[0].Text != "break config.scan wire.done   # two at once" {
		t.Errorf("break: %+v", c[0])
	}
	if len(c[1].Phases) != len(tracer.Phases) {
		t.Errorf("break all: %d phases", len(c[1].Phases))
	}
	if p := c[4].Paths; len(p) != 4 || p[0].Root != "bootstrap" || strings.Join(p[0].Fields, ".") != "server.http.addr" ||
		p[1].Server != "http" || p[1].Field != "address" || p[2].Field != "count" || strings.Join(p[3].Fields, ".") != "items.[0].name" {
		t.Errorf("print paths: %+v", p)
	}
	if c[5].Cmp != "==" || c[5].Want != "created" {
		t.Errorf("expect: %+v", c[5])
	}
	if c[8].Note != `Now the servers are built: "wire" is done` || c[9].Note != "several bare words" {
		t.Errorf("notes: %q %q", c[8].Note, c[9].Note)
	}
	if c[10].Duration != 1500*time.Millisecond {
		t.Errorf("sleep %v", c[10].Duration)
	}
}

func mustParse(t *testing.T, src string) *Script {
	t.Helper()
	s, err := Parse("lesson.kts", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func runOn(t *testing.T, src tracer.Source, text string) (*Result, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	var notes []string
	res, err := Run(ctx, src, mustParse(t, text), Options{Out: &out, Note: func(s string) { notes = append(notes, s) }})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, n := range notes {
		if !strings.Contains(out.String(), "note: "+n) {
			t.Errorf("note %q not printed", n)
		}
	}
	return res, out.String()
}

const bootLesson = `
break config.scan
continue
expect phase == config.scan
expect bootstrap.server.http.addr == 127.0.0.1:8000
print bootstrap.server.http
note "Now the servers are built"
break wire.provider wire.done
continue
expect detail == data.NewData
clear wire.provider
continue
expect phase == wire.done
expect servers.count == 2
expect servers[grpc].state == created
expect servers[1].address contains :8000
continue
expect phase == app.running
expect servers[http].state == listening
expect output contains "server listening on"
sigterm
expect phase == exit
expect exit_code == 0
`

func TestRunOnFakeAndReplay(t *testing.T) {
	sources := map[string]func() tracer.Source{
		"fake": func() tracer.Source { return tracertest.NewFake(tracertest.DemoEvents()) },
		"replay": func() tracer.Source {
			return replay.NewSource(&replay.Recording{Path: "demo", Events: tracertest.DemoEvents()}, replay.Options{})
		},
	}
	for name, newSource := range sources {
		t.Run(name, func(t *testing.T) {
			res, out := runOn(t, newSource(), bootLesson)
			if !res.OK() {
				t.Fatalf("failures: %v\n%s", res.Failures, out)
			}
			if res.ExitCode != 0 {
				t.Errorf("exit code %d", res.ExitCode)
			}
			for _, want := range []string{
				"● config.scan — config.Scan into Bootstrap  ",
				"bootstrap.server.http =\n  network: \"\"\n  addr: 127.0.0.1:8000\n",
				"note: Now the servers are built",
				"● wire.provider data.NewData",
				"ok   expect servers.count == 2",
				"● app.running",
				"   out │ ",
				"■ exit  status 0",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			// Only the phases with a break on were paused at.
			if n := strings.Count(out, "● "); n != 4 {
				t.Errorf("%d stops:\n%s", n, out)
			}
		})
	}
}

func TestExpectFailureNamesTheLine(t *testing.T) {
	res, out := runOn(t, tracertest.NewFake(tracertest.DemoEvents()), `break wire.done
continue
expect servers.count == 3
expect bootstrap.server.htp.addr == x
expect phase == wire.done
continue
sigterm
`)
	if len(res.Failures) != 2 {
		t.Fatalf("failures: %v\n%s", res.Failures, out)
	}
	if got := res.Failures[0].Error(); got != `lesson.kts:3: expect servers.count == 3: it does not hold: servers.count is "2"` {
		t.Errorf("failure 1 = %s", got)
	}
	if got := res.Failures[1].Error(); got != "lesson.kts:4: expect bootstrap.server.htp.addr == x: bootstrap.server.htp.addr: no such field in the Bootstrap" {
		t.Errorf("failure 2 = %s", got)
	}
	if !strings.Contains(out, "FAIL lesson.kts:3:") || !strings.Contains(out, "ok   expect phase == wire.done") {
		t.Errorf("output:\n%s", out)
	}
}

func TestFlowMistakesStopTheScript(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"continue at app.running", "continue\ncontinue\nexpect phase == exit\n", "lesson.kts:2: continue: at app.running the program only waits for a signal; use sigterm"},
		{"sigterm before a stop", "sigterm\n", "lesson.kts:1: sigterm: the program is not running here"},
		{"continue after the end", "continue\nsigterm\ncontinue\nexpect phase == exit\n", "lesson.kts:3: continue: the trace has ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, out := runOn(t, tracertest.NewFake(tracertest.DemoEvents()), tt.script)
			if len(res.Failures) != 1 || res.Failures[0].Error() != tt.want+strings.TrimPrefix(res.Failures[0].Error(), tt.want) || !strings.HasPrefix(res.Failures[0].Error(), tt.want) {
				t.Fatalf("failures: %v\nwant one starting %q\n%s", res.Failures, tt.want, out)
			}
			if !strings.Contains(out, "the script stops here") {
				t.Errorf("output:\n%s", out)
			}
		})
	}
}

func TestQuitClosesTheSource(t *testing.T) {
	f := tracertest.NewFake(tracertest.DemoEvents())
	res, out := runOn(t, f, "break config.load\ncontinue\nquit\nexpect phase == exit\n")
	if !res.OK() || res.ExitCode != -1 || !f.Closed() {
		t.Errorf("ok %v exit %d closed %v\n%s", res.OK(), res.ExitCode, f.Closed(), out)
	}
}

func TestTraceErrorFails(t *testing.T) {
	events := tracertest.DemoEvents()[:8]
	events = append(events, tracer.Event{Seq: 9, Kind: tracer.KindError, Error: "panic: config is broken\ngoroutine 1"})
	res, _ := runOn(t, tracertest.NewFake(events), "continue\n")
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Msg, "the trace failed: panic: config is broken") {
		t.Errorf("failures: %v", res.Failures)
	}
}

func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Run(ctx, tracertest.NewFake(tracertest.DemoEvents()), mustParse(t, "sleep 1h\n"), Options{})
	if !errors.Is(err, ErrInterrupted) {
		t.Errorf("err = %v", err)
	}
}

// TestRecordedHaltIsPassed: a script never halts, but a recording it plays
// can hold a halt, which pauses the replay; the script goes on past it.
func TestRecordedHaltIsPassed(t *testing.T) {
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		events = append(events, ev)
		if ev.Phase == tracer.PhaseWireDone {
			events = append(events, tracer.Event{Kind: tracer.KindHalt, Goroutines: []tracer.Goroutine{{ID: 1, Main: true}}})
		}
	}
	res, out := runOn(t, replay.NewSource(&replay.Recording{Path: "halt", Events: events}, replay.Options{}), bootLesson)
	if !res.OK() || res.ExitCode != 0 {
		t.Fatalf("failures %v, exit code %d:\n%s", res.Failures, res.ExitCode, out)
	}
}

// TestStatusNamesTheService: in a system, the progress lines a script
// writes name the service they are about, as the headless printer's do; a
// single service's stay as they were.
func TestStatusNamesTheService(t *testing.T) {
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		events = append(events, ev)
		if ev.Phase == tracer.PhaseRunning {
			events = append(events,
				tracer.Event{Kind: tracer.KindStatus, Service: "inventory", Status: "the service inventory was paused 7s, longer than its etcd lease (3s)"},
				tracer.Event{Kind: tracer.KindStatus, Status: "one service's line"})
		}
	}
	var log bytes.Buffer
	if _, err := Run(t.Context(), tracertest.NewFake(events), mustParse(t, "continue\nsigterm\n"), Options{Log: &log}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"kratos-trace: inventory: the service inventory was paused 7s, longer than its etcd lease (3s)\n",
		"kratos-trace: one service's line\n",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, log.String())
		}
	}
}

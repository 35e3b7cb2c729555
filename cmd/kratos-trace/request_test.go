package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// acceptanceRequests are the issue's: one HTTP and one gRPC request.
var acceptanceRequests = []string{"--request", "GET /helloworld/kratos", "--request", `grpc helloworld.v1.Greeter/SayHello {"name":"x"}`}

// layoutConfigDir writes the stock kratos-layout config with free loopback
// ports and long server timeouts: a request's context counts wall time,
// which runs on while the program is paused at each stop.
func layoutConfigDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	yaml := fmt.Sprintf("server:\n  http:\n    addr: %s\n    timeout: 60s\n  grpc:\n    addr: %s\n    timeout: 60s\ndata:\n  database:\n    driver: mysql\n    source: root:root@tcp(127.0.0.1:3306)/test?parseTime=True&loc=Local\n  redis:\n    addr: 127.0.0.1:6379\n    read_timeout: 0.2s\n    write_timeout: 0.2s\n", freeAddr(t), freeAddr(t))
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRequestsAcceptance is the acceptance, on the demo and on a
// stock kratos-layout: each request stops in order at transport, the
// middleware (recovery at least), the service's SayHello, biz, data and
// the reply; HTTP answers 200 "Hello kratos", gRPC the message for "x";
// then the shutdown is walked and the exit status is 0.
func TestRequestsAcceptance(t *testing.T) {
	demoConf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{HTTPTimeout: "60s", GRPCTimeout: "60s", DatabaseSource: ":memory:"})
	for _, tc := range []struct {
		name, target, conf string
	}{
		{"demo", "../../demo", demoConf.Dir},
		{"kratos-layout", "../../tracer/delve/testdata/layout", layoutConfigDir(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Recorded, and held at app.running after the requests: the
			// shutdown must still be walked.
			rec := filepath.Join(t.TempDir(), "requests.jsonl")
			args := append([]string{"run", "--headless", "--json", "--hold", "300ms", "--record", rec}, acceptanceRequests...)
			args = append(args, tc.target, "--", "-conf", tc.conf)
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			events := jsonEvents(t, stdout)
			var stops [3][]string
			var replies [3]*tracer.Reply
			stopAt, exitAt, lastReply := -1, -1, -1
			for i, ev := range events {
				switch {
				case ev.Request != nil && ev.Kind == tracer.KindStop:
					stops[ev.Request.ID] = append(stops[ev.Request.ID], ev.Label())
					if ev.Phase == tracer.PhaseRequestReply {
						replies[ev.Request.ID] = ev.Request.Reply
						lastReply = i
					}
				case ev.Phase == tracer.PhaseStop && stopAt < 0:
					stopAt = i
				case ev.Kind == tracer.KindExit:
					exitAt = i
					if ev.ExitCode == nil || *ev.ExitCode != 0 {
						t.Errorf("exit status %v", ev.ExitCode)
					}
				}
			}
			checkAcceptanceRequests(t, stops, replies)
			if !(lastReply >= 0 && stopAt > lastReply && exitAt > stopAt) {
				t.Errorf("the shutdown was not walked after the requests: last reply at %d, app.stop at %d, exit at %d", lastReply, stopAt, exitAt)
			}
			// The replay plays the recording, which is the live run with
			// its secrets masked: the same events, in the same order.
			code, replayOut, replayErr := runCLI(t, "replay", "--json", rec)
			replayed := strings.Split(strings.TrimSpace(replayOut), "\n")
			if code != 0 || len(replayed) != len(events) {
				t.Errorf("replay --json: exit %d, %d events; the live run had %d\n%s", code, len(replayed), len(events), replayErr)
			}
			for i := range min(len(replayed), len(events)) {
				var ev tracer.Event
				if err := json.Unmarshal([]byte(replayed[i]), &ev); err != nil || ev.Kind != events[i].Kind || ev.Label() != events[i].Label() || (ev.Request == nil) != (events[i].Request == nil) {
					t.Errorf("replayed event %d is %s %s, live %s %s", i, ev.Kind, ev.Label(), events[i].Kind, events[i].Label())
					break
				}
			}
		})
	}
}

// jsonEvents parses a --json trace.
func jsonEvents(t *testing.T, stdout string) []tracer.Event {
	t.Helper()
	var events []tracer.Event
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var ev tracer.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		events = append(events, ev)
	}
	return events
}

// checkAcceptanceRequests checks what acceptanceRequests were followed
// through, by request ID: each stopped in order at transport, the
// middleware (recovery at least), the service's SayHello, biz, data and the
// reply; HTTP answered 200 "Hello kratos", gRPC the message for "x".
func checkAcceptanceRequests(t *testing.T, stops [3][]string, replies [3]*tracer.Reply) {
	t.Helper()
	for id := 1; id <= 2; id++ {
		want := []string{"request.transport", "request.middleware recovery", "request.service service.GreeterService.SayHello", "request.biz biz.GreeterUsecase.CreateGreeter", "request.data data.greeterRepo.Save", "request.reply"}
		last := -1
		for _, w := range want {
			i := indexWithPrefix(stops[id], w, last+1)
			if i < 0 {
				t.Errorf("request %d: no stop %q after %d in %v", id, w, last, stops[id])
				break
			}
			last = i
		}
	}
	if r := replies[1]; r == nil || r.Code != 200 || !strings.Contains(r.Body, "Hello kratos") {
		t.Errorf("HTTP reply: %+v", r)
	}
	if r := replies[2]; r == nil || !r.OK || r.Body != `{"message":"Hello x"}` {
		t.Errorf("gRPC reply: %+v", r)
	}
}

func indexWithPrefix(labels []string, prefix string, from int) int {
	for i := from; i < len(labels); i++ {
		if strings.HasPrefix(labels[i], prefix) {
			return i
		}
	}
	return -1
}

func TestRequestBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", "--headless", "--request", "FETCH /x", "../../demo"}, []string{`--request "FETCH /x": "FETCH" is neither an HTTP method nor grpc`, "hint: "}},
		{[]string{"run", "--headless", "--request", "grpc Greeter", "../../demo"}, []string{"is not a gRPC method", "hint: name it as package.Service/Method"}},
		{[]string{"run", "--headless", "--header", "X: y", "../../demo"}, []string{"--header goes with --request"}},
		{[]string{"run", "--request", "GET /x", "../../demo"}, []string{"--request goes with --headless", "hint: in the terminal UI press R"}},
		{[]string{"run", "--headless", "--script", "lesson.kts", "--request", "GET /x", "../../demo"}, []string{"--request does not go with --script", "hint: write `request METHOD PATH` in the script"}},
		{[]string{"run", "--headless", "--layer", "ui=internal/x", "../../demo"}, []string{`--layer "ui=internal/x" is not LAYER=DIR`, "hint: LAYER is one of biz, data, service"}},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d; stderr:\n%s", tc.args, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}
}

package delve

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// sendEach drives a trace that sends specs one after the other from
// app.running, each once the previous one's reply is in, then SIGTERM. At
// app.running it also lists the App's routes into *routes.
func sendEach(t *testing.T, specs []string, routes *[]tracer.Route) func(s *Session, ev tracer.Event) bool {
	next := 0
	send := func(s *Session) bool {
		ctx := context.Background()
		if next == len(specs) {
			if err := s.Signal(ctx, syscall.SIGTERM); err != nil {
				t.Errorf("SIGTERM: %v", err)
				return false
			}
			return true
		}
		spec, err := request.Parse(specs[next], nil)
		if err != nil {
			t.Fatalf("parse %q: %v", specs[next], err)
		}
		next++
		if _, err := s.Send(ctx, spec); err != nil {
			t.Errorf("send %s: %v", spec, err)
			return false
		}
		return true
	}
	return func(s *Session, ev tracer.Event) bool {
		switch ev.Phase {
		case tracer.PhaseRunning:
			if routes != nil {
				r, err := s.Routes(context.Background())
				if err != nil {
					t.Errorf("Routes: %v", err)
				}
				*routes = r
			}
			return send(s)
		case tracer.PhaseRequestReply:
			return send(s)
		}
		if err := s.Continue(context.Background()); err != nil {
			t.Errorf("continue at %s: %v", ev.Label(), err)
			return false
		}
		return true
	}
}

// requestStops lists, per request ID, the labels of its stops and returns
// in order ("stop request.middleware recovery", "return …").
func requestStops(events []tracer.Event) map[int][]string {
	out := map[int][]string{}
	for _, ev := range events {
		if ev.Request == nil {
			continue
		}
		out[ev.Request.ID] = append(out[ev.Request.ID], string(ev.Kind)+" "+ev.Label())
	}
	return out
}

// replyOf returns request id's reply event.
func replyOf(t *testing.T, events []tracer.Event, id int) tracer.Event {
	t.Helper()
	for _, ev := range events {
		if ev.Phase == tracer.PhaseRequestReply && ev.Request != nil && ev.Request.ID == id {
			if ev.Request.Reply == nil {
				t.Fatalf("request %d's reply event has no reply", id)
			}
			return ev
		}
	}
	t.Fatalf("no reply for request %d; stops: %v", id, requestStops(events)[id])
	return tracer.Event{}
}

// indexOf is the position of the first label with prefix in labels, -1 if none.
func indexOf(labels []string, prefix string) int {
	return slices.IndexFunc(labels, func(l string) bool { return strings.HasPrefix(l, prefix) })
}

// checkLayers checks that a request stopped at transport, recovery,
// service, biz, data (in that order), and that each layer returned.
func checkLayers(t *testing.T, labels []string, service string) {
	t.Helper()
	order := []string{"stop request.transport", "stop request.middleware recovery", "stop request.middleware logging", "stop request.service " + service, "stop request.biz", "stop request.data", "stop request.reply"}
	last := -1
	for _, want := range order {
		i := indexOf(labels, want)
		if i < 0 || i < last {
			t.Errorf("no %q after position %d in:\n%s", want, last, strings.Join(labels, "\n"))
			return
		}
		last = i
	}
	for _, ret := range []string{"return request.transport", "return request.middleware recovery", "return request.service", "return request.biz", "return request.data"} {
		if indexOf(labels, ret) < 0 {
			t.Errorf("no %q in:\n%s", ret, strings.Join(labels, "\n"))
		}
	}
}

func TestDemoRequests(t *testing.T) {
	// Long server timeouts: the requests' contexts count wall time, and the
	// program sits paused at each stop while the test reads it.
	conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{HTTPTimeout: "60s", GRPCTimeout: "60s", DatabaseSource: ":memory:"})
	var routes []tracer.Route
	specs := []string{
		"GET /helloworld/kratos",
		`grpc helloworld.v1.Greeter/SayHello {"name":"x"}`,
		`grpc helloworld.v1.Greeter/SayHello {"name":""}`,
		"GET /no/such/route",
	}
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, sendEach(t, specs, &routes))
	byID := requestStops(tr.events)

	// 1: HTTP, through every layer, 200 and the greeting.
	checkLayers(t, byID[1], "service.GreeterService.SayHello")
	r1 := replyOf(t, tr.events, 1)
	if rep := r1.Request.Reply; rep.Code != 200 || !rep.OK || !strings.Contains(rep.Body, "Hello kratos") || rep.Latency <= 0 {
		t.Errorf("HTTP reply: %+v", rep)
	}
	if got := byID[1][0]; got != "stop request.transport http GET /helloworld/kratos" {
		t.Errorf("the first stop of request 1 is %q", got)
	}
	// The service's stop carries its request message; its return the reply.
	for _, ev := range tr.events {
		if ev.Request == nil || ev.Request.ID != 1 || ev.Phase != tracer.PhaseRequestService {
			continue
		}
		switch ev.Kind {
		case tracer.KindStop:
			if in := findArg(ev.Args, "in"); in == nil || in.Lookup("Name") == nil || in.Lookup("Name").Value != `"kratos"` {
				t.Errorf("service args: %s", formatNodes(ev.Args))
			}
			if !strings.HasSuffix(ev.Function, "service.(*GreeterService).SayHello") || ev.Source == nil {
				t.Errorf("service stop at %s %s:%d", ev.Function, ev.File, ev.Line)
			}
		case tracer.KindReturn:
			if len(ev.Results) != 2 || ev.Results[0].Lookup("Message") == nil || ev.Results[0].Lookup("Message").Value != `"Hello kratos"` || ev.Results[1].Value != "nil" || ev.Took <= 0 {
				t.Errorf("service results: %s took %s", formatNodes(ev.Results), ev.Took)
			}
		}
	}

	// 2: gRPC, the message built through reflection.
	checkLayers(t, byID[2], "service.GreeterService.SayHello")
	if got := byID[2][0]; got != "stop request.transport grpc /helloworld.v1.Greeter/SayHello" {
		t.Errorf("the first stop of request 2 is %q", got)
	}
	if rep := replyOf(t, tr.events, 2).Request.Reply; !rep.OK || rep.Status != "OK" || rep.Body != `{"message":"Hello x"}` {
		t.Errorf("gRPC reply: %+v", rep)
	}

	// 3: a biz error: the biz layer is where it failed.
	rep := replyOf(t, tr.events, 3).Request.Reply
	if rep.OK || rep.Status != "InvalidArgument" || rep.FailedAt != tracer.PhaseRequestBiz || !strings.Contains(rep.FailedWhy, "name is empty") {
		t.Errorf("biz error reply: %+v", rep)
	}
	if indexOf(byID[3], "stop request.data") >= 0 {
		t.Errorf("the biz error reached the data layer: %v", byID[3])
	}

	// 4: an unknown route: no layer was reached, the router answered 404.
	r4 := replyOf(t, tr.events, 4)
	if rep := r4.Request.Reply; rep.Code != 404 || rep.FailedAt != tracer.PhaseRequestTransport || !strings.Contains(rep.FailedWhy, "no route matched") {
		t.Errorf("unknown route reply: %+v", rep)
	}
	if len(byID[4]) != 1 {
		t.Errorf("the unknown route stopped at %v", byID[4])
	}

	// Then the shutdown was walked as usual.
	phases := tr.phases()
	for _, want := range []string{"app.stop", "app.after-stop", "exit"} {
		if indexOf(phases, want) < indexOf(phases, "request.reply") {
			t.Errorf("no %s after the requests: %v", want, phases)
		}
	}
	if code := tr.first(t, tracer.PhaseExit).ExitCode; code == nil || *code != 0 {
		t.Errorf("exit code %v", code)
	}

	// The routes, read from the program, with examples.
	var got []string
	for _, r := range routes {
		got = append(got, fmt.Sprintf("%s %s %s -> %s %s", r.Transport, r.Method, r.Path, r.Example.Path, r.Example.Body))
	}
	want := []string{
		"http GET /helloworld/{name} -> /helloworld/kratos ",
		`grpc  helloworld.v1.Greeter/SayHello -> helloworld.v1.Greeter/SayHello {"name":"kratos"}`,
		// kratos registers its metadata service on every gRPC server.
		`grpc  kratos.api.Metadata/GetServiceDesc -> kratos.api.Metadata/GetServiceDesc {"name":"kratos"}`,
		`grpc  kratos.api.Metadata/ListServices -> kratos.api.Metadata/ListServices {}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func findArg(nodes []*tracer.Node, name string) *tracer.Node {
	for _, n := range nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

func formatNodes(nodes []*tracer.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		fmt.Fprintf(&b, "%s (%s) = %s\n", n.Name, n.Type, n.Value)
		b.WriteString((&tracer.Node{Children: []*tracer.Node{n}}).Format())
	}
	return b.String()
}

// TestSendWhileRunning: past app.running the program runs on (the TUI's n
// there); a request sent then is followed all the same, and Routes still
// answers.
func TestSendWhileRunning(t *testing.T) {
	conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{HTTPTimeout: "60s", GRPCTimeout: "60s", DatabaseSource: ":memory:"})
	sent := make(chan error, 1)
	var routes []tracer.Route
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, func(s *Session, ev tracer.Event) bool {
		ctx := context.Background()
		switch ev.Phase {
		case tracer.PhaseRunning:
			if err := s.Continue(ctx); err != nil {
				t.Errorf("continue: %v", err)
				return false
			}
			go func() {
				time.Sleep(300 * time.Millisecond)
				r, err := s.Routes(ctx)
				routes = r
				if err != nil {
					sent <- err
					return
				}
				_, err = s.Send(ctx, tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/helloworld/running"})
				sent <- err
			}()
			return true
		case tracer.PhaseRequestReply:
			return s.Signal(ctx, syscall.SIGTERM) == nil
		}
		return s.Continue(ctx) == nil
	})
	if err := <-sent; err != nil {
		t.Fatalf("send while running: %v", err)
	}
	if len(routes) == 0 {
		t.Error("no routes while running")
	}
	checkLayers(t, requestStops(tr.events)[1], "service.GreeterService.SayHello")
	if rep := replyOf(t, tr.events, 1).Request.Reply; rep.Code != 200 || !strings.Contains(rep.Body, "Hello running") {
		t.Errorf("reply: %+v", rep)
	}
}

// TestRequestOutlivesServerTimeout: a request that sits paused at its
// layers longer than the server's timeout is answered all the same, as
// the timeouts are lifted while requests are followed, and put back when
// the App stops; with KeepTimeouts it runs into its deadline.
func TestRequestOutlivesServerTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("keep=%v", keep), func(t *testing.T) {
			// A protobuf Duration in YAML is written in seconds.
			conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{HTTPTimeout: "0.3s", GRPCTimeout: "0.3s", DatabaseSource: ":memory:"})
			var lifted []liftedTimeout
			var atStop []string
			send := sendEach(t, []string{"GET /helloworld/slow"}, nil)
			tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}, KeepTimeouts: keep}, func(s *Session, ev tracer.Event) bool {
				ctx := context.Background()
				switch {
				case ev.Phase == tracer.PhaseRequestService && ev.Kind == tracer.KindStop:
					// Paused at the service layer past the deadline.
					lifted = append(lifted, s.req.lifted...)
					for _, l := range lifted {
						n, err := s.Eval(ctx, 0, l.expr)
						if err != nil {
							t.Errorf("while lifted, %s: %v", l.expr, err)
						} else if n.Value != "0s" {
							t.Errorf("while lifted, %s = %s, want 0s", l.expr, n.Value)
						}
					}
					time.Sleep(3 * timeout)
				case ev.Phase == tracer.PhaseStop:
					for _, l := range lifted {
						n, err := s.Eval(ctx, 0, l.expr)
						if err != nil {
							t.Errorf("at app.stop, %s: %v", l.expr, err)
							continue
						}
						atStop = append(atStop, n.Value)
					}
				}
				return send(s, ev)
			})
			rep := replyOf(t, tr.events, 1).Request.Reply
			if keep {
				if len(lifted) != 0 {
					t.Errorf("KeepTimeouts lifted %d timeouts", len(lifted))
				}
				if rep.OK {
					t.Errorf("with the timeouts kept, a request paused past its deadline still succeeded: %+v", rep)
				}
				return
			}
			if len(lifted) != 2 {
				t.Errorf("lifted %d timeouts, want the HTTP and the gRPC server's", len(lifted))
			}
			if rep.Code != 200 || !strings.Contains(rep.Body, "Hello slow") {
				t.Errorf("a request paused past the server's timeout failed: %+v", rep)
			}
			for _, v := range atStop {
				if v != timeout.String() {
					t.Errorf("at app.stop a timeout is %s, want %s put back", v, timeout)
				}
			}
			if len(atStop) != len(lifted) {
				t.Errorf("read %d timeouts at app.stop, want %d", len(atStop), len(lifted))
			}
		})
	}
}

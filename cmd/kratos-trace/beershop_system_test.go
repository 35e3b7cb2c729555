package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
)

// newEtcdSystem starts a system file's description in a temp dir (also
// returned) with free addresses for an etcd process. It needs the etcd
// binary.
func newEtcdSystem(t *testing.T) (demoSystem, string) {
	t.Helper()
	if _, err := exec.LookPath("etcd"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("etcd is not installed and CI is set")
		}
		t.Skip("etcd is not installed (Debian: apt-get install etcd-server)")
	}
	dir := t.TempDir()
	return demoSystem{etcd: freeAddr(t), etcdPeer: freeAddr(t), etcdDir: filepath.Join(dir, "etcd")}, dir
}

// write writes the system file in dir: the services, then the etcd
// process.
func (s *demoSystem) write(t *testing.T, dir, services string) {
	t.Helper()
	sys := services + fmt.Sprintf(`processes:
  - name: etcd
    command: [etcd, --name, sys, --data-dir, %[1]s, --listen-client-urls, "http://%[2]s", --advertise-client-urls, "http://%[2]s",
      --listen-peer-urls, "http://%[3]s", --initial-advertise-peer-urls, "http://%[3]s", --initial-cluster, "sys=http://%[3]s", --log-level, error]
    ready: tcp %[2]s
`, s.etcdDir, s.etcd, s.etcdPeer)
	s.file = filepath.Join(dir, "kratos-trace.yaml")
	if err := os.WriteFile(s.file, []byte(sys), 0o600); err != nil {
		t.Fatal(err)
	}
}

// beershopLayout says how writeBeershopSystem lays the beershop out.
type beershopLayout struct {
	// storefrontFirst lists the storefront first, so that it starts first
	// and the inventory, started last, is the first to stop.
	storefrontFirst bool
	// inventoryLease is the inventory's -lease, the TTL of its etcd
	// registration; "" keeps the registrar's 15s.
	inventoryLease string
}

// writeBeershopSystem writes a system file for tracer/delve/testdata/
// beershop: the inventory, then the storefront, which calls it through
// discovery:///inventory (or the other way round, as layout says), with an
// etcd process; every address free.
func writeBeershopSystem(t *testing.T, layout beershopLayout) demoSystem {
	t.Helper()
	s, dir := newEtcdSystem(t)
	s.greeterGRPC, s.greeterHTTP, s.gatewayHTTP = freeAddr(t), freeAddr(t), freeAddr(t)
	shop, err := filepath.Abs("../../tracer/delve/testdata/beershop")
	if err != nil {
		t.Fatal(err)
	}
	lease := ""
	if layout.inventoryLease != "" {
		lease = ", -lease, " + layout.inventoryLease
	}
	inventory := fmt.Sprintf(`  - name: inventory
    package: %[1]s/app/inventory/service/cmd/server
    args: [-grpc, %[2]s, -http, %[3]s, -etcd, %[4]s%[5]s]
`, shop, s.greeterGRPC, s.greeterHTTP, s.etcd, lease)
	storefront := fmt.Sprintf(`  - name: storefront
    package: %[1]s/app/storefront/service/cmd/server
    args: [-http, %[2]s, -etcd, %[3]s]
`, shop, s.gatewayHTTP, s.etcd)
	if layout.storefrontFirst {
		s.write(t, dir, "services:\n"+storefront+inventory)
	} else {
		s.write(t, dir, "services:\n"+inventory+storefront)
	}
	return s
}

// TestBeershopSystemRequest is issue 23's first acceptance point: the
// beershop traced as a system with a real etcd, headless, with a request
// to the storefront that crosses into the inventory over gRPC, and one
// without a service that the storefront alone serves, crossing over HTTP.
// A request sent to the inventory first takes id 1, so that the ids are
// the system's, not each service's. Each service's lifecycle is in order, the storefront starts once the
// inventory runs and its resolver receives the inventory's instance; one
// request id runs over the storefront's transport, service, biz, data and
// client and the inventory's transport, service and biz, nested inside
// the client's call; the storefront's reply carries the inventory's
// answer; both instances are gone from etcd after the shutdown; the replay
// prints what the run printed, from the recording as redacted by default.
func TestBeershopSystemRequest(t *testing.T) {
	s := writeBeershopSystem(t, beershopLayout{})
	rec, out, _, events := runSystem(t, []string{"inventory", "storefront"}, "--system="+s.file,
		"--request", "inventory: GET /v1/stock/lager", "--request", "storefront: GET /stock/ipa", "--request", "GET /http/stock/stout")
	checkLifecycle(t, events, []tracer.PhaseID{tracer.PhaseFlagParse, tracer.PhaseAppRun, tracer.PhaseServerStart, tracer.PhaseRegister,
		tracer.PhaseRunning, tracer.PhaseStop, tracer.PhaseDeregister, tracer.PhaseServerStop, tracer.PhaseAfterStop, tracer.PhaseExit})
	checkStartOrder(t, events, "inventory", "storefront")

	// The storefront's resolver receives the inventory's instance.
	received := false
	for _, ev := range events {
		if ev.Service == "storefront" && ev.Phase == tracer.PhaseDiscoveryUpdate && ev.Discovery != nil {
			for _, in := range ev.Discovery.Instances {
				received = received || (in.ID == "inventory-1" && slices.Contains(in.Endpoints, "grpc://"+s.greeterGRPC))
			}
		}
	}
	if !received {
		t.Error("no discovery.update of the storefront carries the inventory's instance inventory-1 at its gRPC address")
	}

	for _, c := range []struct {
		id       int
		call     string
		answer   string
		callee   []tracer.PhaseID
		calleeAt string
	}{
		{2, "grpc /inventory.v1.Inventory/GetStock", "42", []tracer.PhaseID{tracer.PhaseRequestTransport, tracer.PhaseRequestService, tracer.PhaseRequestBiz}, "grpc /inventory.v1.Inventory/GetStock"},
		{3, "http GET /v1/stock/stout", "7", []tracer.PhaseID{tracer.PhaseRequestTransport, tracer.PhaseRequestService, tracer.PhaseRequestBiz}, "http GET /v1/stock/stout"},
	} {
		checkCrossing(t, events, c.id, c.call, c.answer, c.callee, c.calleeAt, tracer.CorrelateCall)
	}

	// The inventory's own request is #1: the services share one numbering.
	for _, ev := range events {
		if ev.Request != nil && ev.Request.ID == 1 && (ev.Service != "inventory" || ev.Request.Hop != nil) {
			t.Errorf("request #1, sent to the inventory, has an event of %s (hop %+v)", ev.Service, ev.Request.Hop)
		}
	}
	for _, want := range []string{"inventory  │ ● app.running", "storefront │ ● app.running", "Summary — inventory", "Summary — storefront",
		"followed from storefront"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
	if keys := etcdKeysAfter(t, s, "/microservices/"); keys != "" {
		t.Errorf("instances left in etcd after the shutdown:\n%s", keys)
	}
	checkReplay(t, rec, out)
	if t.Failed() || testing.Verbose() {
		t.Logf("output:\n%s", out)
	}
}

// checkCrossing checks request id of the beershop system: the
// storefront's layers down to its outgoing call, the inventory's layers
// (callee) under the same id inside that call, correlated by the call,
// and the storefront's reply carrying answer. by is how the inventory's
// request is to be tied to the storefront's: said on the inventory's
// events and the return of the storefront's call.
func checkCrossing(t *testing.T, events []tracer.Event, id int, call, answer string, callee []tracer.PhaseID, calleeAt, by string) {
	t.Helper()
	first := map[string]int{} // "service phase" → position of its first event of the request
	clientEntry, clientReturn := -1, -1
	var reply *tracer.Reply
	for i, ev := range events {
		if ev.Request == nil || ev.Request.ID != id {
			continue
		}
		key := ev.Service + " " + string(ev.Phase)
		if _, ok := first[key]; !ok && ev.Kind != tracer.KindReturn {
			first[key] = i
		}
		switch {
		case ev.Service == "storefront" && ev.Phase == tracer.PhaseRequestClient && ev.Kind != tracer.KindReturn:
			clientEntry = i
			if ev.Call == nil || ev.Call.Hop == nil || ev.Call.Hop.To != "inventory" || ev.Call.Hop.Note != "" {
				t.Errorf("#%d: the storefront's request.client does not say it is followed into the inventory: %+v", id, ev.Call)
			}
		case ev.Service == "storefront" && ev.Phase == tracer.PhaseRequestClient && ev.Kind == tracer.KindReturn:
			clientReturn = i
			if ev.Call == nil || ev.Call.Hop == nil || ev.Call.Hop.To != "inventory" || ev.Call.Hop.By != by {
				t.Errorf("#%d: the return of the storefront's request.client does not say it was followed into the inventory by %s: %+v", id, by, ev.Call)
			}
		case ev.Service == "storefront" && ev.Phase == tracer.PhaseRequestReply:
			reply = ev.Request.Reply
		case ev.Service == "inventory":
			if h := ev.Request.Hop; h == nil || h.From != "storefront" || h.By != by || h.Call != call {
				t.Errorf("#%d: the inventory's %s does not carry the hop from the storefront's call %s by %s: %+v", id, ev.Label(), call, by, h)
			} else if by == tracer.CorrelateTrace && !strings.Contains(strings.Join(ev.Request.Header, "\n"), "traceparent: 00-"+h.TraceID+"-") {
				t.Errorf("#%d: the inventory's request came with the trace id %s, which is not the one sent with the request: %q", id, h.TraceID, ev.Request.Header)
			}
			if ev.Phase == tracer.PhaseRequestTransport && ev.Kind != tracer.KindReturn && ev.Detail != calleeAt {
				t.Errorf("#%d: the inventory's transport is %q, want %q", id, ev.Detail, calleeAt)
			}
		}
	}
	order := []string{"storefront request.transport", "storefront request.service", "storefront request.biz", "storefront request.data", "storefront request.client"}
	for _, p := range callee {
		order = append(order, "inventory "+string(p))
	}
	last := -1
	for _, k := range order {
		at, ok := first[k]
		if !ok {
			t.Errorf("#%d never reached %s", id, k)
			continue
		}
		if at < last {
			t.Errorf("#%d: %s (event %d) came before the layer listed before it (event %d)", id, k, at, last)
		}
		last = at
	}
	if at, ok := first["inventory request.transport"]; ok && (at < clientEntry || clientReturn < at) {
		t.Errorf("#%d: the inventory's transport (event %d) is not inside the storefront's call (events %d–%d)", id, at, clientEntry, clientReturn)
	}
	if reply == nil || !reply.OK || !strings.Contains(reply.Body, answer) {
		t.Errorf("#%d: the storefront's reply does not carry the inventory's answer %s: %+v", id, answer, reply)
	}
}

// TestRequestForAnUnknownService: a --request naming a service the system
// lacks, or naming one in a single-service trace, is a usage error before
// anything is built.
func TestRequestForAnUnknownService(t *testing.T) {
	shop, err := filepath.Abs("../../tracer/delve/testdata/beershop")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "kratos-trace.yaml")
	sys := fmt.Sprintf("services:\n  - name: inventory\n    package: %[1]s/app/inventory/service/cmd/server\n  - name: storefront\n    package: %[1]s/app/storefront/service/cmd/server\n", shop)
	if err := os.WriteFile(file, []byte(sys), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--headless", "--system=" + file, "--request", "payments: GET /x"}, "kratos-trace: --request names the service payments, which the system does not have\nhint: the services are inventory, storefront\n"},
		{[]string{"run", "--headless", "--request", "payments: GET /x", shop + "/app/storefront/service/cmd/server"}, "kratos-trace: --request \"payments: GET /x\" names the service payments, and one service is traced\nhint: drop `payments:`; a service is named in the requests of a system\n"},
	} {
		code, out, stderr := runCLI(t, c.args...)
		if code != 2 || stderr != c.want || out != "" {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 and %q (stdout %q)", c.args, code, stderr, c.want, out)
		}
	}
}

// TestBeershopSystemTraceID: with Kratos' tracing middleware in the
// storefront (BEERSHOP_TRACING), the traceparent kratos-trace sends with
// the request goes on in the storefront's gRPC call, and the inventory's
// request is tied to the storefront's by that trace id. The HTTP route
// makes its call outside the server's middleware, so its call starts a
// trace of its own: that one is tied by the call.
func TestBeershopSystemTraceID(t *testing.T) {
	s := writeBeershopSystem(t, beershopLayout{})
	b, err := os.ReadFile(s.file)
	if err != nil {
		t.Fatal(err)
	}
	traced := strings.Replace(string(b), "    package: ", "    env: {BEERSHOP_TRACING: \"1\"}\n    package: ", 2)
	if err := os.WriteFile(s.file, []byte(traced), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, _, events := runSystem(t, []string{"inventory", "storefront"}, "--system="+s.file, "--no-redact",
		"--request", "GET /stock/ipa", "--request", "GET /http/stock/stout")
	callee := []tracer.PhaseID{tracer.PhaseRequestTransport, tracer.PhaseRequestService, tracer.PhaseRequestBiz}
	checkCrossing(t, events, 1, "grpc /inventory.v1.Inventory/GetStock", "42", callee, "grpc /inventory.v1.Inventory/GetStock", tracer.CorrelateTrace)
	checkCrossing(t, events, 2, "http GET /v1/stock/stout", "7", callee, "http GET /v1/stock/stout", tracer.CorrelateCall)
	if !strings.Contains(out, "correlated by trace id ") {
		t.Errorf("the text does not say the trace id tied the requests")
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// runSystem runs a system trace headless with args and a recording; it
// returns the recording's path, the text printed on stdout and stderr,
// and the recorded events, the first of which carries the system of
// services.
func runSystem(t *testing.T, services []string, args ...string) (rec, out, stderr string, events []tracer.Event) {
	t.Helper()
	rec = filepath.Join(t.TempDir(), "system.jsonl")
	code, out, stderr := runCLI(t, append([]string{"run", "--headless", "--record", rec}, args...)...)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s\nstdout:\n%s", code, stderr, out)
	}
	recording, err := replay.Read(rec)
	if err != nil {
		t.Fatal(err)
	}
	events = recording.Events
	if events[0].System == nil || !slices.Equal(events[0].System.ServiceNames(), services) {
		t.Fatalf("the first event does not carry the system of %v: %+v", services, events[0])
	}
	return rec, out, stderr, events
}

// phaseAt is the position of service's first event at phase.
func phaseAt(t *testing.T, events []tracer.Event, service string, phase tracer.PhaseID) int {
	t.Helper()
	for i, ev := range events {
		if ev.Service == service && ev.Phase == phase && ev.IsPhase() {
			return i
		}
	}
	t.Fatalf("%s never reached %s", service, phase)
	return -1
}

// checkLifecycle checks that every service of the system (the first
// event's) reaches the phases of lifecycle in that order.
func checkLifecycle(t *testing.T, events []tracer.Event, lifecycle []tracer.PhaseID) {
	t.Helper()
	for _, svc := range events[0].System.ServiceNames() {
		last := -1
		for _, ph := range lifecycle {
			at := phaseAt(t, events, svc, ph)
			if at < last {
				t.Errorf("%s: %s (event %d) came before the phase listed before it (event %d)", svc, ph, at, last)
			}
			last = at
		}
	}
}

// checkStartOrder checks that the service after started once the service
// first was at app.running, and that first began its shutdown once after
// had exited.
func checkStartOrder(t *testing.T, events []tracer.Event, first, after string) {
	t.Helper()
	if a, f := phaseAt(t, events, after, tracer.PhaseFlagParse), phaseAt(t, events, first, tracer.PhaseRunning); a < f {
		t.Errorf("%s started (event %d) before %s was at app.running (event %d)", after, a, first, f)
	}
	if a, f := phaseAt(t, events, after, tracer.PhaseExit), phaseAt(t, events, first, tracer.PhaseStop); a > f {
		t.Errorf("%s began its shutdown (event %d) before %s exited (event %d)", first, f, after, a)
	}
}

// checkReplay checks that replaying the recording rec prints out, as the
// run did.
func checkReplay(t *testing.T, rec, out string) {
	t.Helper()
	code, replayed, rerr := runCLI(t, "replay", "--headless", rec)
	if code != 0 {
		t.Fatalf("replay: exit %d\n%s", code, rerr)
	}
	if replayed != out {
		t.Errorf("the replay printed otherwise than the run:\n%s", firstDiff(out, replayed))
	}
}

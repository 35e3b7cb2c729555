package delve

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// The beershop fixture: a monorepo laid out like go-kratos/beer-shop, whose
// storefront asks the inventory over gRPC through discovery:///inventory in
// etcd (testdata/beershop).
const (
	beershopDir   = "testdata/beershop"
	storefrontPkg = beershopDir + "/app/storefront/service/cmd/server"
	inventoryPkg  = "./app/inventory/service/cmd/server"
	// inventoryKey is where kratos' etcd registrar keeps the inventory.
	inventoryKey = "/microservices/inventory/inventory-1"
)

// inventoryProcess is the beershop's inventory, built and run as a plain
// process (not traced) by a test.
type inventoryProcess struct {
	cmd *exec.Cmd
	// addr and httpAddr are its gRPC and HTTP servers'.
	addr, httpAddr string
	exited         chan struct{}
	once           sync.Once
}

// startInventory builds the inventory and runs it against the etcd at
// etcdURL, waiting until it has registered; it is killed when the test
// ends, if it still runs.
func startInventory(t *testing.T, etcdURL string) *inventoryProcess {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "inventory")
	build := exec.Command("go", "build", "-o", bin, inventoryPkg)
	build.Dir = beershopDir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the inventory: %v\n%s", err, out)
	}
	p := &inventoryProcess{addr: tracertest.FreeAddr(t), httpAddr: tracertest.FreeAddr(t), exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "-grpc", p.addr, "-http", p.httpAddr, "-etcd", tracertest.EtcdEndpoint(etcdURL))
	logFile, err := os.Create(filepath.Join(t.TempDir(), "inventory.log"))
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start the inventory: %v", err)
	}
	go func() { _ = p.cmd.Wait(); logFile.Close(); close(p.exited) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, ok := tracertest.EtcdKeys(t, etcdURL, inventoryKey)[inventoryKey]; ok {
			return p
		}
		select {
		case <-p.exited:
			b, _ := os.ReadFile(logFile.Name())
			t.Fatalf("the inventory exited at start:\n%s", b)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the inventory did not register within 20s")
		}
	}
}

// leave sends the inventory SIGTERM and waits until it has deregistered
// from the etcd at etcdURL. It does not wait for the exit: its gRPC
// server's graceful stop waits for the connected clients to answer, and a
// traced storefront paused at a stop does not.
func (p *inventoryProcess) leave(t *testing.T, etcdURL string) {
	t.Helper()
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		deadline := time.Now().Add(15 * time.Second)
		for {
			if _, ok := tracertest.EtcdKeys(t, etcdURL, inventoryKey)[inventoryKey]; !ok {
				return
			}
			if time.Now().After(deadline) {
				t.Error("the inventory did not deregister within 15s of SIGTERM")
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// TestBeershopDiscoveryAndClientCall traces the storefront while the
// inventory runs beside it: the storefront's layers are found in its own
// service root, its client's dial and resolver updates are phases, and a
// request's outgoing call is request.client with the target, the endpoint
// picked and the inventory's answer. Then the inventory stops, and the
// resolver's update shows the empty list refused.
func TestBeershopDiscoveryAndClientCall(t *testing.T) {
	etcdURL := tracertest.StartEtcd(t)
	inv := startInventory(t, etcdURL)
	httpAddr := tracertest.FreeAddr(t)
	var sendErr error
	stopped := false
	refusedBy := map[string]bool{}
	// The gRPC client's timeout as the interceptor checked it, read in its
	// frame at the client middleware's stop, inside the call.
	timeoutInCall := ""
	tr := runTrace(t, Config{Target: storefrontPkg, Args: []string{"-http", httpAddr, "-etcd", tracertest.EtcdEndpoint(etcdURL)}},
		func(s *Session, ev tracer.Event) bool {
			ctx := context.Background()
			var err error
			switch {
			case ev.Phase == tracer.PhaseRunning:
				_, sendErr = s.Send(ctx, tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/stock/ipa"})
				return sendErr == nil
			case ev.Phase == tracer.PhaseRequestReply && ev.Request.ID == 1:
				// The same over the HTTP client.
				_, sendErr = s.Send(ctx, tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/http/stock/stout"})
				return sendErr == nil
			case ev.Phase == tracer.PhaseRequestClientMiddleware:
				for i, f := range ev.Stack {
					if grpcClientFunc.MatchString(f.Function) {
						v, verr := s.client.EvalVariable(api.EvalScope{GoroutineID: ev.Goroutine, Frame: i}, "timeout", shallowLoad)
						if verr != nil {
							t.Errorf("read the client's timeout: %v", verr)
						} else {
							timeoutInCall = v.Value
						}
					}
				}
				err = s.Continue(ctx)
			case ev.Phase == tracer.PhaseRequestReply:
				// After both requests the storefront is paused: the inventory leaves, and the
				// resolver's next update, when the program runs on, is
				// the empty list.
				inv.leave(t, etcdURL)
				stopped = true
				err = s.Continue(ctx)
			case stopped && ev.Phase == tracer.PhaseDiscoveryUpdate:
				// Each client's resolver gets the empty list; then the
				// storefront stops.
				refusedBy[strings.Fields(ev.Detail)[0]] = true
				if len(refusedBy) == 2 {
					err = s.Signal(ctx, syscall.SIGTERM)
				} else {
					err = s.Continue(ctx)
				}
			default:
				err = s.Continue(ctx)
			}
			if err != nil && !errors.Is(err, tracer.ErrEnded) {
				t.Errorf("command at %s: %v", ev.Label(), err)
				return false
			}
			return true
		})
	if sendErr != nil {
		t.Fatalf("send: %v", sendErr)
	}
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindStatus && strings.Contains(ev.Status, "no service layer") {
			t.Errorf("layers not found: %s", ev.Status)
		}
		if ev.Kind == tracer.KindError {
			t.Errorf("error event: %s", ev.Error)
		}
	}
	var labels []string
	for _, ev := range tr.events {
		if ev.IsPhase() || ev.Kind == tracer.KindReturn {
			labels = append(labels, string(ev.Kind)+" "+ev.Label())
		}
	}
	t.Logf("events:\n%s", strings.Join(labels, "\n"))
	const target = "discovery:///inventory"
	endpoint := "grpc://" + inv.addr

	// The client is built for discovery:///inventory, with etcd.
	dial := firstWith(t, tr.events, tracer.PhaseDiscoveryDial, "grpc "+target)
	if d := dial.Discovery; d == nil || d.Client.Target != target || d.Client.Registry != "etcd" || d.Client.Timeout != "2s" || dial.Skipped {
		t.Errorf("discovery.dial: %+v (skipped %v)", dial.Discovery, dial.Skipped)
	}
	if !strings.HasSuffix(dial.File, "transport/grpc/client.go") || dial.Detail != "grpc "+target {
		t.Errorf("discovery.dial at %s, detail %q", dial.Location(), dial.Detail)
	}

	// Its resolver receives the inventory's instance.
	update := firstWith(t, tr.events, tracer.PhaseDiscoveryUpdate, "grpc "+target)
	if d := update.Discovery; d == nil || d.Refused != "" || len(d.Instances) != 1 {
		t.Fatalf("first discovery.update: %+v", update.Discovery)
	}
	in := update.Discovery.Instances[0]
	if in.ID != "inventory-1" || in.Name != "inventory" || in.Version != "v1.0.0" || !slices.Contains(in.Endpoints, endpoint) || !slices.Contains(in.Endpoints, "http://"+inv.httpAddr) {
		t.Errorf("the instance received: %+v, want inventory-1 v1.0.0 at %s and http://%s", in, endpoint, inv.httpAddr)
	}
	if c := update.Discovery.Client; len(c.Endpoints) != 1 || c.Endpoints[0] != endpoint {
		t.Errorf("the client's endpoints after the update: %v", c.Endpoints)
	}

	// The request's outgoing call: target, method, metadata (the token
	// masked), the endpoint picked and the inventory's answer.
	call, ret := clientCallOf(tr.events, 1)
	if call == nil || ret == nil {
		t.Fatalf("no request.client stop and return: %v, %v", call, ret)
	}
	if c := call.Call; c.Target != target || c.Operation != "/inventory.v1.Inventory/GetStock" {
		t.Errorf("request.client: %+v", c)
	}
	md := strings.Join(call.Call.Metadata, "\n")
	if !strings.Contains(md, "x-caller: storefront") || strings.Contains(md, "s3cret") || !strings.Contains(md, "authorization: ") {
		t.Errorf("metadata sent:\n%s", md)
	}
	if req := findArg(call.Args, "req"); req == nil || !strings.Contains(req.Format(), "ipa") {
		t.Errorf("the call's request: %s", formatNodes(call.Args))
	}
	if c := ret.Call; c.Endpoint != endpoint || c.Error != "" || c.TimeoutLifted != "2s" || ret.Took <= 0 {
		t.Errorf("request.client returned: %+v took %s", c, ret.Took)
	}
	if reply := findArg(ret.Results, "reply"); reply == nil || !strings.Contains(reply.Format(), "42") {
		t.Errorf("the inventory's answer: %s", formatNodes(ret.Results))
	}
	if rep := replyOf(t, tr.events, 1).Request.Reply; rep.Code != 200 || !strings.Contains(rep.Body, `"count":42`) {
		t.Errorf("the storefront's reply: %+v", rep)
	}
	// The client's recovery middleware is the client's.
	for _, ev := range tr.events {
		if ev.Phase == tracer.PhaseRequestMiddleware {
			t.Errorf("a server middleware in a route that has none: %s", ev.Label())
		}
	}
	if indexOf(labels, "stop request.client-middleware recovery") < 0 {
		t.Errorf("no client middleware stop")
	}
	// The client's 2s timeout was lifted for the call: the interceptor saw
	// none, so the call's context has no deadline.
	if timeoutInCall != "0" {
		t.Errorf("the client's timeout in the call: %q, want 0", timeoutInCall)
	}

	// The same over HTTP: kratos' HTTP client, its target, the endpoint
	// picked, the inventory's answer.
	httpCall, httpRet := clientCallOf(tr.events, 2)
	if httpCall == nil || httpRet == nil {
		t.Fatal("no request.client of request 2")
	}
	if c := httpCall.Call; c.Transport != "http" || c.Target != target || c.Operation != "GET /v1/stock/stout" {
		t.Errorf("the HTTP call: %+v", c)
	}
	if c := httpRet.Call; c.Endpoint != "http://"+inv.httpAddr || c.Error != "" || c.TimeoutLifted != "2s" {
		t.Errorf("the HTTP call returned: %+v", c)
	}
	if rep := replyOf(t, tr.events, 2).Request.Reply; rep.Code != 200 || !strings.Contains(rep.Body, `"count":7`) {
		t.Errorf("the storefront's reply over HTTP: %+v", rep)
	}
	httpUpdate := firstWith(t, tr.events, tracer.PhaseDiscoveryUpdate, "http "+target)
	if d := httpUpdate.Discovery; d == nil || len(d.Instances) != 1 || len(d.Client.Endpoints) != 1 || d.Client.Endpoints[0] != "http://"+inv.httpAddr {
		t.Errorf("the HTTP client's first update: %+v", httpUpdate.Discovery)
	}

	// The inventory left: each resolver's last update is the empty list,
	// refused, and each client keeps the endpoint it had.
	for _, transport := range []string{"grpc", "http"} {
		var last tracer.Event
		for _, ev := range tr.events {
			if ev.Phase == tracer.PhaseDiscoveryUpdate && ev.Detail == transport+" "+target {
				last = ev
			}
		}
		if d := last.Discovery; d == nil || len(d.Instances) != 0 || d.Refused != "Zero endpoint found, refused to write" {
			t.Errorf("the last %s discovery.update: %+v", transport, last.Discovery)
		} else if len(d.Client.Endpoints) != 1 || d.Client.Refused == "" {
			t.Errorf("the %s client after the refused list: %+v", transport, d.Client)
		}
	}
	// Every later event lists the clients.
	stop := tr.first(t, tracer.PhaseStop)
	if len(stop.Clients) != 2 || stop.Clients[0].Target != target || stop.Clients[0].Registry != "etcd" || stop.Clients[1].Transport != "http" {
		t.Errorf("clients at app.stop: %+v", stop.Clients)
	}
}

// firstWith is the first phase event of phase with detail.
func firstWith(t *testing.T, events []tracer.Event, phase tracer.PhaseID, detail string) tracer.Event {
	t.Helper()
	for _, ev := range events {
		if ev.IsPhase() && ev.Phase == phase && ev.Detail == detail {
			return ev
		}
	}
	t.Fatalf("no %s %s", phase, detail)
	return tracer.Event{}
}

// clientCallOf is request id's request.client stop and return.
func clientCallOf(events []tracer.Event, id int) (call, ret *tracer.Event) {
	for i := range events {
		ev := &events[i]
		if ev.Phase != tracer.PhaseRequestClient || ev.Request == nil || ev.Request.ID != id || ev.Call == nil {
			continue
		}
		switch ev.Kind {
		case tracer.KindStop:
			call = ev
		case tracer.KindReturn:
			ret = ev
		}
	}
	return call, ret
}

// TestBeershopPauseOutlivesLease pauses the storefront at app.running for
// longer than its etcd lease (3s here, 15s by default): etcd drops its
// instance meanwhile, and the trace says so when the program resumes.
func TestBeershopPauseOutlivesLease(t *testing.T) {
	etcdURL := tracertest.StartEtcd(t)
	httpAddr := tracertest.FreeAddr(t)
	const key = "/microservices/storefront/storefront-1"
	registeredAtRunning, presentAfterPause := false, true
	tr := runTrace(t, Config{Target: storefrontPkg, NoBreak: []tracer.PhaseID{tracer.PhaseDiscoveryDial, tracer.PhaseDiscoveryUpdate},
		Args: []string{"-http", httpAddr, "-etcd", tracertest.EtcdEndpoint(etcdURL), "-lease", "3s"}},
		func(s *Session, ev tracer.Event) bool {
			ctx := context.Background()
			var err error
			if ev.Phase == tracer.PhaseRunning {
				_, registeredAtRunning = tracertest.EtcdKeys(t, etcdURL, key)[key]
				// The lease runs out while the program sits here.
				deadline := time.Now().Add(10 * time.Second)
				for presentAfterPause && time.Now().Before(deadline) {
					time.Sleep(250 * time.Millisecond)
					_, presentAfterPause = tracertest.EtcdKeys(t, etcdURL, key)[key]
				}
				time.Sleep(time.Second)
				err = s.Signal(ctx, syscall.SIGTERM)
			} else {
				err = s.Continue(ctx)
			}
			if err != nil && !errors.Is(err, tracer.ErrEnded) {
				t.Errorf("command at %s: %v", ev.Label(), err)
				return false
			}
			return true
		})
	if !registeredAtRunning || presentAfterPause {
		t.Fatalf("etcd held the instance at app.running: %v; after the pause: %v", registeredAtRunning, presentAfterPause)
	}
	var said []string
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindStatus && strings.Contains(ev.Status, "lease") {
			said = append(said, ev.Status)
		}
	}
	if len(said) != 1 || !strings.Contains(said[0], "longer than its etcd lease (3s)") || !strings.Contains(said[0], "storefront-1") {
		t.Errorf("what the trace said of the lease: %q", said)
	}
	// It is said when the program resumes: after app.running, before the
	// shutdown's first phase.
	running, stop, at := -1, -1, -1
	for i, ev := range tr.events {
		switch {
		case ev.Phase == tracer.PhaseRunning && running < 0:
			running = i
		case ev.Phase == tracer.PhaseStop && stop < 0:
			stop = i
		case ev.Kind == tracer.KindStatus && strings.Contains(ev.Status, "lease"):
			at = i
		}
	}
	if !(running < at && at < stop) {
		t.Errorf("the lease was spoken of at event %d, app.running %d, app.stop %d", at, running, stop)
	}
}

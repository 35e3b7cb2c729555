package delve

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
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
	cmd    *exec.Cmd
	addr   string
	exited chan struct{}
	once   sync.Once
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
	p := &inventoryProcess{addr: tracertest.FreeAddr(t), exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "-grpc", p.addr, "-etcd", tracertest.EtcdEndpoint(etcdURL))
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
				// The storefront is paused: the inventory leaves, and the
				// resolver's next update, when the program runs on, is
				// the empty list.
				inv.leave(t, etcdURL)
				stopped = true
				err = s.Continue(ctx)
			case stopped && ev.Phase == tracer.PhaseDiscoveryUpdate:
				err = s.Signal(ctx, syscall.SIGTERM)
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
	dial := tr.first(t, tracer.PhaseDiscoveryDial)
	if d := dial.Discovery; d == nil || d.Client.Target != target || d.Client.Registry != "etcd" || d.Client.Timeout != "2s" || dial.Skipped {
		t.Errorf("discovery.dial: %+v (skipped %v)", dial.Discovery, dial.Skipped)
	}
	if !strings.HasSuffix(dial.File, "transport/grpc/client.go") || dial.Detail != "grpc "+target {
		t.Errorf("discovery.dial at %s, detail %q", dial.Location(), dial.Detail)
	}

	// Its resolver receives the inventory's instance.
	update := tr.first(t, tracer.PhaseDiscoveryUpdate)
	if d := update.Discovery; d == nil || d.Refused != "" || len(d.Instances) != 1 {
		t.Fatalf("first discovery.update: %+v", update.Discovery)
	}
	in := update.Discovery.Instances[0]
	if in.ID != "inventory-1" || in.Name != "inventory" || in.Version != "v1.0.0" || len(in.Endpoints) != 1 || in.Endpoints[0] != endpoint {
		t.Errorf("the instance received: %+v, want inventory-1 v1.0.0 at %s", in, endpoint)
	}
	if c := update.Discovery.Client; len(c.Endpoints) != 1 || c.Endpoints[0] != endpoint {
		t.Errorf("the client's endpoints after the update: %v", c.Endpoints)
	}

	// The request's outgoing call: target, method, metadata (the token
	// masked), the endpoint picked and the inventory's answer.
	var call, ret *tracer.Event
	for i := range tr.events {
		ev := &tr.events[i]
		if ev.Phase == tracer.PhaseRequestClient && ev.Request != nil && ev.Request.ID == 1 {
			if ev.Kind == tracer.KindStop {
				call = ev
			} else if ev.Kind == tracer.KindReturn {
				ret = ev
			}
		}
	}
	if call == nil || ret == nil || call.Call == nil || ret.Call == nil {
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

	// The inventory left: the resolver's last update is the empty list,
	// refused, and the client keeps the endpoint it had.
	var last tracer.Event
	for _, ev := range tr.events {
		if ev.Phase == tracer.PhaseDiscoveryUpdate {
			last = ev
		}
	}
	if d := last.Discovery; d == nil || len(d.Instances) != 0 || d.Refused != "Zero endpoint found, refused to write" {
		t.Errorf("the last discovery.update: %+v", last.Discovery)
	} else if len(d.Client.Endpoints) != 1 || d.Client.Refused == "" {
		t.Errorf("the client after the refused list: %+v", d.Client)
	}
	if last.Detail != "grpc "+target {
		t.Errorf("the refused update's detail %q", last.Detail)
	}
	// Every later event lists the client.
	stop := tr.first(t, tracer.PhaseStop)
	if len(stop.Clients) != 1 || stop.Clients[0].Target != target || stop.Clients[0].Registry != "etcd" {
		t.Errorf("clients at app.stop: %+v", stop.Clients)
	}
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

package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/request"
	"github.com/kratos-trace/kratos-trace/tracer/system"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// The beershop's clients of the inventory, in the storefront: each has a
// resolver of its own, and each sees the inventory leave and come back.
var inventoryClients = []string{"grpc discovery:///inventory", "http discovery:///inventory"}

// inventoryKey is where the etcd registrar keeps the inventory's instance.
const inventoryKey = "/microservices/inventory/inventory-1"

// TestBeershopSystemPauseOutlivesLease is issue 23's point 6 on a real
// system: the inventory, registered under a 5s lease, is held paused in a
// request the storefront followed into it until etcd has dropped its
// instance, while the storefront runs on. Its peer's resolvers then get the
// empty list, which Kratos refuses, and, once the inventory runs again and
// its registrar registers it anew, its instance back; the inventory says
// its pause outlived its lease, naming itself; the storefront's call still
// gets its answer; the shutdown leaves nothing in etcd.
//
// The headless run is the one `run --headless --system --request --hold`
// makes, but for the pause, which no flag holds: the test's Source holds
// the inventory at the first stop of the request in it (leasePause).
func TestBeershopSystemPauseOutlivesLease(t *testing.T) {
	// The lease is short, to keep the pause short, but not shorter than
	// the time the inventory spends halted at the stops of the request
	// after the pause (seconds under the race detector on a loaded
	// machine): the registrar's keep-alive must answer its new lease
	// within that lease's TTL, or Kratos' etcd registrar gives up for good
	// (heartBeat returns at "retry failed") and the instance never comes
	// back.
	s := writeBeershopSystem(t, beershopLayout{inventoryLease: inventoryLease.String()})
	f, err := system.ReadFile(s.file)
	if err != nil {
		t.Fatal(err)
	}
	opts := runOptions{system: f, stopTimeout: 10 * time.Second}
	src, err := opts.startSystem(t.Context(), delve.Config{})
	if err != nil {
		skipWithoutPtrace(t, err.Error())
		t.Fatalf("start the system: %v", err)
	}
	sys, ok := src.(*system.System)
	if !ok {
		t.Fatalf("the system's Source is a %T", src)
	}
	t.Cleanup(func() { _ = sys.Close() })
	p := holdInventory(t, sys, "http://"+s.etcd)
	spec, err := request.Parse("GET /stock/ipa", nil)
	if err != nil {
		t.Fatal(err)
	}
	spec.Service = "storefront"
	var out, log bytes.Buffer
	// The hold after the reply is the time the inventory's registrar takes
	// to find its lease gone and register it again (under a second: its
	// keep-alive checks twice a second), and the storefront's resolvers to
	// receive it.
	res, err := headless.Run(t.Context(), p, headless.Options{Out: &out, Log: &log, Hold: 2 * time.Second,
		StopTimeout: 3 * opts.stopTimeout, Requests: []tracer.RequestSpec{spec}})
	if err != nil {
		t.Fatalf("the run: %v\n%s", err, log.String())
	}
	if err := traceOutcome(streams{out: &out, err: &log}, res); err != nil {
		t.Errorf("the outcome: %v\n%s", err, log.String())
	}
	events := p.seen()
	pauseAt, paused := p.pause()
	if paused == 0 {
		t.Fatalf("the inventory never stopped in the request:\n%s", out.String())
	}

	// The inventory says its pause outlived its lease, naming itself.
	said := 0
	for _, ev := range events {
		if ev.Kind == tracer.KindStatus && strings.Contains(ev.Status, "longer than its") {
			said++
			if ev.Service != "inventory" || !strings.HasPrefix(ev.Status, "the service inventory was paused ") ||
				!strings.Contains(ev.Status, "longer than its etcd lease (5s)") || !strings.Contains(ev.Status, "the instance inventory-1") {
				t.Errorf("the lease sentence of %q: %s", ev.Service, ev.Status)
			}
		}
	}
	if said != 1 || !strings.Contains(log.String(), "kratos-trace: inventory: the service inventory was paused ") {
		t.Errorf("the lease was spoken of %d times (want 1); stderr:\n%s", said, log.String())
	}

	// Each client of the storefront gets the empty list, refused, after
	// the inventory's pause began, then the inventory's instance back.
	for _, client := range inventoryClients {
		refused, back := -1, -1
		for i, ev := range events[pauseAt:] {
			d := ev.Discovery
			if ev.Service != "storefront" || ev.Phase != tracer.PhaseDiscoveryUpdate || d == nil || d.Client.Label() != client {
				continue
			}
			switch {
			case refused < 0 && len(d.Instances) == 0 && strings.Contains(d.Refused, "Zero endpoint found"):
				refused = pauseAt + i
			case refused >= 0 && back < 0 && len(d.Instances) == 1 && d.Instances[0].ID == "inventory-1" && d.Refused == "":
				back = pauseAt + i
			}
		}
		if refused < 0 || back < 0 {
			t.Errorf("%s of the storefront: the empty list refused at event %d, the instance back at %d (-1: never); etcd held it again at the signal: %v",
				client, refused, back, p.backAtSignal)
		}
	}
	// The text says so against each client's previous list.
	text := out.String()
	for _, want := range []string{"storefront │   left the registry: inventory-1\n", "storefront │   joined the registry: inventory-1\n"} {
		if n := strings.Count(text, want); n != len(inventoryClients) {
			t.Errorf("the text says %q %d times, want once per client", strings.TrimSpace(want), n)
		}
	}
	// The call made while the inventory was paused got its answer.
	if rep := replyOf(events, "storefront", 1); rep == nil || !rep.OK || !strings.Contains(rep.Body, "42") {
		t.Errorf("the storefront's reply: %+v", rep)
	}
	if keys := etcdKeysAfter(t, s, "/microservices/"); keys != "" {
		t.Errorf("instances left in etcd after the shutdown:\n%s", keys)
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("paused %s; output:\n%s\nstderr:\n%s", paused, text, log.String())
	}
}

// TestBeershopSystemShutdownSeenByPeer is issue 23's point 7 seen from a
// peer: with the storefront listed first, the inventory, started last, is
// the first the shutdown stops, and the storefront, still running, sees it
// leave: each of its clients gets the empty list (refused) after the
// inventory deregistered, before the storefront exits itself.
func TestBeershopSystemShutdownSeenByPeer(t *testing.T) {
	s := writeBeershopSystem(t, beershopLayout{storefrontFirst: true})
	_, out, _, events := runSystem(t, []string{"storefront", "inventory"}, "--system="+s.file)
	checkStartOrder(t, events, "storefront", "inventory")
	deregistered := phaseAt(t, events, "inventory", tracer.PhaseDeregister)
	storefrontExit := phaseAt(t, events, "storefront", tracer.PhaseExit)
	for _, client := range inventoryClients {
		left := -1
		for i, ev := range events {
			d := ev.Discovery
			if left < 0 && i > deregistered && ev.Service == "storefront" && ev.Phase == tracer.PhaseDiscoveryUpdate &&
				d != nil && d.Client.Label() == client && len(d.Instances) == 0 && d.Refused != "" {
				left = i
			}
		}
		if left < 0 || left > storefrontExit {
			t.Errorf("%s of the storefront: no empty list between the inventory's deregistration (event %d) and the storefront's exit (event %d): %d",
				client, deregistered, storefrontExit, left)
		}
	}
	if n := strings.Count(out, "storefront │   left the registry: inventory-1\n"); n != len(inventoryClients) {
		t.Errorf("the text says the inventory left %d times, want once per client", n)
	}
	if keys := etcdKeysAfter(t, s, "/microservices/"); keys != "" {
		t.Errorf("instances left in etcd after the shutdown:\n%s", keys)
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("output:\n%s", out)
	}
}

// replyOf is the reply of service to request id, nil if none came.
func replyOf(events []tracer.Event, service string, id int) *tracer.Reply {
	for _, ev := range events {
		if ev.Service == service && ev.Phase == tracer.PhaseRequestReply && ev.Request != nil && ev.Request.ID == id {
			return ev.Request.Reply
		}
	}
	return nil
}

// leasePause is a system's Source that holds the inventory at the first
// stop of the request in it until etcd has dropped its instance, then a
// second more, so that the storefront, which runs on meanwhile, receives
// the registry's change before the inventory runs again and is registered
// anew. It keeps every event.
type leasePause struct {
	*system.System
	t       *testing.T
	etcdURL string
	events  chan tracer.Event

	mu  sync.Mutex
	all []tracer.Event
	// backAtSignal says whether etcd held the inventory's instance again
	// when the system got its signal: what the storefront could have seen.
	backAtSignal bool
	stop         tracer.Event // the last event that paused a service
	held         bool
	paused       time.Duration
	// pauseAt is the position of the stop the inventory was held at.
	pauseAt int
}

// holdInventory wraps sys in a leasePause; etcdURL is the system's etcd.
func holdInventory(t *testing.T, sys *system.System, etcdURL string) *leasePause {
	p := &leasePause{System: sys, t: t, etcdURL: etcdURL, events: make(chan tracer.Event)}
	go func() {
		defer close(p.events)
		for ev := range sys.Events() {
			p.mu.Lock()
			p.all = append(p.all, ev)
			if ev.Kind == tracer.KindStop {
				p.stop = ev
			}
			p.mu.Unlock()
			p.events <- ev
		}
	}()
	return p
}

// Events relays the system's events, kept.
func (p *leasePause) Events() <-chan tracer.Event { return p.events }

// Continue holds the inventory at the first stop of the request in it,
// then lets the paused service run. The first: the inventory's program
// halts there while the storefront's stops before it are shown, and a
// lease lost then would be lost outside the pause the test means; its
// registrar would register it again on its own meanwhile, at a time the
// test does not choose.
func (p *leasePause) Continue(ctx context.Context) error {
	p.mu.Lock()
	hold := !p.held && p.stop.Service == "inventory" && p.stop.Request != nil
	if hold {
		p.held, p.pauseAt = true, len(p.all)-1
	}
	p.mu.Unlock()
	if hold {
		start := time.Now()
		deadline := start.Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if _, ok := tracertest.EtcdKeys(p.t, p.etcdURL, inventoryKey)[inventoryKey]; !ok {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		// The storefront's watchers read the deletion and ask etcd for the
		// list, which must still be empty then.
		time.Sleep(time.Second)
		// etcd may drop the key up to a keep-alive interval (a third of
		// the lease) before the lease has run from the pause's start: the
		// trace says the lease was outlived once the pause is longer than
		// the lease itself, which this pause must be.
		if rest := inventoryLease + 500*time.Millisecond - time.Since(start); rest > 0 {
			time.Sleep(rest)
		}
		p.mu.Lock()
		p.paused = time.Since(start)
		p.mu.Unlock()
	}
	return p.System.Continue(ctx)
}

// inventoryLease is the inventory's registry lease in the lease tests.
const inventoryLease = 5 * time.Second

// Signal notes whether the inventory was registered again, then shuts the
// system down.
func (p *leasePause) Signal(ctx context.Context, sig os.Signal) error {
	_, back := tracertest.EtcdKeys(p.t, p.etcdURL, inventoryKey)[inventoryKey]
	p.mu.Lock()
	p.backAtSignal = back
	p.mu.Unlock()
	return p.System.Signal(ctx, sig)
}

// seen are the events relayed so far.
func (p *leasePause) seen() []tracer.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]tracer.Event(nil), p.all...)
}

// pause is where the inventory was held among the events, and for how
// long; 0 if it never was.
func (p *leasePause) pause() (at int, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pauseAt, p.paused
}

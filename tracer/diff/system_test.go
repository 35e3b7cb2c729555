package diff

import (
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// systemBoot is a system of the demo trace's services, each a copy of the
// demo trace changed by edits[service], their events interleaved as a
// system trace's are, after an event of the system itself.
func systemBoot(name string, services []string, edits map[string]func([]tracer.Event) []tracer.Event) Boot {
	var each [][]tracer.Event
	for _, svc := range services {
		evs := tracertest.DemoEvents()
		if edit := edits[svc]; edit != nil {
			evs = edit(evs)
		}
		for i := range evs {
			evs[i].Service = svc
		}
		each = append(each, evs)
	}
	out := []tracer.Event{{Kind: tracer.KindSession}}
	for i := 0; ; i++ {
		added := false
		for _, evs := range each {
			if i < len(evs) {
				out = append(out, evs[i])
				added = true
			}
		}
		if !added {
			break
		}
	}
	for i := range out {
		out[i].Seq = i + 1
	}
	return Boot{Name: name, Events: out}
}

func TestSameSystem(t *testing.T) {
	services := []string{"greeter", "gateway"}
	r := Compare(systemBoot("a", services, nil), systemBoot("b", services, nil), Options{})
	if r.Differs() || !r.Same {
		t.Fatalf("a system against itself differs: %+v", r.Sections)
	}
	// The services section, then the five sections of each service.
	if len(r.Sections) != 11 || r.Sections[0].ID != SectionServices {
		t.Fatalf("%d sections, first %s; want 11, services first", len(r.Sections), r.Sections[0].ID)
	}
	for _, svc := range services {
		for _, id := range []SectionID{SectionPhases, SectionBootstrap, SectionServers, SectionExit, SectionTimes} {
			if r.ServiceSection(svc, id) == nil {
				t.Errorf("no %s section for %s", id, svc)
			}
		}
	}
}

func TestSystemBootstrapChangeUnderItsService(t *testing.T) {
	services := []string{"greeter", "gateway"}
	b := systemBoot("b", services, map[string]func([]tracer.Event) []tracer.Event{
		"gateway": func(evs []tracer.Event) []tracer.Event {
			return setLeaf(t, evs, "data.redis.read_timeout", func(n *tracer.Node) { n.Value = "500ms" })
		},
	})
	r := Compare(systemBoot("a", services, nil), b, Options{})
	if !r.Differs() || r.Count() != 1 {
		t.Fatalf("%d differences, want 1: %+v", r.Count(), r.Sections)
	}
	for _, s := range r.Sections {
		if len(s.Changes) > 0 && (s.ID != SectionBootstrap || s.Service != "gateway") {
			t.Errorf("changes in %s of %q, want only gateway's bootstrap: %+v", s.ID, s.Service, s.Changes)
		}
	}
	c := r.ServiceSection("gateway", SectionBootstrap).Changes
	if len(c) != 1 || c[0].Op != Changed || c[0].Path != "data.redis.read_timeout" || c[0].After != "500ms" {
		t.Errorf("gateway's bootstrap changes %+v", c)
	}
}

func TestSystemServiceAddedAndRemovedOnce(t *testing.T) {
	a := systemBoot("a", []string{"greeter", "gateway"}, nil)
	b := systemBoot("b", []string{"greeter", "inventory"}, nil)
	r := Compare(a, b, Options{})
	changes := r.Sections[0].Changes
	if r.Sections[0].ID != SectionServices || len(changes) != 2 {
		t.Fatalf("services section %+v, want gateway removed and inventory added", r.Sections[0])
	}
	if c := changes[0]; c.Op != Removed || c.Path != "gateway" || c.Before != "exit status 0" {
		t.Errorf("first change %+v, want gateway removed, having exited with 0", c)
	}
	if c := changes[1]; c.Op != Added || c.Path != "inventory" || c.After != "exit status 0" {
		t.Errorf("second change %+v, want inventory added", c)
	}
	if r.Count() != 2 {
		t.Errorf("%d differences, want the 2 services only: %+v", r.Count(), r.Sections)
	}
	for _, s := range r.Sections[1:] {
		if s.Service != "greeter" {
			t.Errorf("section %s of %q: only the greeter is in both", s.ID, s.Service)
		}
	}
	// B still under way: a service A has that B has not started yet is
	// not reported as removed.
	if r := Compare(a, b, Options{Partial: true}); len(r.Sections[0].Changes) != 1 || r.Sections[0].Changes[0].Op != Added {
		t.Errorf("partial: services changes %+v, want inventory added only", r.Sections[0].Changes)
	}
}

func TestSingleServiceDiffHasNoServices(t *testing.T) {
	r := Compare(demoBoot(t, "a", nil), demoBoot(t, "b", nil), Options{})
	for _, s := range r.Sections {
		if s.ID == SectionServices || s.Service != "" {
			t.Errorf("single-service diff has section %s of %q", s.ID, s.Service)
		}
	}
}

// TestDiscoveryUpdateElsewhereIsNoDifference: a resolver's
// discovery.update comes when its goroutine gets to it, after one phase of
// the boot or another; that is not a difference, and a discovery.update
// one boot has not is.
func TestDiscoveryUpdateElsewhereIsNoDifference(t *testing.T) {
	at := func(after string) func([]tracer.Event) []tracer.Event {
		return func(evs []tracer.Event) []tracer.Event {
			i := indexOf(t, evs, after) + 1
			up := tracer.Event{Kind: tracer.KindPass, Phase: tracer.PhaseDiscoveryUpdate, Detail: "grpc discovery:///greeter", Elapsed: evs[i-1].Elapsed}
			return append(evs[:i:i], append([]tracer.Event{up}, evs[i:]...)...)
		}
	}
	a := demoBoot(t, "a", at("app.build-instance"))
	if r := Compare(a, demoBoot(t, "b", at("wire.provider data.NewGreeterRepo")), Options{NoTimes: true}); r.Differs() {
		t.Errorf("a discovery.update elsewhere differs: %+v", r.Sections)
	}
	changes := only(t, Compare(a, demoBoot(t, "b", nil), Options{NoTimes: true}), SectionPhases)
	if len(changes) != 1 || changes[0].Op != Removed || changes[0].Phase != tracer.PhaseDiscoveryUpdate {
		t.Errorf("a discovery.update B has not: %+v, want it removed", changes)
	}
}

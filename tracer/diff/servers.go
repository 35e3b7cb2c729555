package diff

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// serverView is what a boot's trace said about one server, its fields as
// last read (the endpoint is known from buildInstance on).
type serverView struct {
	key string
	srv tracer.Server
}

// serversOf collects the servers of a trace in the App's order. A server is
// known by its kind and its rank among the servers of that kind ("http",
// "http#2"), so that one on another address is the same server changed.
func serversOf(events []tracer.Event) []serverView {
	var out []serverView
	index := map[string]int{}
	for _, ev := range events {
		if len(ev.Servers) == 0 {
			continue
		}
		rank := map[string]int{}
		for _, s := range ev.Servers {
			rank[s.Kind]++
			key := s.Kind
			if rank[s.Kind] > 1 {
				key = fmt.Sprintf("%s#%d", s.Kind, rank[s.Kind])
			}
			i, ok := index[key]
			if !ok {
				i = len(out)
				index[key] = i
				out = append(out, serverView{key: key})
			}
			merge(&out[i].srv, s)
		}
	}
	return out
}

// merge takes what s says over what v holds, keeping the fields s leaves
// empty: a later stop may not have read them.
func merge(v *tracer.Server, s tracer.Server) {
	set := func(dst *string, src string) {
		if src != "" {
			*dst = src
		}
	}
	set(&v.Kind, s.Kind)
	set(&v.Type, s.Type)
	set(&v.Network, s.Network)
	set(&v.Address, s.Address)
	set(&v.Timeout, s.Timeout)
	set(&v.Endpoint, s.Endpoint)
	if s.Services != nil {
		v.Services = s.Services
	}
}

// serverSection compares the servers and the registered instance.
func serverSection(a, b *stream, partial bool) Section {
	s := Section{ID: SectionServers, Changes: []Change{}}
	sa, sb := serversOf(a.events), serversOf(b.events)
	inB := map[string]*tracer.Server{}
	for i := range sb {
		inB[sb[i].key] = &sb[i].srv
	}
	inA := map[string]bool{}
	for _, v := range sa {
		inA[v.key] = true
		nb := inB[v.key]
		if nb == nil {
			if !partial || len(sb) > 0 {
				s.Changes = append(s.Changes, Change{Op: Removed, Path: v.key, Before: describeServer(v.srv)})
			}
			continue
		}
		s.Changes = append(s.Changes, compareServer(v.key, v.srv, *nb, partial)...)
	}
	for _, v := range sb {
		if !inA[v.key] {
			s.Changes = append(s.Changes, Change{Op: Added, Path: v.key, After: describeServer(v.srv)})
		}
	}
	changes, notes := compareInstance(a, b, partial)
	s.Changes = append(s.Changes, changes...)
	s.Notes = append(s.Notes, notes...)
	return s
}

// describeServer sums a server up on one line, for one added or removed.
func describeServer(s tracer.Server) string {
	parts := []string{}
	for _, f := range []struct{ name, v string }{{"", s.Network}, {"", s.Address}, {"timeout ", s.Timeout}, {"endpoint ", s.Endpoint}} {
		if f.v != "" {
			parts = append(parts, f.name+f.v)
		}
	}
	if len(s.Services) > 0 {
		parts = append(parts, "services "+strings.Join(sorted(s.Services), ", "))
	}
	return strings.Join(parts, " ")
}

func compareServer(key string, a, b tracer.Server, partial bool) []Change {
	var out []Change
	for _, f := range []struct{ name, a, b string }{
		{"network", a.Network, b.Network},
		{"address", a.Address, b.Address},
		{"timeout", a.Timeout, b.Timeout},
		{"endpoint", a.Endpoint, b.Endpoint},
	} {
		if f.a == f.b || (partial && f.b == "") {
			continue
		}
		out = append(out, Change{Op: Changed, Path: key + "." + f.name, Before: f.a, After: f.b})
	}
	if !(partial && b.Services == nil) {
		out = append(out, compareSets(key+".services", a.Services, b.Services)...)
	}
	return out
}

// compareSets reports the elements one list has and the other has not, in
// sorted order; the order of services and endpoints is not meaningful.
func compareSets(path string, a, b []string) []Change {
	var out []Change
	inA, inB := setOf(a), setOf(b)
	for _, v := range sorted(a) {
		if !inB[v] {
			out = append(out, Change{Op: Removed, Path: path, Before: v})
		}
	}
	for _, v := range sorted(b) {
		if !inA[v] {
			out = append(out, Change{Op: Added, Path: path, After: v})
		}
	}
	return out
}

func setOf(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// uuidLike matches a UUID, which kratos makes the instance's ID when the
// App is given no kratos.ID: a new one every boot.
var uuidLike = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// instanceOf returns the last instance the trace registered, and its
// registrar.
func instanceOf(events []tracer.Event) (*tracer.ServiceInstance, string) {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Instance != nil && events[i].Phase != tracer.PhaseDeregister {
			return events[i].Instance, events[i].Registrar
		}
	}
	return nil, ""
}

// compareInstance compares the ServiceInstance registered at app.register.
func compareInstance(a, b *stream, partial bool) ([]Change, []string) {
	ia, ra := instanceOf(a.events)
	ib, rb := instanceOf(b.events)
	switch {
	case ia == nil && ib == nil:
		return nil, nil
	case ib == nil && partial && b.reached(tracer.PhaseRegister) == nil:
		return nil, nil
	case ia == nil:
		return []Change{{Op: Added, Path: "instance", After: describeInstance(ib, rb)}}, nil
	case ib == nil:
		return []Change{{Op: Removed, Path: "instance", Before: describeInstance(ia, ra)}}, nil
	}
	var out []Change
	var notes []string
	field := func(name, x, y string) {
		if x != y {
			out = append(out, Change{Op: Changed, Path: "instance." + name, Before: x, After: y})
		}
	}
	field("registrar", ra, rb)
	if uuidLike.MatchString(ia.ID) && uuidLike.MatchString(ib.ID) {
		if ia.ID != ib.ID {
			notes = append(notes, "instance.id not compared: both are UUIDs, which kratos makes anew at every boot when the App is given no kratos.ID")
		}
	} else {
		field("id", ia.ID, ib.ID)
	}
	field("name", ia.Name, ib.Name)
	field("version", ia.Version, ib.Version)
	out = append(out, compareSets("instance.endpoints", ia.Endpoints, ib.Endpoints)...)
	keys := slices.Sorted(maps.Keys(ia.Metadata))
	for _, k := range slices.Sorted(maps.Keys(ib.Metadata)) {
		if _, ok := ia.Metadata[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		x, okA := ia.Metadata[k]
		y, okB := ib.Metadata[k]
		path := "instance.metadata." + k
		switch {
		case !okB:
			out = append(out, Change{Op: Removed, Path: path, Before: x})
		case !okA:
			out = append(out, Change{Op: Added, Path: path, After: y})
		case x != y:
			out = append(out, Change{Op: Changed, Path: path, Before: x, After: y})
		}
	}
	return out, notes
}

func describeInstance(in *tracer.ServiceInstance, registrar string) string {
	s := in.Name
	if in.Version != "" {
		s += " " + in.Version
	}
	if registrar != "" {
		s += " with " + registrar
	}
	if len(in.Endpoints) > 0 {
		s += " at " + strings.Join(sorted(in.Endpoints), ", ")
	}
	return strings.TrimSpace(s)
}

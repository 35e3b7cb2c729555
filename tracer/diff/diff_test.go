package diff

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// demoBoot is the demo trace of tracertest as a boot, changed by edit.
func demoBoot(t testing.TB, name string, edit func([]tracer.Event) []tracer.Event) Boot {
	t.Helper()
	events := tracertest.DemoEvents()
	if edit != nil {
		events = edit(events)
	}
	return Boot{Name: name, Events: events}
}

// indexOf finds the phase event with label.
func indexOf(t testing.TB, events []tracer.Event, label string) int {
	t.Helper()
	for i, ev := range events {
		if ev.IsPhase() && ev.Label() == label {
			return i
		}
	}
	t.Fatalf("no phase %s in the demo trace", label)
	return -1
}

// only checks that the result's changes are all in section id, and
// returns them.
func only(t *testing.T, r *Result, id SectionID) []Change {
	t.Helper()
	for _, s := range r.Sections {
		if s.ID != id && len(s.Changes) > 0 {
			t.Errorf("section %s has changes, want only %s: %+v", s.ID, id, s.Changes)
		}
	}
	s := r.Section(id)
	if s == nil {
		t.Fatalf("no section %s", id)
	}
	return s.Changes
}

func TestSameBoot(t *testing.T) {
	a := demoBoot(t, "a", nil)
	r := Compare(a, demoBoot(t, "b", nil), Options{})
	if r.Differs() || !r.Same {
		t.Fatalf("the demo against itself differs: %+v", r.Sections)
	}
	if got := len(r.Sections); got != 5 {
		t.Errorf("%d sections, want 5", got)
	}
	if r.Section(SectionTimes) == nil || len(r.Section(SectionTimes).Notes) != 2 {
		t.Errorf("times section lacks its boot and shutdown totals: %+v", r.Section(SectionTimes))
	}
	if r := Compare(a, a, Options{NoTimes: true}); r.Section(SectionTimes) != nil || r.Threshold != nil {
		t.Errorf("NoTimes left the times section in")
	}
}

func TestReorderedProvidersOnce(t *testing.T) {
	b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		i := indexOf(t, evs, "wire.provider data.NewGreeterRepo")
		j := indexOf(t, evs, "wire.provider biz.NewGreeterUsecase")
		evs[i], evs[j] = evs[j], evs[i]
		return evs
	})
	changes := only(t, Compare(demoBoot(t, "a", nil), b, Options{}), SectionPhases)
	if len(changes) != 1 {
		t.Fatalf("%d phase changes, want 1 (one move): %+v", len(changes), changes)
	}
	c := changes[0]
	if c.Op != Moved || c.Phase != tracer.PhaseWireProvider {
		t.Errorf("change %+v, want a moved provider", c)
	}
	if !strings.HasPrefix(c.Before, "after ") || !strings.HasPrefix(c.After, "after ") || c.Before == c.After {
		t.Errorf("a move says where it was and where it is: %+v", c)
	}
}

func TestConcurrentServersInAnotherOrderAreTheSame(t *testing.T) {
	b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		i := indexOf(t, evs, "server.start grpc 127.0.0.1:9000")
		j := indexOf(t, evs, "server.start http 127.0.0.1:8000")
		evs[i], evs[j] = evs[j], evs[i]
		return evs
	})
	if r := Compare(demoBoot(t, "a", nil), b, Options{}); r.Differs() {
		t.Errorf("servers started in the other order differ: %+v", r.Sections)
	}
}

// addServer gives every event that holds the servers a third one, and the
// trace the phases that server brings: its provider, start and stop.
func addServer(t testing.TB, evs []tracer.Event) []tracer.Event {
	ws := tracer.Server{Kind: "websocket", Type: "*ws.Server", Network: "tcp", Address: "127.0.0.1:7000", Timeout: "1s", State: tracer.ServerCreated}
	for i := range evs {
		if len(evs[i].Servers) > 0 {
			evs[i].Servers = append(slices.Clone(evs[i].Servers), ws)
		}
	}
	insertAfter := func(label string, ev tracer.Event) {
		i := indexOf(t, evs, label)
		evs = slices.Insert(evs, i+1, ev)
	}
	provider := evs[indexOf(t, evs, "wire.provider server.NewHTTPServer")]
	provider.Detail, provider.Servers = "server.NewWebsocketServer", nil
	insertAfter("wire.provider server.NewHTTPServer", provider)
	start := evs[indexOf(t, evs, "server.start http 127.0.0.1:8000")]
	start.Detail = "websocket 127.0.0.1:7000"
	insertAfter("server.start http 127.0.0.1:8000", start)
	stop := evs[indexOf(t, evs, "server.stop http 127.0.0.1:8000")]
	stop.Detail = "websocket 127.0.0.1:7000"
	insertAfter("server.stop http 127.0.0.1:8000", stop)
	return evs
}

func TestAddedServerOnce(t *testing.T) {
	b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event { return addServer(t, evs) })
	r := Compare(demoBoot(t, "a", nil), b, Options{})
	servers := r.Section(SectionServers).Changes
	if len(servers) != 1 || servers[0].Op != Added || servers[0].Path != "websocket" || !strings.Contains(servers[0].After, "127.0.0.1:7000") {
		t.Fatalf("servers section %+v, want the websocket server added once", servers)
	}
	// Its phases are new phases, each once.
	var added []string
	for _, c := range r.Section(SectionPhases).Changes {
		if c.Op != Added {
			t.Errorf("phase change %+v, want only additions", c)
		}
		added = append(added, c.Path)
	}
	want := []string{"wire.provider server.NewWebsocketServer", "server.start websocket 127.0.0.1:7000", "server.stop websocket 127.0.0.1:7000"}
	if !slices.Equal(added, want) {
		t.Errorf("added phases %q, want %q", added, want)
	}
}

func TestServerOnAnotherAddress(t *testing.T) {
	b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		for i := range evs {
			for j := range evs[i].Servers {
				if evs[i].Servers[j].Kind == "http" {
					s := slices.Clone(evs[i].Servers)
					s[j].Address = "127.0.0.1:8081"
					evs[i].Servers = s
				}
			}
			evs[i].Detail = strings.Replace(evs[i].Detail, "127.0.0.1:8000", "127.0.0.1:8081", 1)
		}
		return evs
	})
	changes := only(t, Compare(demoBoot(t, "a", nil), b, Options{}), SectionServers)
	if len(changes) != 1 || changes[0].Path != "http.address" || changes[0].Before != "127.0.0.1:8000" || changes[0].After != "127.0.0.1:8081" {
		t.Errorf("changes %+v, want http.address 127.0.0.1:8000 → 127.0.0.1:8081 alone", changes)
	}
}

func TestRemovedPhaseOnce(t *testing.T) {
	b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		i := indexOf(t, evs, "app.after-start")
		return slices.Delete(evs, i, i+1)
	})
	changes := only(t, Compare(demoBoot(t, "a", nil), b, Options{}), SectionPhases)
	if len(changes) != 1 || changes[0].Op != Removed || changes[0].Path != "app.after-start" || changes[0].Before != "after app.register" {
		t.Fatalf("changes %+v, want app.after-start removed once", changes)
	}
}

// slowDown makes the phase with label take d longer, and every later
// event happen d later.
func slowDown(t testing.TB, evs []tracer.Event, label string, d time.Duration) []tracer.Event {
	i := indexOf(t, evs, label)
	evs[i].SincePrev += tracer.Duration(d)
	for j := i; j < len(evs); j++ {
		if evs[j].IsPhase() {
			evs[j].Elapsed += tracer.Duration(d)
		}
	}
	return evs
}

func TestSlowerPhaseOnce(t *testing.T) {
	const label = "wire.provider data.NewGreeterRepo" // 3.127ms in the demo
	b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event { return slowDown(t, evs, label, 7*time.Millisecond) })
	r := Compare(demoBoot(t, "a", nil), b, Options{})
	changes := only(t, r, SectionTimes)
	if len(changes) != 1 || changes[0].Path != label || changes[0].Before != "3.127ms" || changes[0].After != "10.127ms" {
		t.Fatalf("times %+v, want %s 3.127ms → 10.127ms alone", changes, label)
	}
	if c := r.TimeChange(tracer.PhaseWireProvider, "data.NewGreeterRepo"); c == nil || c.Ratio < 3.2 || c.Ratio > 3.3 {
		t.Errorf("TimeChange = %+v, want the change with a ratio of 3.24", c)
	}
	// Shown, yet noise unless asked for.
	if r.Differs() || !r.Same || r.Count() != 0 {
		t.Errorf("a slower phase counts without CountTimes: differs %v, count %d", r.Differs(), r.Count())
	}
	if r := Compare(demoBoot(t, "a", nil), b, Options{CountTimes: true}); !r.Differs() || r.Same || r.Count() != 1 || !r.TimesCount {
		t.Errorf("with CountTimes the slower phase does not count: differs %v, count %d", r.Differs(), r.Count())
	}
	notes := strings.Join(r.Section(SectionTimes).Notes, "\n")
	if !strings.Contains(notes, "boot (launch → app.running): 25.552ms → 32.552ms") {
		t.Errorf("times notes lack the boot's total:\n%s", notes)
	}
	// A phase three times slower by less than 5 ms is noise; 3 ms more on
	// 3 ms is beyond ×1.5 only, 300 ms more on app.stop's wait is no phase.
	for _, tt := range []struct {
		label string
		d     time.Duration
	}{
		{"wire.provider biz.NewGreeterUsecase", 400 * time.Microsecond},
		{"wire.provider data.NewGreeterRepo", 3 * time.Millisecond},
		{"app.stop", 300 * time.Millisecond},
	} {
		b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event { return slowDown(t, evs, tt.label, tt.d) })
		if r := Compare(demoBoot(t, "a", nil), b, Options{CountTimes: true}); r.Differs() {
			t.Errorf("%s %s slower is reported: %+v", tt.label, tt.d, r.Section(SectionTimes).Changes)
		}
	}
	// A lower threshold sees the 3 ms; NoTimes sees nothing.
	b = demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event { return slowDown(t, evs, label, 3*time.Millisecond) })
	th, err := ParseThreshold("1.5x+1ms")
	if err != nil {
		t.Fatal(err)
	}
	if r := Compare(demoBoot(t, "a", nil), b, Options{Threshold: th}); len(r.Section(SectionTimes).Changes) != 1 {
		t.Errorf("threshold %s misses 3.127ms → 6.127ms", th)
	}
	b = demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event { return slowDown(t, evs, label, time.Second) })
	if r := Compare(demoBoot(t, "a", nil), b, Options{NoTimes: true, CountTimes: true}); r.Differs() {
		t.Errorf("NoTimes reports %+v", r.Sections)
	}
}

func TestParseThreshold(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Threshold
		err  string
	}{
		{in: "2x", want: Threshold{2, 5 * time.Millisecond}},
		{in: "10ms", want: Threshold{1.5, 10 * time.Millisecond}},
		{in: "2x+10ms", want: Threshold{2, 10 * time.Millisecond}},
		{in: "3X, 1s", want: Threshold{3, time.Second}},
		{in: "", err: "empty"},
		{in: "0.5x", err: "bad factor"},
		{in: "fast", err: "bad part"},
		{in: "2x+3x", err: "bad factor"},
	} {
		got, err := ParseThreshold(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseThreshold(%q) error %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("ParseThreshold(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if s := DefaultThreshold().String(); s != "1.5x+5ms" {
		t.Errorf("default threshold %q", s)
	}
}

// setLeaf sets the Bootstrap leaf at path in every event that holds the
// Bootstrap.
func setLeaf(t testing.TB, evs []tracer.Event, path string, set func(*tracer.Node)) []tracer.Event {
	t.Helper()
	found := false
	for i := range evs {
		if evs[i].Bootstrap == nil {
			continue
		}
		b := clone(evs[i].Bootstrap)
		if n := b.Lookup(path); n != nil {
			set(n)
			found = true
		}
		evs[i].Bootstrap = b
	}
	if !found {
		t.Fatalf("no leaf %s", path)
	}
	return evs
}

func clone(n *tracer.Node) *tracer.Node {
	data, _ := json.Marshal(n)
	var out tracer.Node
	json.Unmarshal(data, &out)
	return &out
}

func TestBootstrapLeaves(t *testing.T) {
	a := demoBoot(t, "a", nil)
	b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		evs = setLeaf(t, evs, "data.redis.read_timeout", func(n *tracer.Node) { n.Value = "500ms" })
		evs = setLeaf(t, evs, "data.database", func(n *tracer.Node) {
			n.Children = slices.DeleteFunc(n.Children, func(c *tracer.Node) bool { return c.Name == "source" })
			n.Children = append(n.Children, &tracer.Node{Name: "max_idle", Type: "int32", Value: "10"})
		})
		return evs
	})
	r := Compare(a, b, Options{})
	changes := only(t, r, SectionBootstrap)
	got := map[string]Change{}
	for _, c := range changes {
		got[c.Path] = c
	}
	want := map[string]Change{
		"data.redis.read_timeout": {Op: Changed, Path: "data.redis.read_timeout", Before: "0.2s", After: "500ms"},
		"data.database.source":    {Op: Removed, Path: "data.database.source", Before: "kratos-trace-demo.db"},
		"data.database.max_idle":  {Op: Added, Path: "data.database.max_idle", After: "10"},
	}
	if len(changes) != len(want) {
		t.Errorf("%d changes, want %d: %+v", len(changes), len(want), changes)
	}
	for p, w := range want {
		if g := got[p]; g.Op != w.Op || g.Before != w.Before || g.After != w.After {
			t.Errorf("%s: %+v, want %+v", p, g, w)
		}
	}
	// In tree order: the removed source where it was, before max_idle.
	var order []string
	for _, c := range changes {
		order = append(order, c.Path)
	}
	if !slices.Equal(order, []string{"data.database.source", "data.database.max_idle", "data.redis.read_timeout"}) {
		t.Errorf("order %q", order)
	}
	if r.LeafChange("data.redis.read_timeout") == nil || r.LeafChange("data.redis.addr") != nil {
		t.Errorf("LeafChange does not find the changed leaf alone")
	}
}

func TestOrigins(t *testing.T) {
	file := &tracer.Origin{Kind: tracer.OriginFile, Source: "configs/config.yaml", Line: 12, Key: "data.redis.addr"}
	moved := *file
	moved.Line = 14
	env := &tracer.Origin{Kind: tracer.OriginEnv, Source: "APP_", Key: "APP_DATA_REDIS_ADDR"}
	withOrigin := func(o *tracer.Origin) Boot {
		return demoBoot(t, "x", func(evs []tracer.Event) []tracer.Event {
			return setLeaf(t, evs, "data.redis.addr", func(n *tracer.Node) { n.Origin = o })
		})
	}
	for _, tt := range []struct {
		name string
		a, b *tracer.Origin
		want int
	}{
		{"same file", file, file, 0},
		{"a line above", file, &moved, 0},
		{"file to env", file, env, 1},
		{"origin known on one side only", file, nil, 0},
	} {
		r := Compare(withOrigin(tt.a), withOrigin(tt.b), Options{})
		changes := only(t, r, SectionBootstrap)
		if len(changes) != tt.want {
			t.Errorf("%s: %d changes, want %d: %+v", tt.name, len(changes), tt.want, changes)
			continue
		}
		if tt.want == 1 && (changes[0].Op != Moved || changes[0].BeforeOrigin != tt.a || changes[0].AfterOrigin != tt.b) {
			t.Errorf("%s: the change lacks the origins: %+v", tt.name, changes[0])
		}
	}
	if got := FormatOrigin(file); got != "configs/config.yaml:12" {
		t.Errorf("FormatOrigin(file) = %q", got)
	}
	if got := FormatOrigin(env); got != "env APP_DATA_REDIS_ADDR" {
		t.Errorf("FormatOrigin(env) = %q", got)
	}
}

func TestMaskedValuesByHash(t *testing.T) {
	key := redact.NewHashKey([]byte("a team's key, long enough"))
	other := redact.NewHashKey([]byte("somebody else's key, long"))
	// masked records the demo with data.database.source set to a DSN
	// holding password, as the Recorder writes it.
	masked := func(password string, k *redact.HashKey) Boot {
		evs := setLeaf(t, tracertest.DemoEvents(), "data.database.source", func(n *tracer.Node) {
			n.Value = "app:" + password + "@tcp(127.0.0.1:3306)/shop"
		})
		for i := range evs {
			evs[i] = redact.EventHashed(evs[i], k)
		}
		return Boot{Name: "recording", Events: evs, Redacted: true, HashKey: k.ID()}
	}
	evs := masked("s3cret", key).Events
	if n := evs[indexOf(t, evs, "config.scan")].Bootstrap.Lookup("data.database.source"); n.Value != "app:****@tcp(127.0.0.1:3306)/shop" || n.Hash == "" {
		t.Fatalf("the recorded leaf is %+v, want it masked with a hash", n)
	}
	if r := Compare(masked("s3cret", key), masked("s3cret", key), Options{}); r.Differs() {
		t.Errorf("the same secret differs: %+v", r.Sections)
	}
	r := Compare(masked("s3cret", key), masked("n3wS3cret", key), Options{})
	changes := only(t, r, SectionBootstrap)
	if len(changes) != 1 || !changes[0].Masked || changes[0].Path != "data.database.source" || changes[0].Before != changes[0].After {
		t.Fatalf("changes %+v, want the masked source changed, shown masked", changes)
	}
	out, _ := json.Marshal(r)
	for _, secret := range []string{"s3cret", "n3wS3cret"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("the result holds the secret %q: %s", secret, out)
		}
	}
	// The same secret from another file: the same hash, so no value
	// changed; the leaf moved.
	elsewhere := func(b Boot) Boot {
		b.Events = setLeaf(t, b.Events, "data.database.source", func(n *tracer.Node) {
			n.Origin = &tracer.Origin{Kind: tracer.OriginFile, Source: "configs/db.yaml", Line: 2, Key: "data.database.source"}
		})
		return b
	}
	r = Compare(masked("s3cret", key), elsewhere(masked("s3cret", key)), Options{})
	if changes := only(t, r, SectionBootstrap); len(changes) != 1 || changes[0].Op != Moved || changes[0].AfterOrigin == nil || changes[0].AfterOrigin.Source != "configs/db.yaml" {
		t.Errorf("the same secret from another file: %+v, want one move", changes)
	}
	// The masked text alone is never compared when both have hashes: the
	// same visible part with other hashes differs, and another visible
	// part with the same hash does not.
	sameText := masked("n3wS3cret", key)
	sameText.Events = setLeaf(t, sameText.Events, "data.database.source", func(n *tracer.Node) { n.Value = "app:****@tcp(10.0.0.1:3306)/shop" })
	if r := Compare(masked("n3wS3cret", key), sameText, Options{}); r.Differs() {
		t.Errorf("masked text compared beside equal hashes: %+v", r.Section(SectionBootstrap).Changes)
	}
	// Under other keys the hashes mean nothing to each other.
	r = Compare(masked("s3cret", key), masked("n3wS3cret", other), Options{})
	if r.Differs() {
		t.Errorf("hashes under two keys were compared: %+v", r.Sections)
	}
	if notes := strings.Join(r.Section(SectionBootstrap).Notes, " "); !strings.Contains(notes, "different keys") || !strings.Contains(notes, "KRATOS_TRACE_HASH_KEY") {
		t.Errorf("no note on the keys: %q", notes)
	}
}

func TestSkippedPhase(t *testing.T) {
	b := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		i := indexOf(t, evs, "app.register")
		evs[i].Skipped, evs[i].Reason, evs[i].Kind = false, "", tracer.KindStop
		return evs
	})
	changes := only(t, Compare(demoBoot(t, "a", nil), b, Options{}), SectionPhases)
	if len(changes) != 1 || changes[0].Op != Changed || !strings.HasPrefix(changes[0].Before, "skipped: ") || changes[0].After != "reached" {
		t.Errorf("changes %+v, want app.register skipped → reached", changes)
	}
}

func TestExitAndPartial(t *testing.T) {
	failed := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		code := 1
		evs[len(evs)-1].ExitCode = &code
		return evs
	})
	changes := only(t, Compare(demoBoot(t, "a", nil), failed, Options{}), SectionExit)
	if len(changes) != 1 || changes[0].Before != "exit status 0" || changes[0].After != "exit status 1" {
		t.Errorf("changes %+v, want exit status 0 → 1", changes)
	}
	// A boot at app.running: complete, it lacks the shutdown; partial, it
	// is the same so far.
	running := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		return evs[:indexOf(t, evs, "app.running")+1]
	})
	full := Compare(demoBoot(t, "a", nil), running, Options{})
	if n := len(full.Section(SectionPhases).Changes); n != 7 {
		t.Errorf("%d phases removed, want the 7 of the shutdown (app.stop, app.before-stop, app.deregister, two server.stop, app.after-stop, exit)", n)
	}
	if c := full.Section(SectionExit).Changes; len(c) != 1 || c[0].After != "ends at app.running, before the exit" {
		t.Errorf("exit %+v", c)
	}
	if r := Compare(demoBoot(t, "a", nil), running, Options{Partial: true}); r.Differs() || !r.Partial {
		t.Errorf("a partial boot differs: %+v", r.Sections)
	}
	// Partial still sees what differs up to where B got.
	early := demoBoot(t, "b", func(evs []tracer.Event) []tracer.Event {
		evs = evs[:indexOf(t, evs, "wire.done wireApp")+1]
		i := indexOf(t, evs, "wire.provider biz.NewGreeterUsecase")
		return slices.Delete(evs, i, i+1)
	})
	changes = only(t, Compare(demoBoot(t, "a", nil), early, Options{Partial: true}), SectionPhases)
	if len(changes) != 1 || changes[0].Op != Removed {
		t.Errorf("partial changes %+v, want the removed provider alone", changes)
	}
}

func TestInstance(t *testing.T) {
	withInstance := func(id, version string) Boot {
		return demoBoot(t, "x", func(evs []tracer.Event) []tracer.Event {
			i := indexOf(t, evs, "app.register")
			evs[i].Skipped, evs[i].Reason, evs[i].Kind = false, "", tracer.KindStop
			evs[i].Registrar = "etcd"
			evs[i].Instance = &tracer.ServiceInstance{ID: id, Name: "greeter", Version: version,
				Endpoints: []string{"http://127.0.0.1:8000", "grpc://127.0.0.1:9000"}, Metadata: map[string]string{"zone": "a"}}
			return evs
		})
	}
	uuidA, uuidB := "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "7ba7b810-9dad-11d1-80b4-00c04fd430c8"
	r := Compare(withInstance(uuidA, "v1"), withInstance(uuidB, "v2"), Options{})
	changes := only(t, r, SectionServers)
	if len(changes) != 1 || changes[0].Path != "instance.version" {
		t.Errorf("changes %+v, want instance.version alone (the UUIDs are made anew each boot)", changes)
	}
	if !strings.Contains(strings.Join(r.Section(SectionServers).Notes, ""), "UUID") {
		t.Errorf("no note on the UUIDs")
	}
	if c := only(t, Compare(withInstance("host-a", "v1"), withInstance("host-b", "v1"), Options{}), SectionServers); len(c) != 1 || c[0].Path != "instance.id" {
		t.Errorf("changes %+v, want instance.id", c)
	}
	r = Compare(demoBoot(t, "a", nil), withInstance("host-a", "v1"), Options{})
	if c := r.Section(SectionServers).Changes; len(c) != 1 || c[0].Op != Added || c[0].Path != "instance" {
		t.Errorf("changes %+v, want the instance added", c)
	}
}

func TestJSONDocument(t *testing.T) {
	b := demoBoot(t, "b.jsonl", func(evs []tracer.Event) []tracer.Event {
		return setLeaf(t, evs, "server.http.timeout", func(n *tracer.Node) { n.Value = "2s" })
	})
	out, err := json.Marshal(Compare(demoBoot(t, "a.jsonl", nil), b, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		A, B     string
		Same     bool
		Sections []struct {
			Section string
			Changes []struct{ Op, Path, Before, After string }
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.A != "a.jsonl" || doc.B != "b.jsonl" || doc.Same || len(doc.Sections) != 5 || doc.Sections[1].Section != "bootstrap" {
		t.Fatalf("document %s", out)
	}
	c := doc.Sections[1].Changes
	if len(c) != 1 || c[0].Path != "server.http.timeout" || c[0].Before != "1s" || c[0].After != "2s" || c[0].Op != "changed" {
		t.Errorf("bootstrap changes %+v", c)
	}
}

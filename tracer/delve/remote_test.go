package delve

import (
	"context"
	"errors"
	"net"
	"net/rpc"
	"net/rpc/jsonrpc"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestPathMap(t *testing.T) {
	m := pathMap{rules: [][2]string{{"/app", "/home/me/greeter"}, {"/go/pkg/mod", "/home/me/go/pkg/mod"}}}
	tests := []struct{ remote, local string }{
		{"/app/cmd/server/main.go", "/home/me/greeter/cmd/server/main.go"},
		{"/app", "/home/me/greeter"},
		{"/application/main.go", "/application/main.go"}, // not a path boundary
		{"/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2/app.go", "/home/me/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2/app.go"},
		{"/usr/local/go/src/flag/flag.go", "/usr/local/go/src/flag/flag.go"},
	}
	for _, tt := range tests {
		if got := m.toLocal(tt.remote); got != tt.local {
			t.Errorf("toLocal(%s) = %s, want %s", tt.remote, got, tt.local)
		}
		if got := m.toRemote(tt.local); got != tt.remote && tt.remote != "/application/main.go" {
			t.Errorf("toRemote(%s) = %s, want %s", tt.local, got, tt.remote)
		}
	}
	// A rule kratos-trace adds is tried before the user's.
	m = m.withRule("/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2", "/cache/kratos")
	if got := m.toLocal("/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2/app.go"); got != "/cache/kratos/app.go" {
		t.Errorf("with the Kratos rule: %s", got)
	}
	if got := (pathMap{}).toLocal("/app/x.go"); got != "/app/x.go" {
		t.Errorf("no rules: %s", got)
	}
}

func TestParseSubstitutePath(t *testing.T) {
	dir := t.TempDir()
	rule, err := ParseSubstitutePath("/app=" + dir)
	if err != nil || rule != [2]string{"/app", dir} {
		t.Errorf("got %v, %v", rule, err)
	}
	for _, bad := range []string{"/app", "=" + dir, "/app=", "/app=/no/such/dir"} {
		var ue *UserError
		if _, err := ParseSubstitutePath(bad); !errors.As(err, &ue) || ue.Hint == "" {
			t.Errorf("%q: want a UserError with a hint, got %v", bad, err)
		}
	}
}

func TestParseModinfo(t *testing.T) {
	// As Delve reports runtime.modinfo: the linker's binary markers come
	// through JSON as replacement characters.
	raw := "0w\ufffd\ufffd\x0c\ufffdt\x08\x02A\ufffd\ufffd\x07\ufffd\ufffd\ufffdpath\tgithub.com/acme/greeter/cmd/server\n" +
		"mod\tgithub.com/acme/greeter\t(devel)\t\n" +
		"dep\tgithub.com/go-kratos/kratos/v2\tv2.9.2\th1:abc=\n" +
		"dep\tgolang.org/x/sys\tv0.49.0\th1:def=\n" +
		"build\t-gcflags=\"all=-N -l\"\n" +
		"build\tbroken=\"\n" +
		"\ufffd2C1\ufffd\x18 r\x00\ufffdB\x10A\x16\ufffd\ufffd"
	info, ok := parseModinfo(raw)
	if !ok {
		t.Fatal("not parsed")
	}
	if info.Path != "github.com/acme/greeter/cmd/server" || info.Main.Path != "github.com/acme/greeter" {
		t.Errorf("path %q, main %q", info.Path, info.Main.Path)
	}
	if len(info.Deps) != 2 || info.Deps[0].Path != KratosModule || info.Deps[0].Version != "v2.9.2" {
		t.Errorf("deps %+v", info.Deps)
	}
	if _, ok := parseModinfo(""); ok {
		t.Error("an empty modinfo parsed")
	}
	if v := versionInPath("/root/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.8.4/app.go"); v != "v2.8.4" {
		t.Errorf("versionInPath = %q", v)
	}
	prog := remoteProgram{mainPath: "github.com/acme/greeter/cmd/server", mainModule: "github.com/acme/greeter"}
	if root := moduleRoot("/app/cmd/server", prog); root != "/app" {
		t.Errorf("moduleRoot = %q", root)
	}
}

// TestPlanWithoutSource is the plan of a program built elsewhere whose own
// source and Kratos source are not available here: function names only,
// each missing part said once.
func TestPlanWithoutSource(t *testing.T) {
	plan, notes := planFrom(planSources{
		mainMissing:   "main is not here",
		injector:      "wireApp",
		kratosLinked:  true,
		kratosMissing: "kratos is not here",
	})
	avail := map[tracer.PhaseID]bool{}
	for _, e := range plan {
		if e.Unavailable == "" {
			avail[e.Phase] = true
			if e.Function == "" {
				t.Errorf("%s is available without a function", e.Phase)
			}
		} else if !strings.Contains(e.Unavailable, "app.go, which is not available here") {
			t.Errorf("%s unavailable: %s", e.Phase, e.Unavailable)
		}
	}
	for _, p := range []tracer.PhaseID{tracer.PhaseFlagParse, tracer.PhaseConfigLoad, tracer.PhaseConfigScan, tracer.PhaseWire, tracer.PhaseAppRun, tracer.PhaseBuildInstance, tracer.PhaseStop} {
		if !avail[p] {
			t.Errorf("%s is not available", p)
		}
	}
	for _, p := range []tracer.PhaseID{tracer.PhaseWireDone, tracer.PhaseRunning, tracer.PhaseServerStart} {
		if avail[p] {
			t.Errorf("%s is available without source", p)
		}
	}
	if strings.Join(notes, "|") != "main is not here|kratos is not here" {
		t.Errorf("notes = %q", notes)
	}
	// The same with the source here is the full plan.
	full, _ := planPhases(demoDir+"/cmd/server", kratosSource(t, "v2.9.2"))
	if len(full) <= len(plan) {
		t.Errorf("the full plan has %d phases, the one without source %d", len(full), len(plan))
	}
}

func TestAttachSourceSaysWhatIsMissing(t *testing.T) {
	s := newSession(Config{})
	s.remote = &remoteState{}
	s.sources.paths = pathMap{rules: [][2]string{{"/app", t.TempDir()}}}
	ev := tracer.Event{File: "/app/cmd/server/main.go", Line: 3}
	s.attachSource(&ev)
	if ev.Source != nil || !strings.Contains(ev.SourceMissing, "/app/cmd/server/main.go is not available here (mapped to ") {
		t.Errorf("mapped but missing: %q", ev.SourceMissing)
	}
	ev = tracer.Event{File: "/srv/main.go", Line: 3}
	s.attachSource(&ev)
	if !strings.Contains(ev.SourceMissing, "--substitute-path") {
		t.Errorf("unmapped: %q", ev.SourceMissing)
	}
	repo, _ := filepath.Abs(filepath.Join(demoDir, ".."))
	s.sources.paths = pathMap{rules: [][2]string{{"/app", repo}}}
	ev = tracer.Event{File: "/app/demo/cmd/server/main.go", Line: 3}
	s.attachSource(&ev)
	if ev.Source == nil || ev.SourceMissing != "" {
		t.Errorf("mapped and present: source %v, missing %q", ev.Source, ev.SourceMissing)
	}
}

// fakeDelveV1 answers like a Delve server that speaks only API v1.
type fakeDelveV1 struct{}

func (fakeDelveV1) SetApiVersion(in api.SetAPIVersionIn, out *api.SetAPIVersionOut) error {
	return errors.New("unknown API version")
}

func (fakeDelveV1) GetVersion(in api.GetVersionIn, out *api.GetVersionOut) error {
	out.DelveVersion, out.APIVersion = "Version: 1.0.0", 1
	return nil
}

// serve accepts connections on a loopback port and hands each to handle.
func serve(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return l.Addr().String()
}

// TestConnectFaults checks the clear sentence for each server kratos-trace
// cannot drive; none needs a real Delve.
func TestConnectFaults(t *testing.T) {
	v1 := rpc.NewServer()
	if err := v1.RegisterName("RPCServer", fakeDelveV1{}); err != nil {
		t.Fatal(err)
	}
	wrongAPI := serve(t, func(c net.Conn) { v1.ServeCodec(jsonrpc.NewServerCodec(c)) })
	httpLike := serve(t, func(c net.Conn) {
		defer c.Close()
		_, _ = c.Read(make([]byte, 512))
		_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
	})
	silent := serve(t, func(c net.Conn) {
		time.Sleep(3 * time.Second)
		c.Close()
	})
	closing := serve(t, func(c net.Conn) { c.Close() })
	refused := func() string {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		defer l.Close()
		return l.Addr().String()
	}()

	tests := []struct {
		name, addr string
		want       []string
	}{
		{"refused", refused, []string{"nothing accepts connections at " + refused, "dlv exec --headless"}},
		{"wrong API version", wrongAPI, []string{"does not speak API v2", "unknown API version", "--api-version 2"}},
		{"not Delve", httpLike, []string{"is not a Delve server: it answered \"HTTP/1.1 400 Bad Request\"", "not at the service's own HTTP"}},
		{"no answer", silent, []string{"did not answer within 500ms"}},
		{"closed at once", closing, []string{"closed the connection without answering", "--accept-multiclient"}},
		{"not an address", "localhost", []string{`"localhost" is not HOST:PORT`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			s, err := Connect(context.Background(), ConnectConfig{Addr: tt.addr, Timeout: 500 * time.Millisecond})
			if err == nil {
				s.Close()
				t.Fatal("Connect succeeded")
			}
			var ue *UserError
			if !errors.As(err, &ue) {
				t.Fatalf("not a UserError: %v", err)
			}
			text := ue.Msg + "\nhint: " + ue.Hint
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q lacks %q", text, w)
				}
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

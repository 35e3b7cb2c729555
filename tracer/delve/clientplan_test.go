package delve

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// TestClientEntries finds the discovery phases in the clients of Kratos
// v2.9.2 (the module cache) and v2.8.4 (testdata) by the shape of the code,
// and checks each lands on the statement it means.
func TestClientEntries(t *testing.T) {
	for _, dir := range []string{
		filepath.Join(modCache(), escapeModulePath(KratosModule)+"@v2.9.2"),
		filepath.Join("testdata", "kratos-v2.8.4"),
	} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			entries, notes := clientEntries(dir)
			if len(notes) > 0 {
				t.Errorf("notes: %v", notes)
			}
			if len(entries) != 4 {
				t.Fatalf("%d entries, want dial and update for grpc and http: %+v", len(entries), entries)
			}
			want := []struct {
				phase    tracer.PhaseID
				fn, line string
			}{
				{tracer.PhaseDiscoveryDial, kratosFunc("/transport/grpc.dial"), "ints := []grpc.UnaryClientInterceptor{"},
				{tracer.PhaseDiscoveryUpdate, kratosFunc("/transport/grpc/resolver/discovery.(*discoveryResolver).update"), "if len(addrs) == 0 {"},
				{tracer.PhaseDiscoveryDial, kratosFunc("/transport/http.NewClient"), "if options.tlsConf != nil {"},
				{tracer.PhaseDiscoveryUpdate, kratosFunc("/transport/http.(*resolver).update"), "if len(nodes) == 0 {"},
			}
			for i, w := range want {
				e := entries[i]
				if e.Phase != w.phase || e.inFunc != w.fn || !e.optional || e.client == nil {
					t.Errorf("entry %d = %s in %s (optional %v), want %s in %s", i, e.Phase, e.inFunc, e.optional, w.phase, w.fn)
					continue
				}
				if got := sourceLine(t, e.File, e.Line); got != w.line {
					t.Errorf("%s %s at line %d: %q, want %q", e.Phase, e.client.transport, e.Line, got, w.line)
				}
			}
			if s := entries[0].client; s.transport != "grpc" || s.optionsVar != "options" {
				t.Errorf("grpc dial reads %+v", s)
			}
			if s := entries[1].client; s.recvVar != "r" || s.listVar != "ins" || s.acceptedVar != "addrs" || s.refused != "Zero endpoint found, refused to write" {
				t.Errorf("grpc update reads %+v", s)
			}
			if s := entries[3].client; s.transport != "http" || s.recvVar != "r" || s.listVar != "services" || s.acceptedVar != "nodes" || s.refused != "Zero endpoint found, refused to write" {
				t.Errorf("http update reads %+v", s)
			}
		})
	}
}

func TestClientEntriesWithoutTheShape(t *testing.T) {
	// Kratos v2.2.0's testdata has no client files at all: each phase is
	// left out with a note, and nothing else breaks.
	entries, notes := clientEntries(filepath.Join("testdata", "kratos-v2.2.0"))
	if len(entries) != 0 || len(notes) != 4 {
		t.Errorf("entries %+v, notes %v; want none and four notes", entries, notes)
	}
}

func TestCleanReason(t *testing.T) {
	for in, want := range map[string]string{
		"[resolver] Zero endpoint found,refused to write, instances: %v":      "Zero endpoint found, refused to write",
		"[http resolver]Zero endpoint found,refused to write,set: %s ins: %v": "Zero endpoint found, refused to write",
		"no endpoint": "no endpoint",
	} {
		if got := cleanReason(in); got != want {
			t.Errorf("cleanReason(%q) = %q, want %q", in, got, want)
		}
	}
}

// sourceLine is line n of file, trimmed.
func sourceLine(t *testing.T, file string, n int) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 1; sc.Scan(); i++ {
		if i == n {
			return strings.TrimSpace(sc.Text())
		}
	}
	return ""
}

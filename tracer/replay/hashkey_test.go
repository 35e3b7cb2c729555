package replay

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func TestRecordKeepsHashesOfMaskedValues(t *testing.T) {
	const password = "Hunter2Secret"
	key := redact.NewHashKey([]byte("a key for this test only"))
	events := tracertest.DemoEvents()
	for i := range events {
		if events[i].Bootstrap != nil {
			events[i].Bootstrap.Lookup("data.database.source").Value = "root:" + password + "@tcp(127.0.0.1:3306)/shop"
		}
	}
	for _, tt := range []struct {
		name     string
		opts     RecordOptions
		wantHash bool
	}{
		{"with a key", RecordOptions{HashKey: key}, true},
		{"without", RecordOptions{}, false},
		{"--no-redact", RecordOptions{HashKey: key, NoRedact: true}, false},
	} {
		var buf bytes.Buffer
		rec := Record(tracertest.NewFake(events), &buf, tt.opts)
		drive(t, rec)
		rec.Close()
		read, err := Parse("x", buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if got := read.Header.HashKey != ""; got != tt.wantHash || (got && read.Header.HashKey != key.ID()) {
			t.Errorf("%s: header hash_key %q", tt.name, read.Header.HashKey)
		}
		var scan *tracer.Event
		for i := range read.Events {
			if read.Events[i].Phase == tracer.PhaseConfigScan {
				scan = &read.Events[i]
			}
		}
		leaf := scan.Bootstrap.Lookup("data.database.source")
		want := ""
		if tt.wantHash {
			want = key.Hash("data.database.source", "root:"+password+"@tcp(127.0.0.1:3306)/shop")
		}
		if leaf.Hash != want {
			t.Errorf("%s: leaf %+v, want hash %q", tt.name, leaf, want)
		}
		if !tt.opts.NoRedact && strings.Contains(buf.String(), password) {
			t.Errorf("%s: the password is in the file", tt.name)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/export"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
)

func TestExportToStdoutAndFile(t *testing.T) {
	rec := demoRecording(t)
	code, out, stderr := runCLI(t, "export", rec)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := export.Validate([]byte(out)); err != nil {
		t.Fatalf("stdout is not a trace: %v", err)
	}
	path := filepath.Join(t.TempDir(), "trace.json")
	code, out, stderr = runCLI(t, "export", rec, "-o", path)
	if code != 0 || out != "" || !strings.Contains(stderr, "wrote "+path) {
		t.Fatalf("exit %d\nstdout %q\n%s", code, out, stderr)
	}
	recording, err := replay.Read(rec)
	if err != nil {
		t.Fatal(err)
	}
	checkTraceFile(t, path, recording.Events)
	data, _ := os.ReadFile(path)
	for _, want := range []string{`"otherData"`, `"kratos_version": "v2.9.2"`, `"recording": "` + rec + `"`, `"name": "server grpc 127.0.0.1:9000"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the trace lacks %s", want)
		}
	}
}

func TestExportBadRecording(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(path, []byte("{\"format\":\"kratos-trace-record\",\"version\":1}\n{not json}\n"), 0o600)
	code, out, stderr := runCLI(t, "export", path, "-o", filepath.Join(t.TempDir(), "x.json"))
	if code != exitFailed || out != "" || !strings.Contains(stderr, path+":2: not a valid event") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

package delve

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestCompileErrorShowsCompilerLines: a program that does not compile ends
// the trace with one error event, the compiler's lines and no temp dir.
func TestCompileErrorShowsCompilerLines(t *testing.T) {
	dir := tracertest.WriteModule(t, map[string]string{
		"go.mod":  "module broken\n\ngo 1.26\n",
		"main.go": "package main\n\nfunc main() {\n\tundefinedThing()\n}\n",
	})
	s, err := Start(context.Background(), Config{Target: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var errEv *tracer.Event
	for ev := range s.Events() {
		if ev.Kind == tracer.KindError {
			e := ev
			errEv = &e
		}
		if ev.Kind == tracer.KindStop {
			t.Fatalf("a broken program stopped at %s", ev.Label())
		}
	}
	if errEv == nil {
		t.Fatal("no error event for a program that does not compile")
	}
	if !strings.Contains(errEv.Error, "does not compile") || !strings.Contains(errEv.Error, "main.go:4:2: undefined: undefinedThing") {
		t.Errorf("error = %q, want the sentence and the compiler's line", errEv.Error)
	}
	if strings.Contains(errEv.Error, "# broken") {
		t.Errorf("error keeps go's package header: %q", errEv.Error)
	}
	if _, err := os.Stat(s.tmpDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temp dir %s left behind", s.tmpDir)
	}
}

func TestWorkingDirMustExist(t *testing.T) {
	_, err := Start(context.Background(), Config{Target: demoDir, WorkingDir: "/no/such/wd"})
	var ue *UserError
	if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "/no/such/wd") {
		t.Fatalf("err = %v, want a UserError naming the directory", err)
	}
}

package system

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// serverModule is a module whose ./srv listens where -listen says and
// writes its own path first, so that a test can tell what ran.
var serverModule = map[string]string{
	"go.mod": "module example.com/procs\n\ngo 1.22\n",
	"srv/main.go": `package main

import (
	"flag"
	"fmt"
	"net"
	"os"
)

func main() {
	listen := flag.String("listen", "", "")
	flag.Parse()
	fmt.Println("argv0", os.Args[0])
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		panic(err)
	}
	for {
		c, err := l.Accept()
		if err == nil {
			c.Close()
		}
	}
}
`,
	"broken/main.go": "package main\n\nfunc main() { undefinedName() }\n",
}

// TestGoRunFallbackIsBuiltFirst: a `go run PKG` fallback is built before it
// starts, so that its ready_timeout (1s here, shorter than a cold build)
// counts from the program's start, and it runs with its arguments.
func TestGoRunFallbackIsBuiltFirst(t *testing.T) {
	dir := tracertest.WriteModule(t, serverModule)
	addr := tracertest.FreeAddr(t)
	p := &process{
		spec: Process{Name: "srv", Command: []string{"kratos-trace-no-such-command"}, Fallback: []string{"go", "run", "./srv", "-listen", addr},
			Ready: addr, ReadyTimeout: time.Second},
		dir: dir, logDir: t.TempDir(),
	}
	var said []string
	quit := make(chan struct{})
	if err := p.start(nil, quit, func(s string) { said = append(said, s) }); err != nil {
		t.Fatal(err)
	}
	defer p.stop()
	if err := p.waitReady(quit); err != nil {
		t.Fatal(err)
	}
	if len(said) != 2 || !strings.Contains(said[0], "kratos-trace-no-such-command is not on PATH") || !strings.Contains(said[1], "srv: building ./srv") {
		t.Errorf("what the start said: %q", said)
	}
	if want := filepath.Join(p.logDir, "srv-bin"); p.cmd.Args[0] != want {
		t.Errorf("ran %q, want the built %s", p.cmd.Args, want)
	}
	p.stop()
	log, err := os.ReadFile(p.log)
	if err != nil || !strings.Contains(string(log), "argv0 "+filepath.Join(p.logDir, "srv-bin")) {
		t.Errorf("the process's output: %q (%v)", log, err)
	}
}

// TestGoRunFallbackThatDoesNotBuild names the process and shows the
// compiler's error.
func TestGoRunFallbackThatDoesNotBuild(t *testing.T) {
	dir := tracertest.WriteModule(t, serverModule)
	p := &process{spec: Process{Name: "srv", Command: []string{"go", "run", "./broken"}}, dir: dir, logDir: t.TempDir()}
	err := p.start(nil, make(chan struct{}), func(string) {})
	var pe *ProcessError
	if !errors.As(err, &pe) || pe.Process != "srv" || !strings.Contains(pe.Msg, "go build ./broken failed") || !strings.Contains(pe.Output, "undefined: undefinedName") {
		t.Fatalf("error %#v", err)
	}
	if p.cmd != nil {
		t.Errorf("a process that did not build was started: %v", p.cmd.Args)
	}
}

func TestGoRun(t *testing.T) {
	for _, c := range []struct {
		argv []string
		pkg  string
		ok   bool
	}{
		{[]string{"go", "run", "./cmd/etcd", "--data-dir", "x"}, "./cmd/etcd", true},
		{[]string{"/usr/local/go/bin/go", "run", "."}, ".", true},
		{[]string{"go", "run", "-race", "./cmd/etcd"}, "", false},
		{[]string{"go", "run", "main.go"}, "", false},
		{[]string{"go", "build", "."}, "", false},
		{[]string{"etcd"}, "", false},
	} {
		pkg, _, ok := goRun(c.argv)
		if pkg != c.pkg || ok != c.ok {
			t.Errorf("goRun(%q) = %q, %v", c.argv, pkg, ok)
		}
	}
}

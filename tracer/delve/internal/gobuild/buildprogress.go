package gobuild

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A first build on a fresh machine compiles every package of a Kratos
// service: a minute or more on two cores. So that it does not happen behind
// a bare spinner, the build runs with `go build -json -x`: the go command
// then reports each step it takes (the compile of a package, the link) as a
// JSON event tagged with the package's import path, and its errors as the
// output of the package that failed. A buildFollower reads those events as
// they come and counts the packages compiled; the total comes from
// `go list -deps` (the key's, or the warm index's from last time).

// progressInterval is how often the build's progress is reported.
const progressInterval = time.Second

// buildEvent is one line of `go build -json`.
type buildEvent struct {
	ImportPath string
	Action     string
	Output     string
}

// buildFollower follows a go build's -json -x output. It is the build's
// stdout.
type buildFollower struct {
	mu      sync.Mutex
	started time.Time
	partial []byte
	// compiled holds the packages whose compile began.
	compiled map[string]bool
	total    int
	linking  bool
	// failedOut holds, per package, its output from its "# path" header
	// on: the compiler's or linker's messages.
	failedOut map[string]*strings.Builder
	// loose holds, per package, what go said about it outside a "# path"
	// block and that is not the -x echo of a command: why it could not be
	// loaded (a module go could not download, a go.sum without its entry),
	// which go prints without a header.
	loose  map[string]*strings.Builder
	failed []string
	// other is what was not a JSON event.
	other strings.Builder
	// linkStarted is closed when the link begins, which is reported at
	// once: a link shorter than the report's interval would not show.
	linkStarted chan struct{}
}

func newBuildFollower() *buildFollower {
	return &buildFollower{started: time.Now(), compiled: map[string]bool{}, failedOut: map[string]*strings.Builder{}, loose: map[string]*strings.Builder{}, linkStarted: make(chan struct{})}
}

// Write takes the go command's stdout, a JSON event a line.
func (f *buildFollower) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.partial = append(f.partial, p...)
	for {
		i := bytes.IndexByte(f.partial, '\n')
		if i < 0 {
			break
		}
		f.take(f.partial[:i])
		f.partial = f.partial[i+1:]
	}
	return len(p), nil
}

// take handles one line. Callers hold f.mu.
func (f *buildFollower) take(line []byte) {
	var ev buildEvent
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	if err := json.Unmarshal(line, &ev); err != nil {
		f.other.Write(line)
		f.other.WriteByte('\n')
		return
	}
	switch ev.Action {
	case "build-fail":
		f.failed = append(f.failed, ev.ImportPath)
		return
	case "build-output":
	default:
		return
	}
	out := ev.Output
	if b, ok := f.failedOut[ev.ImportPath]; ok {
		b.WriteString(out)
		return
	}
	switch {
	case strings.HasPrefix(out, "# "):
		// The header of what the compiler or linker said about the
		// package; the -x echo of commands never starts so.
		b := &strings.Builder{}
		b.WriteString(out)
		f.failedOut[ev.ImportPath] = b
	case isToolCommand(out, "compile"):
		f.compiled[ev.ImportPath] = true
	case isToolCommand(out, "link"):
		if !f.linking {
			f.linking = true
			close(f.linkStarted)
		}
	case !isCommandEcho(out):
		b := f.loose[ev.ImportPath]
		if b == nil {
			b = &strings.Builder{}
			f.loose[ev.ImportPath] = b
		}
		b.WriteString(out)
	}
}

// commandWords are the first words of the commands go build -x echoes.
var commandWords = map[string]bool{"mkdir": true, "cp": true, "cd": true, "cat": true, "echo": true, "rm": true, "mv": true, "touch": true, "ln": true, "go": true, "EOF": true}

// isCommandEcho reports whether out is go build -x's echo of a command it
// runs (mkdir, cat >…, a tool by its path, VAR=value …) rather than a
// message: go's messages start with a file position, "go:", a package path
// followed by a colon, or a tab that continues the line before.
func isCommandEcho(out string) bool {
	if strings.HasPrefix(out, "\t") {
		return false
	}
	first, _, _ := strings.Cut(strings.TrimSpace(out), " ")
	eq, colon := strings.IndexByte(first, '='), strings.IndexByte(first, ':')
	switch {
	case commandWords[first], strings.HasPrefix(first, "/"), strings.HasPrefix(first, "$WORK"):
		return true
	case eq > 0 && (colon < 0 || eq < colon):
		// An environment assignment: WORK=…, GOROOT='…' …
		return true
	}
	return false
}

// isToolCommand reports whether the -x echo out runs the go tool name
// (compile, link), which go runs by its path in GOROOT's tool directory.
func isToolCommand(out, name string) bool {
	first, _, _ := strings.Cut(out, " -")
	first = strings.TrimSuffix(strings.TrimSpace(first), ".exe")
	return strings.HasSuffix(first, "/"+name) || strings.HasSuffix(first, `\`+name)
}

// setTotal sets how many packages the build compiles or takes from the go
// build cache, once it is known.
func (f *buildFollower) setTotal(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.total == 0 {
		f.total = n
	}
}

// progress is how far the build got.
func (f *buildFollower) progress() tracer.BuildProgress {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := tracer.BuildProgress{
		Compiled: len(f.compiled),
		Total:    f.total,
		Linking:  f.linking,
		Elapsed:  tracer.Duration(time.Since(f.started)),
	}
	if p.Total > 0 && p.Compiled > p.Total {
		p.Total = p.Compiled
	}
	return p
}

// failureText is what the build said about what failed: the output of each
// failed package, then anything the go command printed that was not an
// event.
func (f *buildFollower) failureText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.partial) > 0 {
		f.take(f.partial)
		f.partial = nil
	}
	var b strings.Builder
	for _, path := range f.failed {
		if out, ok := f.failedOut[path]; ok {
			b.WriteString(out.String())
		} else if out, ok := f.loose[path]; ok {
			b.WriteString(out.String())
		}
	}
	if out, ok := f.loose[""]; ok {
		b.WriteString(out.String())
	}
	b.WriteString(f.other.String())
	return b.String()
}

// failedPackages are the packages the build marked failed.
func (f *buildFollower) failedPackages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.failed...)
}

// countPackages counts the packages a build of the main package in dir is
// made of, for the progress, when the key does not (a build without the
// cache). It reports 0 when go list fails.
func countPackages(ctx context.Context, dir string) int {
	out, _, err := GoCommand(ctx, dir, "list", "-deps", "-f", "{{if ne .ImportPath \"unsafe\"}}{{.ImportPath}}{{end}}", ".")
	if err != nil {
		return 0
	}
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) != "" {
			n++
		}
	}
	return n
}

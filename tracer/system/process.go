package system

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// processStopTimeout is how long a process may take to exit after SIGTERM
// before it is killed.
const processStopTimeout = 5 * time.Second

// process is one helper process of the system, started before the
// services and stopped after them.
type process struct {
	spec   Process
	dir    string // where it runs: the system file's directory
	logDir string
	cmd    *exec.Cmd
	exited chan struct{}
	log    string
	forget func()
}

// ProcessError is a helper process that did not start or serve.
type ProcessError struct {
	Process string
	Msg     string
	// Output is the end of what the process wrote, when it exited.
	Output string
}

func (e *ProcessError) Error() string {
	msg := fmt.Sprintf("process %s: %s", e.Process, e.Msg)
	if e.Output != "" {
		msg += "\n" + e.Output
	}
	return msg
}

func processHint(err error) string {
	var pe *ProcessError
	if errors.As(err, &pe) {
		return "check the process's command and ready address in the system file; its output is shown above"
	}
	return ""
}

// startProcesses starts every process in order, each once the one before
// it is ready. On a failure the ones started are stopped again.
func (s *System) startProcesses() error {
	for _, p := range s.procs {
		s.emit(nil, tracer.Event{Kind: tracer.KindStatus, Status: fmt.Sprintf("starting the process %s: %s", p.spec.Name, strings.Join(p.spec.Command, " "))})
		status := func(msg string) { s.emit(nil, tracer.Event{Kind: tracer.KindStatus, Status: msg}) }
		if err := p.start(s.opts.Guard.Group, s.quit, status); err != nil {
			return err
		}
		if err := p.waitReady(s.quit); err != nil {
			return err
		}
		if p.spec.Ready != "" {
			s.emit(nil, tracer.Event{Kind: tracer.KindStatus, Status: fmt.Sprintf("the process %s answers at %s", p.spec.Name, p.spec.Ready)})
		}
	}
	return nil
}

// stopProcesses stops the processes that run, in reverse order.
func (s *System) stopProcesses() {
	for i := len(s.procs) - 1; i >= 0; i-- {
		s.procs[i].stop()
	}
}

// start starts the process in a process group of its own, so that it and
// whatever it starts stop together.
func (p *process) start(guard func(int) func(), quit <-chan struct{}, status func(string)) error {
	if p.spec.Ready != "" && answers(p.spec.Ready) {
		return &ProcessError{Process: p.spec.Name, Msg: fmt.Sprintf("something already answers at %s before it started", p.spec.Ready)}
	}
	argv := p.spec.Command
	if _, err := exec.LookPath(argv[0]); err != nil {
		if len(p.spec.Fallback) == 0 {
			return &ProcessError{Process: p.spec.Name, Msg: fmt.Sprintf("%s is not on PATH", argv[0])}
		}
		argv = p.spec.Fallback
		status(fmt.Sprintf("%s is not on PATH: the process %s runs %s instead", p.spec.Command[0], p.spec.Name, strings.Join(argv, " ")))
	}
	if pkg, args, ok := goRun(argv); ok {
		bin, err := p.build(pkg, guard, quit, status)
		if err != nil {
			return err
		}
		argv = append([]string{bin}, args...)
	}
	log := filepath.Join(p.logDir, p.spec.Name+".log")
	out, err := os.Create(log)
	if err != nil {
		return fmt.Errorf("process %s: %w", p.spec.Name, err)
	}
	defer out.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.spec.Env...)
	cmd.Stdout, cmd.Stderr = out, out
	newProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return &ProcessError{Process: p.spec.Name, Msg: fmt.Sprintf("cannot start %s: %v", argv[0], err)}
	}
	p.cmd, p.log, p.exited = cmd, log, make(chan struct{})
	if guard != nil {
		p.forget = guard(cmd.Process.Pid)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	return nil
}

// goRun splits a `go run PKG ARGS…` command into its package and the
// program's arguments; a command with build flags or .go files is left
// to the go command.
func goRun(argv []string) (pkg string, args []string, ok bool) {
	if len(argv) < 3 || filepath.Base(argv[0]) != "go" || argv[1] != "run" || strings.HasPrefix(argv[2], "-") || strings.HasSuffix(argv[2], ".go") {
		return "", nil, false
	}
	return argv[2], argv[3:], true
}

// build builds the program of a `go run PKG` process before it starts, so
// that its ready_timeout counts from the program's start: with a cold
// cache the build alone can take minutes (the demo's embedded etcd).
func (p *process) build(pkg string, guard func(int) func(), quit <-chan struct{}, status func(string)) (string, error) {
	bin := filepath.Join(p.logDir, p.spec.Name+"-bin")
	status(fmt.Sprintf("the process %s: building %s (the first time can take minutes; its ready_timeout counts from its start)", p.spec.Name, pkg))
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.spec.Env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	newProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return "", &ProcessError{Process: p.spec.Name, Msg: fmt.Sprintf("cannot run go build %s: %v", pkg, err)}
	}
	if guard != nil {
		defer guard(cmd.Process.Pid)()
	}
	built := make(chan error, 1)
	go func() { built <- cmd.Wait() }()
	select {
	case err := <-built:
		if err != nil {
			return "", &ProcessError{Process: p.spec.Name, Msg: fmt.Sprintf("go build %s failed (%v)", pkg, err), Output: strings.TrimSpace(out.String())}
		}
		return bin, nil
	case <-quit:
		killGroup(cmd, syscall.SIGKILL)
		<-built
		return "", &ProcessError{Process: p.spec.Name, Msg: "stopped while it was being built"}
	}
}

// waitReady waits until the process answers at its ready address.
func (p *process) waitReady(quit <-chan struct{}) error {
	if p.spec.Ready == "" {
		return nil
	}
	deadline := time.After(p.spec.ReadyTimeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if answers(p.spec.Ready) {
			return nil
		}
		select {
		case <-p.exited:
			return &ProcessError{Process: p.spec.Name, Msg: fmt.Sprintf("exited before it answered at %s (%s)", p.spec.Ready, p.cmd.ProcessState), Output: p.tail()}
		case <-deadline:
			return &ProcessError{Process: p.spec.Name, Msg: fmt.Sprintf("timed out: nothing answered at %s within %s (ready_timeout)", p.spec.Ready, p.spec.ReadyTimeout), Output: p.tail()}
		case <-quit:
			return &ProcessError{Process: p.spec.Name, Msg: "stopped before it was ready"}
		case <-tick.C:
		}
	}
}

// answers reports whether a TCP connection to addr is accepted.
func answers(addr string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// tail is the last lines the process wrote, indented.
func (p *process) tail() string {
	b, err := os.ReadFile(p.log)
	if err != nil || len(b) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(bytes.ToValidUTF8(b, nil)), "\n"), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

// stop sends the process group SIGTERM, and SIGKILL if it has not exited
// in time.
func (p *process) stop() {
	if p.cmd == nil {
		return
	}
	defer func() {
		if p.forget != nil {
			p.forget()
		}
	}()
	select {
	case <-p.exited:
		killGroup(p.cmd, syscall.SIGKILL) // what it started may still run
		return
	default:
	}
	killGroup(p.cmd, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(processStopTimeout):
	}
	killGroup(p.cmd, syscall.SIGKILL)
	<-p.exited
}

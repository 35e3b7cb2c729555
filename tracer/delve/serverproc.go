package delve

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/go-delve/delve/pkg/proc"
	"github.com/go-delve/delve/service"
	"github.com/go-delve/delve/service/debugger"
	"github.com/go-delve/delve/service/rpccommon"

	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/watchdog"
)

// Delve's native backend waits for its program with wait4(-1): it reaps
// the events of every child of the process it runs in. Two programs traced
// by one kratos-trace (the services of a system) would steal each other's
// stops, so with Config.Isolated the Delve server of a session runs in a
// process of its own, kratos-trace's own binary started again (as the
// watchdog is), and the session talks to it over a unix socket in the
// session's temp dir. The program's output pipes are handed to it as
// files 3 and 4, so the session reads the output as it does in-process. The
// server process ends when its stdin closes, which it does however
// kratos-trace ends: it then kills the program.

// serverEnv marks the process that is to run as a Delve server, and
// carries its serverSpec as JSON.
const serverEnv = "KRATOS_TRACE_DELVE_SERVER"

// serverSpec is what the server process is to run.
type serverSpec struct {
	Socket     string   `json:"socket"`
	Args       []string `json:"args"`
	WorkingDir string   `json:"wd"`
}

// serverProcess is a Delve server in a process of its own; it implements
// service.Server for the session.
type serverProcess struct {
	spec   serverSpec
	env    []string
	stdout *os.File
	stderr *os.File
	lease  *watchdog.Lease

	cmd   *exec.Cmd
	stdin io.WriteCloser
	conn  net.Conn
	done  chan struct{}
}

// Run starts the server process, which launches the program, and
// connects to it.
func (p *serverProcess) Run() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this program: %w", err)
	}
	spec, err := json.Marshal(p.spec)
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, "kratos-trace-delve-server")
	cmd.Env = append(append(os.Environ(), p.env...), serverEnv+"="+string(spec))
	cmd.ExtraFiles = []*os.File{p.stdout, p.stderr}
	cmd.Stderr = os.Stderr
	if os.Getenv("KRATOS_TRACE_DEBUG") == "" {
		cmd.Stderr = nil
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the Delve server: %w", err)
	}
	p.cmd, p.stdin, p.done = cmd, stdin, make(chan struct{})
	p.lease.Add("pid %d %s", cmd.Process.Pid, exe)
	go func() { _ = cmd.Wait(); close(p.done) }()
	line, err := bufio.NewReader(out).ReadString('\n')
	line = strings.TrimSpace(line)
	if msg, failed := strings.CutPrefix(line, "error: "); failed {
		p.Stop()
		return errors.New(msg)
	}
	if line != "ok" {
		p.Stop()
		return fmt.Errorf("the Delve server did not start: %v", err)
	}
	conn, err := net.Dial("unix", p.spec.Socket)
	if err != nil {
		p.Stop()
		return fmt.Errorf("connect to the Delve server: %w", err)
	}
	p.conn = conn
	return nil
}

// Stop closes the server's stdin, which ends it and its program, and
// waits for it, killing it if it does not end in time.
func (p *serverProcess) Stop() error {
	if p.cmd == nil {
		return nil
	}
	_ = p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.lease.Drop("pid %d %s", p.cmd.Process.Pid, p.cmd.Path)
	return nil
}

// startServerProcess returns the server of an isolated session: not yet
// running, Run starts it.
func (s *Session) newServerProcess(dir, bin string, stdoutW, stderrW *os.File) *serverProcess {
	return &serverProcess{
		spec:   serverSpec{Socket: filepath.Join(dir, "dlv.sock"), Args: append([]string{bin}, s.cfg.Args...), WorkingDir: s.cfg.WorkingDir},
		env:    s.cfg.Env,
		stdout: stdoutW,
		stderr: stderrW,
		lease:  &s.lease,
	}
}

// runServerIfAsked turns this process into a Delve server when a session
// started it as one (see the top of this file); it then never returns.
func runServerIfAsked() {
	text := os.Getenv(serverEnv)
	if text == "" {
		return
	}
	// The program inherits this environment: the variable is not its.
	os.Unsetenv(serverEnv)
	os.Exit(runServer(text))
}

// runServer is the server process: it launches the program under Delve,
// says "ok" (or "error: …") on stdout, serves one client, and ends when
// its stdin closes or the client detaches.
func runServer(text string) int {
	var spec serverSpec
	if err := json.Unmarshal([]byte(text), &spec); err != nil {
		fmt.Printf("error: bad server spec: %v\n", err)
		return 1
	}
	// This process holds one program's debug information and little else,
	// read once at the launch; collecting at half the default heap growth
	// keeps its peak some 15 MB lower (the demo's greeter: 106 → 89 MB)
	// for a few milliseconds of GC. GOGC, when set, is the user's.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	// The trace ends the server through its stdin; a terminal's hangup or
	// ^C is for kratos-trace, which then shuts the program down itself.
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT)
	l, err := net.Listen("unix", spec.Socket)
	if err != nil {
		fmt.Printf("error: listen on %s: %v\n", spec.Socket, err)
		return 1
	}
	disconnected := make(chan struct{})
	server := rpccommon.NewServer(&service.Config{
		Listener:       l,
		ProcessArgs:    spec.Args,
		APIVersion:     2,
		DisconnectChan: disconnected,
		Debugger: debugger.Config{
			WorkingDir:     spec.WorkingDir,
			Backend:        "default",
			CheckGoVersion: true,
			Stdout:         proc.OutputRedirect{File: os.NewFile(3, "stdout")},
			Stderr:         proc.OutputRedirect{File: os.NewFile(4, "stderr")},
		},
	})
	if err := server.Run(); err != nil {
		fmt.Printf("error: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	fmt.Println("ok")
	stdinClosed := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(stdinClosed) }()
	select {
	case <-disconnected:
	case <-stdinClosed:
	}
	done := make(chan struct{})
	go func() { _ = server.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	return 0
}

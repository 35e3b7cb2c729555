//go:build linux

package delve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-delve/delve/service"
	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/debugger"
	"github.com/go-delve/delve/service/rpc2"
	"github.com/go-delve/delve/service/rpccommon"
)

// An attached program must outlive kratos-trace however kratos-trace ends,
// and run on as it was. A debugger that dies leaves its breakpoints behind:
// their int3 instructions are still in the program's code, and the next
// request to reach one kills it with SIGTRAP, since no one traces it any
// more. So Delve does not run inside kratos-trace for an attach: it runs
// in the attach helper, kratos-trace's own binary started again in a
// session of its own, which attaches to the program and serves Delve's API
// on a Unix socket in a private directory. kratos-trace drives it through
// that socket, as connect drives a Delve server, and tells it on a pipe
// what to put back should it vanish (the servers' timeouts it lifted).
// When kratos-trace detaches, the helper exits with it; when the pipe
// closes without a detach (kratos-trace was killed), the helper halts the
// program, puts the timeouts back and detaches, which clears every
// breakpoint, and the program runs on.
//
// The protocol on the helper's stdin is one line per command:
//
//	restore EXPR VALUE   set EXPR back to VALUE before detaching
//	restored             forget the restores: kratos-trace did them
//
// and on its stdout one line once it has attached: "ready", or "error MSG".

// attachHelperEnv marks the process that is to run as an attach helper; its
// value is "PID DIR": the program to attach to and the directory of the
// socket.
const attachHelperEnv = "KRATOS_TRACE_ATTACH_HELPER"

// attachSocket is the socket's name in the helper's directory.
const attachSocket = "delve.sock"

// attachStartTimeout bounds the helper's attach: Delve reads the program's
// debug information first, which takes a few seconds for a large one.
const attachStartTimeout = 60 * time.Second

// attachHelpers says whether this binary can serve as an attach helper.
var attachHelpers struct {
	mu      sync.Mutex
	enabled bool
}

// RunAttachHelperIfAsked turns this process into an attach helper when
// kratos-trace started it as one: it then never returns. Otherwise it
// returns at once and lets this process attach to programs. main calls it
// first of all, and so does TestMain in the packages whose tests attach.
func RunAttachHelperIfAsked() {
	if v := os.Getenv(attachHelperEnv); v != "" {
		os.Exit(runAttachHelper(v, os.Stdin, os.Stdout))
	}
	attachHelpers.mu.Lock()
	attachHelpers.enabled = true
	attachHelpers.mu.Unlock()
}

// runAttachHelper is the helper's life: attach, serve, and detach when
// kratos-trace is gone.
func runAttachHelper(arg string, in io.Reader, out io.Writer) int {
	// The helper outlives kratos-trace by design: what ends kratos-trace
	// must not end it before it has detached.
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGPIPE)
	pidText, dir, ok := strings.Cut(arg, " ")
	pid, err := strconv.Atoi(pidText)
	if !ok || err != nil {
		fmt.Fprintf(out, "error bad helper argument %q\n", arg)
		return 2
	}
	sock := filepath.Join(dir, attachSocket)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		fmt.Fprintf(out, "error listen on %s: %v\n", sock, err)
		return 1
	}
	detached := make(chan struct{})
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	srv := rpccommon.NewServer(&service.Config{
		Listener:       ln,
		AcceptMulti:    true,
		APIVersion:     2,
		DisconnectChan: detached,
		ProcessArgs:    []string{strings.TrimSuffix(exe, " (deleted)")},
		Debugger:       debugger.Config{AttachPid: pid, Backend: "default"},
	})
	if err := srv.Run(); err != nil {
		fmt.Fprintf(out, "error %s\n", strings.Join(strings.Fields(err.Error()), " "))
		return 1
	}
	fmt.Fprintln(out, "ready")

	restores := map[string]string{}
	var order []string
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for {
		select {
		case <-detached:
			// kratos-trace detached (or killed the program) itself; its
			// answer is still to be sent, and kratos-trace closes the pipe
			// once it has it.
			wait := time.After(2 * time.Second)
			for {
				select {
				case _, ok := <-lines:
					if ok {
						continue
					}
				case <-wait:
				}
				return 0
			}
		case line, ok := <-lines:
			if ok {
				switch cmd, rest, _ := strings.Cut(line, " "); cmd {
				case "restore":
					if expr, value, ok := strings.Cut(rest, " "); ok {
						if _, seen := restores[expr]; !seen {
							order = append(order, expr)
						}
						restores[expr] = value
					}
				case "restored":
					restores, order = map[string]string{}, nil
				}
				continue
			}
			// The pipe closed: kratos-trace has exited. A detach it made on
			// its way out closes detached at the same time.
			select {
			case <-detached:
				return 0
			case <-time.After(500 * time.Millisecond):
			}
			leaveProgram(sock, pid, order, restores)
			_ = os.RemoveAll(dir)
			return 0
		}
	}
}

// leaveProgram does what kratos-trace's detach would have: halt the
// program, put back what it changed, and detach, which clears the
// breakpoints; then make sure the program is not left stopped.
func leaveProgram(sock string, pid int, order []string, restores map[string]string) {
	conn, err := net.DialTimeout("unix", sock, 5*time.Second)
	if err != nil {
		debugf("attach helper: %v", err)
		continueStopped(pid)
		return
	}
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	c := rpc2.NewClientFromConn(conn)
	if st, err := c.GetStateNonBlocking(); err == nil && st.Running {
		_, _ = c.Halt()
		_, _ = settledState(c)
	}
	for _, expr := range order {
		if err := c.SetVariable(api.EvalScope{GoroutineID: -1}, expr, restores[expr]); err != nil {
			debugf("attach helper: restore %s: %v", expr, err)
		}
	}
	drainHaltSignal(c, pid)
	_ = c.Detach(false)
	continueStopped(pid)
}

// sigtrapBit is SIGTRAP in a /proc signal mask.
const sigtrapBit = 1 << (syscall.SIGTRAP - 1)

// drainHaltSignal makes sure no SIGTRAP is pending in the halted program
// before Delve detaches: Delve halts a program on Linux by sending it
// SIGTRAP, and a second halt while the first is taking effect leaves one
// waiting to be delivered; delivered after the detach, with no debugger to
// take it, it kills a Go program ("SIGTRAP: trace trap"). A continue lets
// Delve take it instead, and a halt of the running program (which Delve
// takes as it stops) ends that continue. The breakpoints must be cleared
// already, so that nothing else stops the program meanwhile.
func drainHaltSignal(c *rpc2.RPCClient, pid int) {
	for range 3 {
		if !sigtrapPending(pid) {
			return
		}
		debugf("attach: a SIGTRAP is pending in pid %d; letting Delve take it", pid)
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			for range c.Continue() {
			}
		}()
		select {
		case <-stopped:
			continue
		case <-time.After(300 * time.Millisecond):
		}
		// Delve took the signal and the program runs: stop it again.
		_, _ = c.Halt()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			return
		}
	}
}

// sigtrapPending reports whether SIGTRAP is pending for pid or any of its
// threads.
func sigtrapPending(pid int) bool {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	files = append(files, fmt.Sprintf("/proc/%d/status", pid))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			key, value, ok := strings.Cut(line, ":")
			if !ok || (key != "SigPnd" && key != "ShdPnd") {
				continue
			}
			if mask, err := strconv.ParseUint(strings.TrimSpace(value), 16, 64); err == nil && mask&sigtrapBit != 0 {
				return true
			}
		}
	}
	return false
}

// continueStopped sends SIGCONT to pid if it is stopped and no longer
// traced: a process left in a group stop by its debugger's end would
// otherwise stay frozen.
func continueStopped(pid int) {
	for range 20 {
		st, err := readProcStatus(pid)
		if err != nil || st.tracerPid == 0 {
			if err == nil && (st.state == "T" || st.state == "t") {
				_ = syscall.Kill(pid, syscall.SIGCONT)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// attachHelper is kratos-trace's end of a helper: its process, the pipe to
// its stdin and its directory.
type attachHelper struct {
	cmd   *exec.Cmd
	stdin *os.File
	dir   string
	mu    sync.Mutex
}

// startAttachHelper starts the helper for pid and waits until it has
// attached; a refusal (ptrace not permitted, the process gone) comes back
// as the helper's one line, explained.
func startAttachHelper(ctx context.Context, t *attachTarget) (*attachHelper, error) {
	attachHelpers.mu.Lock()
	enabled := attachHelpers.enabled
	attachHelpers.mu.Unlock()
	if !enabled {
		return nil, errors.New("this program cannot attach: it does not call delve.RunAttachHelperIfAsked first")
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program: %w", err)
	}
	dir, err := os.MkdirTemp("", "kratos-trace-attach-")
	if err != nil {
		return nil, fmt.Errorf("create temp dir: %w", err)
	}
	h := &attachHelper{dir: dir}
	r, w, err := os.Pipe()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("create the helper's pipe: %w", err)
	}
	defer r.Close()
	h.stdin = w
	cmd := exec.Command(self, "kratos-trace-attach-helper")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %s", attachHelperEnv, t.pid, dir))
	cmd.Stdin = r
	outR, err := cmd.StdoutPipe()
	if err != nil {
		h.close()
		return nil, err
	}
	if os.Getenv("KRATOS_TRACE_DEBUG") != "" {
		cmd.Stderr = os.Stderr
	}
	// A session of its own: a hangup or ctrl+c for kratos-trace's
	// terminal does not reach it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		h.close()
		return nil, fmt.Errorf("start the attach helper: %w", err)
	}
	h.cmd = cmd
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(outR).ReadString('\n')
		first <- strings.TrimSpace(line)
	}()
	var line string
	select {
	case line = <-first:
	case <-ctx.Done():
		h.close()
		return nil, ctx.Err()
	case <-time.After(attachStartTimeout):
		h.close()
		return nil, &UserError{Msg: fmt.Sprintf("Delve did not attach to pid %d within %s", t.pid, attachStartTimeout), Hint: "try again; KRATOS_TRACE_DEBUG=1 shows what Delve does"}
	}
	if line == "ready" {
		return h, nil
	}
	h.close()
	return nil, attachError(t, strings.TrimPrefix(line, "error "))
}

// attachError explains why Delve could not attach.
func attachError(t *attachTarget, msg string) error {
	if msg == "" {
		msg = "the attach helper ended without a word"
	}
	if strings.Contains(msg, "operation not permitted") || strings.Contains(msg, "permission denied") {
		return &UserError{Msg: fmt.Sprintf("may not attach to pid %d (%s): ptrace is not permitted", t.pid, t.comm), Hint: attachPtraceHint, Err: errors.New(msg)}
	}
	return &UserError{Msg: fmt.Sprintf("could not attach to pid %d (%s): %s", t.pid, t.comm, msg), Err: errors.New(msg)}
}

// attachPtraceHint says how to let kratos-trace attach to a process it did
// not start.
const attachPtraceHint = "attach as root (sudo kratos-trace attach …) or as the program's user with kernel.yama.ptrace_scope 0: `sudo sysctl kernel.yama.ptrace_scope=0`; in a container add --cap-add=SYS_PTRACE --security-opt seccomp=unconfined"

// checkAttachPtrace refuses an attach Yama forbids: with ptrace_scope 1 a
// process may trace only its own descendants, which a program started
// elsewhere is not; 2 and 3 are as for a launch (checkPtrace).
func checkAttachPtrace(scope string, root bool) error {
	if err := checkPtrace(scope, root); err != nil {
		return err
	}
	if strings.TrimSpace(scope) == "1" && !root {
		return &UserError{Msg: "ptrace may not attach here: kernel.yama.ptrace_scope is 1, which lets a process trace only its own children", Hint: attachPtraceHint}
	}
	return nil
}

// tell sends one command line to the helper.
func (h *attachHelper) tell(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stdin == nil {
		return
	}
	if _, err := fmt.Fprintf(h.stdin, format+"\n", args...); err != nil {
		debugf("attach helper: %v", err)
	}
}

// close ends kratos-trace's side: the pipe closes, the helper exits (at
// once after a detach), and the directory goes.
func (h *attachHelper) close() {
	h.mu.Lock()
	if h.stdin != nil {
		h.stdin.Close()
		h.stdin = nil
	}
	h.mu.Unlock()
	if h.cmd != nil {
		done := make(chan struct{})
		go func() { _ = h.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			debugf("attach helper %d did not exit", h.cmd.Process.Pid)
		}
	}
	_ = os.RemoveAll(h.dir)
}

// socket is the path of the helper's Delve socket.
func (h *attachHelper) socket() string { return filepath.Join(h.dir, attachSocket) }

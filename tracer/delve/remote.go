package delve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A remote session drives a Delve headless server that someone else started,
// typically in a container or a pod and reached through a port-forward or a
// tunnel:
//
//	dlv exec --headless --listen :2345 --api-version 2 --accept-multiclient ./server
//
// The server's program must still be halted where Delve started it, before
// main. kratos-trace resolves the phases from the program itself (its build
// info names the Kratos version, whose source is fetched into the module
// cache here), sets its breakpoints, and turns the stops into events exactly
// as for a program it launched. It never kills the program unless asked: on
// the way out it clears its breakpoints and lets the program run on.

// ConnectConfig says which Delve server to trace through and how to leave it.
type ConnectConfig struct {
	// Addr is the HOST:PORT of a Delve headless server, API v2.
	Addr string
	// SubstitutePath maps source directories as the program reports them
	// (FROM, e.g. /app) to directories here (TO), like Delve's own
	// substitute-path: the source pane and the phase plan read the local
	// files, breakpoints are set at the program's paths.
	SubstitutePath [][2]string
	// KillOnExit ends the program when the trace ends. By default it is left
	// running (and Delve with it, if the server accepts several clients).
	KillOnExit bool
	// Restart restarts the program under Delve before tracing it (Delve's
	// own restart), for a program that has already run past main, e.g. on a
	// reconnect.
	Restart bool
	// NoBreak lists phases that should pass without pausing.
	NoBreak []tracer.PhaseID
	// Watches, Breaks and KeepTimeouts are as in Config.
	Watches, Breaks []string
	KeepTimeouts    bool
	// Stall ends a trace that reaches no phase for this long, as
	// Config.Stall does.
	Stall time.Duration
	// Timeout bounds the connection and each step of the handshake; zero
	// means defaultConnectTimeout.
	Timeout time.Duration
}

// defaultConnectTimeout is how long Connect waits for a Delve server to
// accept and answer; a port-forward to a pod can be slow to open.
const defaultConnectTimeout = 15 * time.Second

// remoteBreakpointPrefix names the breakpoints a remote session sets, so that
// a session that lost its connection can have them cleared by the next one.
// Delve allows only letters and digits in a name.
const remoteBreakpointPrefix = "kratostrace"

// startDelveHint is how to start a Delve server kratos-trace can drive.
const startDelveHint = "start the program under Delve halted: dlv exec --headless --listen :2345 --api-version 2 --accept-multiclient ./server (without --continue); see docs/REMOTE.md"

// errRemoteSignal is Signal's answer for a remote program: Delve's API has no
// way to send one.
var errRemoteSignal = fmt.Errorf("%w: a program under a remote Delve server cannot be signalled from here; stop it where it runs (docker stop, kubectl delete pod, kill on its host) and the shutdown phases are traced", tracer.ErrUnsupported)

// remoteState is what a session through a Delve server keeps beyond a local
// one.
type remoteState struct {
	cfg  ConnectConfig
	conn net.Conn
	// multiclient: the server outlives this client and keeps the program
	// running when it disconnects. attached: Delve attached to a running
	// process (dlv attach) rather than starting it, so it can let go of it.
	multiclient, attached bool
	delveVersion          string
	// moduleDir is the root of the program's main module as the program
	// names its files, for breakpoints at FILE:LINE relative to it.
	moduleDir string

	// attach is set when the Delve server is kratos-trace's own attach
	// helper, attached to a program running on this machine (attach.go).
	attach *attachState

	mu   sync.Mutex // guards the fields below
	lost bool       // the connection broke during the trace
	note string     // what became of the program; see DetachNote
}

// Connect attaches to the Delve headless server at cfg.Addr and begins a
// trace of its program in the background, like Start. A server that cannot
// be reached, speaks another protocol or API version, or whose program is
// already running or past main is reported at once, as a *UserError, and
// the program is left as it was.
func Connect(ctx context.Context, cfg ConnectConfig) (*Session, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil || cfg.Addr == "" {
		return nil, &UserError{Msg: fmt.Sprintf("%q is not HOST:PORT", cfg.Addr), Hint: "give the address Delve listens on, e.g. kratos-trace connect 127.0.0.1:2345"}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultConnectTimeout
	}
	conn, client, version, err := dialDelve(ctx, cfg.Addr, cfg.Timeout)
	if err != nil {
		return nil, err
	}
	r := &remoteState{cfg: cfg, conn: conn, delveVersion: version}
	r.multiclient = client.IsMulticlient()
	r.attached = client.AttachedToExistingProcess()
	if err := r.checkHalted(client); err != nil {
		// Nothing was changed: leave the program as it is. (A server without
		// --accept-multiclient ends a program it started when its one
		// client goes; nothing can be done about that.)
		_ = client.Disconnect(false)
		return nil, err
	}
	// From here on calls may block as long as the program runs.
	_ = conn.SetDeadline(time.Time{})
	s := newSession(Config{Target: cfg.Addr, NoBreak: cfg.NoBreak, Watches: cfg.Watches, Breaks: cfg.Breaks, Stall: cfg.Stall, KeepTimeouts: cfg.KeepTimeouts})
	s.remote = r
	if cfg.KillOnExit {
		// Should kratos-trace die without its way out, the watchdog ends
		// the program as the way out would have.
		s.lease.Add("remote %s", cfg.Addr)
	}
	s.client = client
	s.sources.paths = pathMap{rules: cfg.SubstitutePath}
	go s.run()
	return s, nil
}

// dialDelve connects to a Delve server and checks that it speaks the JSON-RPC
// API v2. The connection has a deadline of timeout from now, which the caller
// clears once its own checks are done.
func dialDelve(ctx context.Context, addr string, timeout time.Duration) (net.Conn, *rpc2.RPCClient, string, error) {
	d := net.Dialer{
		Timeout: timeout,
		// A tunnel or port-forward that dies silently is noticed within
		// about 20s rather than the system's minutes.
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 5 * time.Second, Interval: 5 * time.Second, Count: 3},
	}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, "", dialError(ctx, addr, timeout, err)
	}
	conn := &sniffConn{Conn: raw}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	// NewClientFromConn asks for API v2 and ignores the answer; ask again to
	// hear it.
	client := rpc2.NewClientFromConn(conn)
	fail := func(err error) (net.Conn, *rpc2.RPCClient, string, error) {
		_ = client.Disconnect(false)
		return nil, nil, "", err
	}
	if err := client.CallAPI("SetApiVersion", api.SetAPIVersionIn{APIVersion: 2}, &api.SetAPIVersionOut{}); err != nil {
		return fail(handshakeError(addr, timeout, conn, err))
	}
	var v api.GetVersionOut
	if err := client.CallAPI("GetVersion", api.GetVersionIn{}, &v); err != nil {
		return fail(handshakeError(addr, timeout, conn, err))
	}
	if v.APIVersion != 2 {
		return fail(&UserError{
			Msg:  fmt.Sprintf("the Delve server at %s speaks API v%d; kratos-trace needs v2", addr, v.APIVersion),
			Hint: "start it with --api-version 2 (and a Delve of 1.7 or newer)",
		})
	}
	version := strings.TrimPrefix(strings.SplitN(v.DelveVersion, "\n", 2)[0], "Version: ")
	return conn, client, version, nil
}

// dialError explains a failed connection.
func dialError(ctx context.Context, addr string, timeout time.Duration, err error) error {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, syscall.ECONNREFUSED):
		return &UserError{
			Msg:  fmt.Sprintf("nothing accepts connections at %s (connection refused)", addr),
			Hint: startDelveHint + ". A server without --accept-multiclient takes one client only and then refuses the rest",
			Err:  err,
		}
	case errors.As(err, &dnsErr):
		return &UserError{Msg: fmt.Sprintf("cannot resolve %s: %v", addr, dnsErr.Err), Hint: "check the host name, or connect through a port-forward or tunnel to 127.0.0.1:PORT", Err: err}
	case errors.As(err, &netErr) && netErr.Timeout():
		return &UserError{
			Msg:  fmt.Sprintf("no answer from %s within %s", addr, timeout),
			Hint: "check that the port-forward or SSH tunnel is up and that Delve listens on that port (--listen :2345 listens on every interface, --listen 127.0.0.1:2345 only inside the container)",
			Err:  err,
		}
	}
	return &UserError{Msg: fmt.Sprintf("cannot connect to %s: %v", addr, err), Hint: startDelveHint, Err: err}
}

// handshakeError explains why a server that accepted the connection is not
// one kratos-trace can drive.
func handshakeError(addr string, timeout time.Duration, conn *sniffConn, err error) error {
	first, readErr := conn.sniffed()
	var netErr net.Error
	var serverErr rpc.ServerError
	switch {
	case errors.As(readErr, &netErr) && netErr.Timeout():
		return &UserError{
			Msg:  fmt.Sprintf("the server at %s did not answer within %s; it does not look like a Delve headless server", addr, timeout),
			Hint: startDelveHint,
			Err:  err,
		}
	case len(first) > 0 && first[0] != '{':
		return &UserError{
			Msg:  fmt.Sprintf("the server at %s is not a Delve server: it answered %q", addr, printablePrefix(first)),
			Hint: "point kratos-trace at the port Delve listens on (--listen), not at the service's own HTTP or gRPC port",
			Err:  err,
		}
	case errors.As(err, &serverErr):
		return &UserError{
			Msg:  fmt.Sprintf("the Delve server at %s does not speak API v2: %s", addr, string(serverErr)),
			Hint: "start it with --api-version 2 (and a Delve of 1.7 or newer)",
			Err:  err,
		}
	case len(first) == 0:
		return &UserError{
			Msg:  fmt.Sprintf("the server at %s closed the connection without answering", addr),
			Hint: "a Delve server without --accept-multiclient serves one client only; " + startDelveHint,
			Err:  err,
		}
	}
	return &UserError{Msg: fmt.Sprintf("the server at %s does not speak Delve's JSON-RPC API: %v", addr, err), Hint: startDelveHint, Err: err}
}

// printablePrefix shows the start of an unexpected answer on one line.
func printablePrefix(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// sniffConn keeps the first bytes a server sends and the first read error,
// so that a failed handshake can say what answered.
type sniffConn struct {
	net.Conn
	mu      sync.Mutex
	first   []byte
	readErr error
}

func (c *sniffConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if len(c.first) < 64 {
		c.first = append(c.first, p[:min(n, 64-len(c.first))]...)
	}
	if err != nil && c.readErr == nil {
		c.readErr = err
	}
	c.mu.Unlock()
	return n, err
}

func (c *sniffConn) sniffed() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.first...), c.readErr
}

// checkHalted makes sure the program is where a trace of its boot can begin:
// halted, and not yet in main.main. With Restart it restarts it first.
func (r *remoteState) checkHalted(c *rpc2.RPCClient) error {
	addr := r.cfg.Addr
	againHint := "kratos-trace traces a boot from its start: pass --restart to have Delve restart the program, or start dlv again without --continue"
	if r.cfg.Restart {
		// Delve restarts a halted program only; one left running by an
		// earlier trace is halted first.
		if st, err := c.GetStateNonBlocking(); err == nil && st.Running {
			if _, err := c.Halt(); err != nil {
				return &UserError{Msg: fmt.Sprintf("the Delve server at %s could not halt the program to restart it: %v", addr, err), Err: err}
			}
		}
		if _, err := c.Restart(false); err != nil {
			return &UserError{
				Msg:  fmt.Sprintf("the Delve server at %s could not restart the program: %v", addr, err),
				Hint: "Delve restarts only programs it started (dlv exec, dlv debug), not those it attached to",
				Err:  err,
			}
		}
	}
	st, err := c.GetStateNonBlocking()
	switch {
	case err != nil && exitedPattern.MatchString(err.Error()):
		return &UserError{Msg: fmt.Sprintf("the program under Delve at %s has already exited", addr), Hint: againHint, Err: err}
	case err != nil:
		return &UserError{Msg: fmt.Sprintf("the Delve server at %s did not report its program's state: %v", addr, err), Hint: startDelveHint, Err: err}
	case st.Exited:
		return &UserError{Msg: fmt.Sprintf("the program under Delve at %s has already exited", addr), Hint: againHint}
	case st.Running:
		return &UserError{Msg: fmt.Sprintf("the program under Delve at %s is already running (was dlv started with --continue?)", addr), Hint: againHint}
	}
	if frames, err := c.Stacktrace(1, 64, 0, 0, nil); err == nil {
		for _, f := range frames {
			if f.Function != nil && f.Function.Name() == "main.main" {
				return &UserError{Msg: fmt.Sprintf("the program under Delve at %s is already past main.main (stopped at %s:%d)", addr, f.File, f.Line), Hint: againHint}
			}
		}
	}
	return nil
}

// interruptRemote gets the run goroutine out of a Delve command for Close:
// a program running under Continue is halted, and a connection that does not
// answer is cut after a while, which fails any call still waiting.
func (s *Session) interruptRemote() {
	s.mu.Lock()
	stepping := s.stepping
	s.mu.Unlock()
	if stepping {
		go func() { _, _ = s.client.Halt() }()
	}
	go func() {
		select {
		case <-s.done:
		case <-time.After(s.remote.cfg.Timeout):
			s.remote.markLost()
			_ = s.remote.conn.Close()
		}
	}()
}

// debuggerFailed turns a failed Delve command into the error event; for a
// remote session a broken connection is said to be one.
func (s *Session) debuggerFailed(err error) tracer.Event {
	if s.remote == nil || !isConnectionLoss(err) {
		return tracer.Event{Kind: tracer.KindError, Error: "the debugger failed: " + err.Error()}
	}
	s.remote.markLost()
	addr := s.remote.cfg.Addr
	cause := err.Error()
	var netErr net.Error
	switch {
	case errors.Is(err, rpc.ErrShutdown) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		cause = "the connection was closed"
	case errors.As(err, &netErr) && netErr.Timeout():
		cause = "it stopped answering"
	}
	return tracer.Event{
		Kind:   tracer.KindError,
		Error:  fmt.Sprintf("lost the connection to the Delve server at %s: %s", addr, cause),
		Reason: "check that dlv still runs there and the port-forward or tunnel is up; then connect again with --restart to trace the boot from its start (r in the terminal UI)",
	}
}

// isConnectionLoss reports whether err says the connection to Delve broke,
// as opposed to Delve refusing a command.
func isConnectionLoss(err error) bool {
	var netErr net.Error
	return errors.Is(err, rpc.ErrShutdown) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &netErr)
}

func (r *remoteState) markLost() {
	r.mu.Lock()
	r.lost = true
	r.mu.Unlock()
}

func (r *remoteState) setNote(format string, args ...any) {
	r.mu.Lock()
	r.note = fmt.Sprintf(format, args...)
	r.mu.Unlock()
}

// DetachNote says, once Close has returned, what became of a remote program
// and how to get back to it, e.g. "left the program running under Delve at
// …". It is empty for a program kratos-trace launched itself.
func (s *Session) DetachNote() string {
	if s.remote == nil {
		return ""
	}
	s.remote.mu.Lock()
	defer s.remote.mu.Unlock()
	return s.remote.note
}

// teardownRemote leaves the remote program as the user asked: it clears the
// breakpoints this session set, then lets the program run on and
// disconnects, or kills it with KillOnExit. It never leaves the program
// halted at a breakpoint of ours, and never touches the remote file system.
func (s *Session) teardownRemote() {
	r, c := s.remote, s.client
	addr := r.cfg.Addr
	// Bound the whole way out: a connection that stops answering must not
	// keep kratos-trace from exiting.
	_ = r.conn.SetDeadline(time.Now().Add(r.cfg.Timeout))
	defer c.Disconnect(false)

	r.mu.Lock()
	lost := r.lost
	r.mu.Unlock()
	if lost {
		r.setNote("the connection to the Delve server at %s was lost: the program's state is unknown. If that server still runs, `kratos-trace connect --restart %s` clears the breakpoints kratos-trace left and traces the boot again", addr, addr)
		return
	}
	st, err := c.GetStateNonBlocking()
	exited := err == nil && st.Exited || err != nil && exitedPattern.MatchString(err.Error())
	if err != nil && !exited {
		r.setNote("the Delve server at %s stopped answering (%v): the program's state is unknown", addr, err)
		return
	}
	if !exited {
		s.clearOwnBreakpoints(st)
	}
	switch {
	case r.cfg.KillOnExit:
		// Detach with kill ends the program; Delve's server then exits.
		_ = c.Detach(true)
		r.setNote("ended the program and its Delve server at %s (--kill-on-exit)", addr)
	case exited:
		r.setNote("the program has exited; the Delve server at %s still runs: `dlv connect %s`, then `restart` or `exit`", addr, addr)
	case r.multiclient:
		if err := leaveRunning(c); err != nil {
			r.setNote("could not let the program run on (%v): it may be halted under Delve at %s; `dlv connect %s` then `continue`", err, addr, addr)
			return
		}
		r.setNote("left the program running under Delve at %s, with kratos-trace's breakpoints cleared. To debug it: `dlv connect %s`; to trace its boot again: `kratos-trace connect --restart %s`", addr, addr, addr)
	case r.attached:
		_ = c.Detach(false)
		r.setNote("detached: the program runs on without Delve (the Delve server at %s has exited)", addr)
	default:
		// A server for one client that started the program ends it when
		// its client goes; Disconnect(false) in the defer does that.
		r.setNote("the Delve server at %s was started without --accept-multiclient, so it ended the program when kratos-trace disconnected; start dlv with --accept-multiclient to keep the program running", addr)
	}
}

// clearOwnBreakpoints halts the program if it runs and clears every
// breakpoint this session set (its phases', its requests', the user's),
// putting the servers' timeouts back on the way.
func (s *Session) clearOwnBreakpoints(st *api.DebuggerState) {
	c := s.client
	if st.Running {
		if _, err := c.Halt(); err != nil {
			debugf("teardown: halt: %v", err)
		}
	}
	if st.NextInProgress {
		_ = c.CancelNext()
	}
	for id := range s.plan {
		if _, err := c.ClearBreakpoint(id); err != nil {
			debugf("teardown: clear breakpoint %d: %v", id, err)
		}
	}
	s.clearRequestBreakpoints()
	for id := range s.bps.own {
		if _, err := c.ClearBreakpoint(id); err != nil {
			debugf("teardown: clear breakpoint %d: %v", id, err)
		}
	}
}

// leaveRunning continues the program and waits until Delve reports it
// running, so that the caller can disconnect knowing it is not halted. A
// stop on the way (a signal, a breakpoint someone else set) is continued
// again a few times.
func leaveRunning(c *rpc2.RPCClient) error {
	for range 3 {
		stopped := make(chan *api.DebuggerState, 1)
		go func() {
			var last *api.DebuggerState
			for st := range c.Continue() {
				last = st
			}
			stopped <- last
		}()
		deadline := time.After(5 * time.Second)
	wait:
		for {
			select {
			case st := <-stopped:
				if st == nil || st.Exited || st.Err != nil {
					// Exited, or the connection went: nothing is halted.
					return nil
				}
				break wait // stopped again: continue once more
			case <-deadline:
				return errors.New("Delve did not report the program running")
			case <-time.After(20 * time.Millisecond):
				st, err := c.GetStateNonBlocking()
				if err != nil {
					return err
				}
				if st.Running {
					return nil
				}
			}
		}
	}
	return errors.New("the program kept stopping")
}

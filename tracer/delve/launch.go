package delve

import (
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/go-delve/delve/pkg/proc"
	"github.com/go-delve/delve/service"
	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/debugger"
	"github.com/go-delve/delve/service/rpc2"
	"github.com/go-delve/delve/service/rpccommon"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/gobuild"
)

// launch builds the program, starts it under Delve and sets the breakpoints;
// for a remote session it reads the program through its Delve server instead.
func (s *Session) launch() error {
	if s.remote != nil {
		return s.attachRemote()
	}
	dir, err := os.MkdirTemp("", "kratos-trace-")
	if err != nil {
		return fmt.Errorf("create temp dir: %w", err)
	}
	s.mu.Lock()
	s.tmpDir = dir
	s.mu.Unlock()
	s.lease.Add("dir %s", dir)
	built, err := gobuild.Build(s.target, dir, gobuild.Options{NoCache: s.cfg.NoCache, Status: s.status, Progress: s.buildProgress, Cancel: s.quit, Lease: &s.lease})
	if err != nil {
		return err
	}
	bin := built.Bin
	select {
	case <-s.quit:
		return errors.New("cancelled")
	default:
	}
	s.holdUntilLaunch()
	kratosVersion, kratosDir, goVersion := kratosOf(bin)

	s.status("launching %s under Delve", s.target.ImportPath)
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("create output pipe: %w", err)
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		stdoutR.Close()
		stdoutW.Close()
		return fmt.Errorf("create output pipe: %w", err)
	}
	// Until its pid is known, the program is found by its executable.
	s.lease.Add("exe %s", bin)
	var conn net.Conn
	var runErr error
	if s.cfg.Isolated {
		ps := s.newServerProcess(dir, bin, stdoutW, stderrW)
		s.server = ps
		runErr = ps.Run()
		conn = ps.conn
	} else {
		var listener net.Listener
		listener, conn = service.ListenerPipe()
		s.server = rpccommon.NewServer(&service.Config{
			Listener:    listener,
			ProcessArgs: append([]string{bin}, s.cfg.Args...),
			APIVersion:  2,
			Debugger: debugger.Config{
				WorkingDir:     s.cfg.WorkingDir,
				Backend:        "default",
				CheckGoVersion: true,
				Stdout:         proc.OutputRedirect{File: stdoutW},
				Stderr:         proc.OutputRedirect{File: stderrW},
			},
		})
		runErr = withProgramEnv(s.cfg.Env, s.server.Run)
	}
	// The program holds its own copies of the write ends now.
	stdoutW.Close()
	stderrW.Close()
	s.outputs.Add(2)
	s.outputPipes = []*outputPipe{newOutputPipe(stdoutR), newOutputPipe(stderrR)}
	go s.pumpOutput("stdout", s.outputPipes[0])
	go s.pumpOutput("stderr", s.outputPipes[1])
	if runErr != nil {
		s.server = nil
		return launchError(runErr)
	}
	s.client = rpc2.NewClientFromConn(conn)
	s.mu.Lock()
	s.pid = s.client.ProcessPid()
	s.launched = time.Now()
	s.mu.Unlock()
	s.lease.Add("pid %d %s", s.pid, bin)

	entries, notes := planPhases(s.target.Dir, kratosDir)
	s.arm(entries, notes, tracer.Session{
		Target:        s.cfg.Target,
		Package:       s.target.ImportPath,
		Dir:           s.target.Dir,
		Args:          s.cfg.Args,
		WorkingDir:    s.cfg.WorkingDir,
		KratosVersion: kratosVersion,
		GoVersion:     goVersion,
	})
	return s.armUserBreaks(s.cfg.Breaks)
}

// arm sets a breakpoint for every available phase of the plan, then sends
// the session event, with the plan as resolved, and the plan's notes. File
// breakpoints are set at the program's own path of the file, which differs
// from the local one when the program was built elsewhere.
func (s *Session) arm(entries []planEntry, notes []string, info tracer.Session) {
	s.plan = map[int]planEntry{}
	var planned []tracer.PlannedPhase
	for i, e := range entries {
		if e.configSource && s.cfg.NoProvenance {
			continue
		}
		if e.Unavailable == "" && !e.marker {
			bp := &api.Breakpoint{FunctionName: e.Function, File: s.sources.paths.toRemote(e.File), Line: e.Line, Cond: e.cond}
			if e.Function != "" {
				bp.File, bp.Line = "", 0
			}
			if s.remote != nil {
				// Named, so that a later session can find and clear them.
				bp.Name = fmt.Sprintf("%s%d", remoteBreakpointPrefix, i+1)
			}
			got, err := s.client.CreateBreakpoint(bp)
			switch {
			case err != nil && strings.Contains(err.Error(), "Breakpoint exists") && s.armShared(&e):
				// Another phase stops here already; the hit means both.
			case err != nil && e.optional:
				// Code this program does not link (a client it never
				// builds): not a phase of its trace.
				debugf("optional %s left out: %v", e.Phase, err)
				continue
			case err != nil:
				e.Unavailable = unavailableReason(e, err)
			default:
				debugf("breakpoint %d %s %s at %s:%d (%d addrs)", got.ID, e.Phase, got.FunctionName, got.File, got.Line, len(got.Addrs))
				e.File, e.Line = got.File, got.Line
				if e.Function == "" {
					e.Function = e.inFunc
				}
				s.plan[got.ID] = e
				s.bps.record(got.ID, got.Addrs)
			}
		}
		if e.ret == nil && !e.failure && !e.configSource {
			// A provider's return is part of its phase, a failure's
			// breakpoint of the phase that failed, and a config source's
			// of config.load: not phases of their own.
			planned = append(planned, e.PlannedPhase)
		}
	}
	info.Plan = planned
	s.emit(tracer.Event{Kind: tracer.KindSession, Session: &info})
	for _, n := range notes {
		s.status("%s", n)
	}
}

// unavailableReason says in one line why a phase's breakpoint could not be set.
func unavailableReason(e planEntry, err error) string {
	msg := tracer.OneLine(err.Error(), 0)
	if strings.Contains(msg, "could not find function") || strings.Contains(msg, "location not found") {
		if e.Function != "" {
			return e.Function + " is not linked into this program"
		}
		return fmt.Sprintf("no code at %s:%d in this program", filepath.Base(e.File), e.Line)
	}
	return msg
}

// launchError explains a failed launch; ptrace refusals get a hint.
func launchError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "operation not permitted") || strings.Contains(msg, "permission denied") {
		hint := ptraceHint
		if runtime.GOOS == "darwin" {
			hint = "allow debugging: run `sudo DevToolsSecurity -enable` and accept the developer-tools prompt"
		}
		return &UserError{Msg: "the debugger may not trace the program: ptrace is not permitted here", Hint: hint, Err: err}
	}
	return &UserError{Msg: "could not start the program under Delve: " + msg, Err: err}
}

// kratosOf reads the binary's build info: the Kratos version it links and
// the directory of that version's source, and the Go version.
func kratosOf(bin string) (version, dir, goVersion string) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return "", "", ""
	}
	goVersion = info.GoVersion
	for _, dep := range info.Deps {
		if dep.Path != KratosModule {
			continue
		}
		m := dep
		if dep.Replace != nil {
			m = dep.Replace
		}
		version = m.Version
		if filepath.IsAbs(m.Path) || strings.HasPrefix(m.Path, ".") {
			return version, m.Path, goVersion
		}
		return version, filepath.Join(modCache(), escapeModulePath(m.Path)+"@"+m.Version), goVersion
	}
	return "", "", goVersion
}

// pumpOutput turns the program's output into events, one a line (a very
// long line in chunks, see readOutputLines). It reads until the program
// closes its end, whatever the program writes.
func (s *Session) pumpOutput(stream string, r io.ReadCloser) {
	defer s.outputs.Done()
	defer r.Close()
	lineStart := true
	err := readOutputLines(r, maxOutputChunk, func(text string, continued bool) {
		if lineStart && stream == "stderr" && (strings.HasPrefix(text, "panic: ") || strings.HasPrefix(text, "fatal error: ")) {
			s.mu.Lock()
			if s.panicLine == "" {
				s.panicLine = text
			}
			s.mu.Unlock()
		}
		lineStart = !continued
		s.emit(tracer.Event{Kind: tracer.KindOutput, Output: &tracer.OutputLine{Stream: stream, Text: text, Continued: continued}})
	})
	if err != nil {
		debugf("read the program's %s: %v", stream, err)
	}
}

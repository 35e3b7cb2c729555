package delve

import (
	"errors"
	"os"
	"strings"
	"sync"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// errNotLaunched ends a session closed while it waited for Config.Launch:
// the program never ran, and there is nothing to report.
var errNotLaunched = errors.New("closed before the program was launched")

// A session with Config.Launch (a system's service that starts after
// others) loads its program under Delve and sets the breakpoints as soon as
// it is built, while the services before it boot: Delve holds the program
// at its entry, and loading the debug information (the longest part of a
// launch, half a second for the demo) is done by the time the gate opens.
// What the launch says is held back meanwhile, so that the trace reads as
// before: the service is launched, then runs, once the ones it comes after
// are running.

// holdUntilLaunch starts holding the events, when there is a gate.
func (s *Session) holdUntilLaunch() {
	if s.cfg.Launch == nil {
		return
	}
	s.status("%s", tracer.StatusLoadedAhead)
	s.sendMu.Lock()
	s.holding = true
	s.sendMu.Unlock()
}

// waitLaunch waits, once the program is loaded, until Config.Launch lets
// it run, then hands on the events held meanwhile.
func (s *Session) waitLaunch() error {
	if s.cfg.Launch == nil {
		return nil
	}
	select {
	case <-s.cfg.Launch:
		s.releaseHeld()
		return nil
	case <-s.quit:
		return errNotLaunched
	}
}

// releaseHeld sends the events held, in their order, and stops holding.
func (s *Session) releaseHeld() {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	held := s.held
	s.held, s.holding = nil, false
	for _, ev := range held {
		if s.eventsClosed {
			return
		}
		select {
		case s.events <- ev:
		case <-s.quit:
			return
		}
	}
}

// programEnvMu serialises the launches that change the environment: Delve
// starts the program with this process's environment and takes no other,
// so Config.Env is set here for the moment of the launch and put back.
var programEnvMu sync.Mutex

// withProgramEnv runs launch with env (KEY=VALUE) added to this process's
// environment.
func withProgramEnv(env []string, launch func() error) error {
	if len(env) == 0 {
		return launch()
	}
	programEnvMu.Lock()
	defer programEnvMu.Unlock()
	type saved struct {
		key, value string
		had        bool
	}
	var restore []saved
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		old, had := os.LookupEnv(k)
		restore = append(restore, saved{k, old, had})
		_ = os.Setenv(k, v)
	}
	defer func() {
		for i := len(restore) - 1; i >= 0; i-- {
			r := restore[i]
			if r.had {
				_ = os.Setenv(r.key, r.value)
			} else {
				_ = os.Unsetenv(r.key)
			}
		}
	}()
	return launch()
}

package delve

import (
	"errors"
	"os"
	"strings"
	"sync"
)

// errNotLaunched ends a session closed while it waited for Config.Launch:
// the program never ran, and there is nothing to report.
var errNotLaunched = errors.New("closed before the program was launched")

// waitLaunch waits, once the program is built, until Config.Launch lets
// it run (a system starts each service after the ones it comes after).
func (s *Session) waitLaunch() error {
	if s.cfg.Launch == nil {
		return nil
	}
	select {
	case <-s.cfg.Launch:
		return nil
	case <-s.quit:
		return errNotLaunched
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

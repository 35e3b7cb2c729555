package script

import (
	"context"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A Lesson passes the user's own questions (tracer.Inspector) on to the
// Source it plays, through its embedded inspector, so that the UI can read
// variables, evaluate expressions and keep watches at the stops the script
// pauses at, as without a script; a breakpoint the user adds is passed
// while the script runs unless the script breaks there too. Halt is the
// one exception while the script runs: the script decides where the
// program stops; once it is over, a halt passes too.
type inspector = tracer.Inspector

// Halt halts the played Source once the script is over; while it runs,
// the script decides where the program stops.
func (l *Lesson) Halt(ctx context.Context) error {
	l.mu.Lock()
	scripted := l.scripted
	l.mu.Unlock()
	if scripted {
		return fmt.Errorf("%w while the script runs: it decides where the program stops", tracer.ErrUnsupported)
	}
	return l.inspector.Halt(ctx)
}

var _ tracer.Inspector = (*Lesson)(nil)

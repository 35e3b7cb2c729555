package delve

import (
	"os"
	"sync/atomic"
	"time"
)

// outputPipe is the read end of one of the program's output streams. It
// knows whether its reader has caught up with everything the program wrote,
// so that a stop is reported only after the output that came before it.
type outputPipe struct {
	f *os.File
	// inRead is set while the reader waits in Read; reads counts the Reads
	// that returned.
	inRead atomic.Bool
	reads  atomic.Int64
}

func newOutputPipe(f *os.File) *outputPipe { return &outputPipe{f: f} }

// Read reads from the pipe, marking the time spent waiting in it.
func (p *outputPipe) Read(b []byte) (int, error) {
	p.inRead.Store(true)
	n, err := p.f.Read(b)
	p.inRead.Store(false)
	p.reads.Add(1)
	return n, err
}

// Close closes the read end.
func (p *outputPipe) Close() error { return p.f.Close() }

// idle reports whether the reader waits in Read with nothing left in the
// pipe, and how many Reads have returned so far.
func (p *outputPipe) idle() (bool, int64) {
	reads := p.reads.Load()
	return p.inRead.Load() && pipeBuffered(p.f) == 0, reads
}

// outputCatchUp bounds the wait for the readers; a program that writes
// megabytes just before a stop gets its tail after the stop, not a hang.
const outputCatchUp = 200 * time.Millisecond

// catchUpOutput waits until the readers of the program's output have turned
// everything the program wrote before it stopped into events. The program
// is stopped, so nothing new arrives: the readers are caught up once both
// wait in Read on empty pipes, twice in a row with no Read returning between.
func (s *Session) catchUpOutput() {
	pipes := s.outputPipes
	if len(pipes) == 0 {
		return
	}
	deadline := time.Now().Add(outputCatchUp)
	var last []int64
	for time.Now().Before(deadline) {
		counts := make([]int64, len(pipes))
		allIdle := true
		for i, p := range pipes {
			idle, n := p.idle()
			allIdle = allIdle && idle
			counts[i] = n
		}
		if allIdle && last != nil && equalCounts(last, counts) {
			return
		}
		if allIdle {
			last = counts
		} else {
			last = nil
		}
		time.Sleep(500 * time.Microsecond)
	}
	debugf("output readers did not catch up within %s", outputCatchUp)
}

func equalCounts(a, b []int64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

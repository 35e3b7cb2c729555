package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
)

// RecordOptions control a Recorder.
type RecordOptions struct {
	// Target names what is traced, for the header when the trace ends
	// before its session event names it (a build failure).
	Target string
	// Version is the kratos-trace version for the header; empty means
	// Version().
	Version string
	// NoRedact writes the values that look secret as they are. By default
	// every event is passed through redact.Event before it is written.
	NoRedact bool
	// HashKey, when set, keeps the keyed hash of each masked Bootstrap
	// value beside it (redact.EventHashed), so that a diff of two
	// recordings sees a secret change without either holding it.
	HashKey *redact.HashKey
}

// Recorder is a tracer.Source that passes another Source's events and
// commands through unchanged, and writes every event (redacted) to a
// recording on the way. The consumer sees the real values; the file does
// not.
//
// Each event is written, and flushed if the writer has a Flush method,
// before the consumer receives it. The header, which names the Kratos and
// Go versions, is written when the session event arrives; the status
// events before it (the build) are held until then. A run killed during the
// build therefore leaves an empty file, and one killed later a valid prefix.
type Recorder struct {
	src tracer.Source
	// inspector answers the user's questions (replay/inspect.go).
	inspector
	w    io.Writer
	opts RecordOptions

	out  chan tracer.Event
	quit chan struct{}
	done chan struct{}

	mu            sync.Mutex // guards the fields below
	header        Header
	headerWritten bool
	held          []tracer.Event
	recorded      []tracer.Event
	err           error
	closeOnce     sync.Once
	closeErr      error
}

// Record starts recording src to w, which may be nil to keep the redacted
// events in memory only (for an export, see Recorded). The Recorder owns src
// from now on: use the Recorder in its place, and Close it.
func Record(src tracer.Source, w io.Writer, opts RecordOptions) *Recorder {
	if opts.Version == "" {
		opts.Version = Version()
	}
	r := &Recorder{
		src:       src,
		inspector: tracer.InspectorOf(src, tracer.ErrUnsupported),
		w:         w,
		opts:      opts,
		out:       make(chan tracer.Event),
		quit:      make(chan struct{}),
		done:      make(chan struct{}),
		header: Header{
			Format:      FormatName,
			Version:     FormatVersion,
			KratosTrace: opts.Version,
			Target:      opts.Target,
			Started:     time.Now(),
			OS:          runtime.GOOS,
			Arch:        runtime.GOARCH,
			Redacted:    !opts.NoRedact,
		},
	}
	if opts.HashKey != nil && !opts.NoRedact {
		r.header.HashKey = opts.HashKey.ID()
	}
	go r.pump()
	return r
}

// pump records each event of the wrapped Source, then hands it on.
func (r *Recorder) pump() {
	defer close(r.done)
	defer close(r.out)
	for ev := range r.src.Events() {
		r.record(ev)
		select {
		case r.out <- ev:
		case <-r.quit:
			// The consumer is gone; keep recording until the Source closes.
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.headerWritten {
		r.writeHeaderLocked()
	}
}

func (r *Recorder) record(ev tracer.Event) {
	if !r.opts.NoRedact {
		ev = redact.EventHashed(ev, r.opts.HashKey)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recorded = append(r.recorded, ev)
	if !r.headerWritten {
		if ev.Kind == tracer.KindStatus {
			r.held = append(r.held, ev)
			return
		}
		if s := ev.Session; s != nil {
			r.header.Target = s.Target
			r.header.KratosVersion = s.KratosVersion
			r.header.GoVersion = s.GoVersion
		}
		r.writeHeaderLocked()
	}
	r.writeLocked(ev)
}

// writeHeaderLocked writes the header and the events held for it.
func (r *Recorder) writeHeaderLocked() {
	r.headerWritten = true
	r.writeLocked(r.header)
	for _, ev := range r.held {
		r.writeLocked(ev)
	}
	r.held = nil
}

// writeLocked writes v as one line. After the first failure nothing more is
// written: a recording with a gap would replay as if nothing happened there.
func (r *Recorder) writeLocked(v any) {
	if r.w == nil || r.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		r.err = fmt.Errorf("encode the recording: %w", err)
		return
	}
	if _, err := r.w.Write(append(b, '\n')); err != nil {
		r.err = fmt.Errorf("write the recording: %w", err)
		return
	}
	if f, ok := r.w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			r.err = fmt.Errorf("write the recording: %w", err)
		}
	}
}

// Err returns the first error writing the recording, if any.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Header returns the recording's header as it stands: complete once the
// session event has passed.
func (r *Recorder) Header() Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.header
}

// Recorded returns the events recorded so far, as written (redacted unless
// NoRedact).
func (r *Recorder) Recorded() []tracer.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.recorded)
}

// Events returns the wrapped Source's events, unredacted.
func (r *Recorder) Events() <-chan tracer.Event { return r.out }

// Continue passes the command to the wrapped Source.
func (r *Recorder) Continue(ctx context.Context) error { return r.src.Continue(ctx) }

// StepOver passes the command to the wrapped Source.
func (r *Recorder) StepOver(ctx context.Context) error { return r.src.StepOver(ctx) }

// StepOut passes the command to the wrapped Source.
func (r *Recorder) StepOut(ctx context.Context) error { return r.src.StepOut(ctx) }

// Signal passes the command to the wrapped Source.
func (r *Recorder) Signal(ctx context.Context, sig os.Signal) error {
	return r.src.Signal(ctx, sig)
}

// SetBreak passes the command to the wrapped Source.
func (r *Recorder) SetBreak(phase tracer.PhaseID, on bool) error {
	return r.src.SetBreak(phase, on)
}

// Close closes the wrapped Source, waits until its last event is recorded
// and returns the first error of either. It does not close the writer.
func (r *Recorder) Close() error {
	r.closeOnce.Do(func() {
		close(r.quit)
		err := r.src.Close()
		<-r.done
		r.closeErr = errors.Join(err, r.Err())
	})
	return r.closeErr
}

var _ tracer.Source = (*Recorder)(nil)

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tracer/export"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/script"
)

// recording is what `run --record` and `run --trace-out` write: the JSON
// lines file as the trace goes, the Trace Event Format file at its end.
type recording struct {
	target   string
	path     string // --record; "" for none
	traceOut string // --trace-out; "" for none
	noRedact bool
	// hashKey keys the hashes of the masked values (redact.HashKey).
	hashKey *redact.HashKey

	mu   sync.Mutex
	file *os.File
	rec  *replay.Recorder
}

// startRecording opens the --record file, so that a bad path is reported
// before anything is built. It returns nil when neither --record, nor
// --trace-out, nor --baseline (which compares what is recorded) was given.
func startRecording(io streams, target string, opts runOptions) (*recording, error) {
	if opts.record == "" && opts.traceOut == "" && opts.base == nil {
		return nil, nil
	}
	r := &recording{target: target, path: opts.record, traceOut: opts.traceOut, noRedact: opts.noRedact}
	if !opts.noRedact {
		key, err := redact.LoadHashKey()
		if err != nil {
			// The recording is still masked; a diff just cannot tell
			// whether a secret changed.
			fmt.Fprintf(io.err, "kratos-trace: masked values are recorded without their hashes: %v\n", err)
		}
		r.hashKey = key
	}
	if r.path != "" {
		f, err := os.Create(r.path)
		if err != nil {
			return nil, fmt.Errorf("create the recording: %w", err)
		}
		r.file = f
	}
	return r, nil
}

// wrap records src. The TUI's restart starts a new trace: the file then
// holds the newest one.
func (r *recording) wrap(src tracer.Source) (tracer.Source, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rec != nil {
		_ = r.rec.Close()
		if r.file != nil {
			if err := r.file.Truncate(0); err != nil {
				return nil, fmt.Errorf("restart the recording: %w", err)
			}
			if _, err := r.file.Seek(0, 0); err != nil {
				return nil, fmt.Errorf("restart the recording: %w", err)
			}
		}
	}
	// A nil *os.File in an io.Writer would not be nil.
	var w io.Writer
	if r.file != nil {
		w = r.file
	}
	r.rec = replay.Record(src, w, replay.RecordOptions{Target: r.target, NoRedact: r.noRedact, HashKey: r.hashKey})
	return r.rec, nil
}

// finish closes the recording and writes the --trace-out file. runErr is the
// run's outcome, which it returns unless the files failed.
func (r *recording) finish(io streams, runErr error) error {
	if r == nil {
		return runErr
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	if r.rec != nil {
		if err := r.rec.Close(); err != nil && !errors.Is(err, tracer.ErrEnded) {
			errs = append(errs, err)
		}
	}
	if r.file != nil {
		if err := r.file.Close(); err != nil {
			errs = append(errs, fmt.Errorf("write the recording: %w", err))
		}
		if r.rec != nil {
			fmt.Fprintf(io.err, "kratos-trace: recorded %d events to %s%s\n", len(r.rec.Recorded()), r.path, redactedNote(r.noRedact))
		} else {
			// Nothing started (a bad target): leave no empty file behind.
			_ = os.Remove(r.path)
		}
	}
	if r.traceOut != "" && r.rec != nil {
		h := r.rec.Header()
		if err := writeTraceFile(r.traceOut, r.rec.Recorded(), h, "", r.noRedact); err != nil {
			errs = append(errs, err)
		} else {
			fmt.Fprintf(io.err, "kratos-trace: wrote the trace to %s (open it in https://ui.perfetto.dev)\n", r.traceOut)
		}
	}
	if len(errs) > 0 {
		return errors.Join(append(errs, runErr)...)
	}
	return runErr
}

// boot is what was recorded, masked as a recording is, for a diff against
// --baseline.
func (r *recording) boot() diff.Boot {
	if r == nil {
		return diff.Boot{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rec == nil {
		return diff.Boot{}
	}
	h := r.rec.Header()
	return diff.Boot{Name: "this boot (" + r.target + ")", Events: r.rec.Recorded(), Redacted: h.Redacted, HashKey: h.HashKey}
}

// compareLive is --baseline's comparison for the terminal UI: the events
// masked as they are recorded.
func (r *recording) compareLive(b *baseline) func([]tracer.Event) *diff.Result {
	if r == nil {
		return nil
	}
	boot := diff.Boot{Name: "this boot (" + r.target + ")", Redacted: !r.noRedact}
	if r.hashKey != nil && !r.noRedact {
		boot.HashKey = r.hashKey.ID()
	}
	return b.liveCompare(boot, !r.noRedact, r.hashKey)
}

func redactedNote(noRedact bool) string {
	if noRedact {
		return " (secrets NOT masked: --no-redact)"
	}
	return ""
}

// writeTraceFile exports events to path ("-" for stdout is handled by the
// caller) in the Trace Event Format, with the recording's header as metadata.
func writeTraceFile(path string, events []tracer.Event, h replay.Header, from string, noRedact bool) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create the trace file: %w", err)
	}
	werr := export.Write(f, events, exportOptions(h, from, noRedact))
	if err := f.Close(); err != nil && werr == nil {
		werr = fmt.Errorf("write the trace file: %w", err)
	}
	return werr
}

// exportOptions names the trace after its target and keeps the header as
// metadata.
func exportOptions(h replay.Header, from string, noRedact bool) export.Options {
	meta := map[string]string{
		"target":               h.Target,
		"kratos_trace_version": h.KratosTrace,
		"kratos_version":       h.KratosVersion,
		"go_version":           h.GoVersion,
		"os":                   h.OS,
		"arch":                 h.Arch,
		"record_format":        strconv.Itoa(h.Version),
	}
	if !h.Started.IsZero() {
		meta["started"] = h.Started.Format(time.RFC3339)
	}
	if from != "" {
		meta["recording"] = from
	}
	for k, v := range meta {
		if v == "" {
			delete(meta, k)
		}
	}
	return export.Options{Name: "kratos-trace " + h.Target, Metadata: meta, NoRedact: noRedact}
}

// startSource starts the live trace, recorded when --record or --trace-out
// asks for it. The headless printer and the TUI both start traces with it.
func (o runOptions) startSource(ctx context.Context, cfg delve.Config) (tracer.Source, error) {
	var src tracer.Source
	var err error
	switch {
	case o.remote != nil:
		src, err = o.remote.connect(ctx)
	case o.attach != nil:
		src, err = o.attach.start(ctx)
	case o.system != nil:
		src, err = o.startSystem(ctx, cfg)
	default:
		src, err = delve.Start(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	if o.recording == nil {
		return src, nil
	}
	rec, err := o.recording.wrap(src)
	if err != nil {
		src.Close()
		return nil, err
	}
	return rec, nil
}

// loadScript parses --script before anything runs; a mistake is reported as
// FILE:LINE:COL: reason, every one of them.
func loadScript(io streams, path string) (*script.Script, error) {
	s, err := script.ParseFile(path)
	if err != nil {
		fmt.Fprintf(io.err, "kratos-trace: %v\n", err)
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(io.err, "hint: pass the path of a script, e.g. demo/lessons/01-boot.kts")
		}
		return nil, &exitError{code: exitFailed}
	}
	return s, nil
}

// runScript drives the trace from a script and turns its failures into the
// exit code.
func runScript(ctx context.Context, io streams, src tracer.Source, s *script.Script) error {
	res, err := script.Run(ctx, src, s, script.Options{Out: io.out, Log: io.err})
	if errors.Is(err, script.ErrInterrupted) {
		fmt.Fprintln(io.err, "kratos-trace: interrupted; the program was stopped")
		return &exitError{code: exitInterrupted}
	}
	if err != nil {
		return err
	}
	return scriptOutcome(io, s, res)
}

// scriptOutcome reports the lines of the script that failed, and makes them
// the exit status.
func scriptOutcome(io streams, s *script.Script, res *script.Result) error {
	if !res.OK() {
		fmt.Fprintf(io.err, "kratos-trace: the script %s failed on %d line(s):\n", s.Name, len(res.Failures))
		for _, f := range res.Failures {
			fmt.Fprintf(io.err, "  %s\n", f.Error())
		}
		if res.Stalled != nil {
			return &exitError{code: exitStalled}
		}
		return &exitError{code: exitFailed}
	}
	fmt.Fprintf(io.err, "kratos-trace: the script %s passed (%d commands)\n", s.Name, len(s.Commands))
	return nil
}

// runScriptedTrace runs a live trace driven by --script, in the TUI or
// printed (see runLesson). The script is parsed before the build starts.
func runScriptedTrace(ctx context.Context, io streams, cfg delve.Config, opts runOptions) error {
	s, err := loadScript(io, opts.script)
	if err != nil {
		return err
	}
	// The script's locations and watches are set before the program runs,
	// as --break and --watch are: its first continue may have to stop at
	// one, and every stop carries the watches (a recording keeps them).
	// The script pauses at a location from its break line on only.
	cfg.Breaks = appendNew(cfg.Breaks, s.Locations()...)
	cfg.Watches = appendNew(cfg.Watches, s.Watches()...)
	if opts.remote != nil {
		opts.remote.cfg.Breaks = appendNew(opts.remote.cfg.Breaks, s.Locations()...)
		opts.remote.cfg.Watches = appendNew(opts.remote.cfg.Watches, s.Watches()...)
	}
	if opts.attach != nil {
		opts.attach.cfg.Breaks = appendNew(opts.attach.cfg.Breaks, s.Locations()...)
		opts.attach.cfg.Watches = appendNew(opts.attach.cfg.Watches, s.Watches()...)
	}
	start := func(ctx context.Context) (tracer.Source, error) { return opts.startSource(ctx, cfg) }
	view := lessonView{headless: opts.headless, target: cfg.Target, lang: opts.lang, outputLines: opts.outputLines, baseline: opts.recording.compareLive(opts.base)}
	return runLesson(ctx, io, s, view, start)
}

// appendNew appends the values of more that list does not hold yet.
func appendNew(list []string, more ...string) []string {
	for _, v := range more {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

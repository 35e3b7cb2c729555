package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Recording is a recording read into memory.
type Recording struct {
	// Path is the file it was read from, as given.
	Path   string
	Header Header
	// Events are the recorded events, in order.
	Events []tracer.Event
	// CutLine is the number of the last line when it was cut short (the
	// recording was interrupted in the middle of a write) and so left out;
	// 0 when the file ends with a whole line.
	CutLine int
}

// Complete reports whether the recording goes to the end of the trace: its
// last event (but for the program's last lines of output) is the program's
// exit, an error the trace could not go past, or a stall, which ends a
// trace too.
func (r *Recording) Complete() bool {
	switch r.lastKind() {
	case tracer.KindExit, tracer.KindError, tracer.KindStall:
		return true
	}
	return false
}

// Stalled reports whether the trace ended in a stall (run --stall): it is
// complete, but the boot it holds ended before the program exited.
func (r *Recording) Stalled() bool {
	return r.lastKind() == tracer.KindStall
}

// lastKind is the kind of the recording's last event but for the
// program's output, which can go on after the trace ended; "" when there
// is none.
func (r *Recording) lastKind() tracer.Kind {
	for i := len(r.Events) - 1; i >= 0; i-- {
		if k := r.Events[i].Kind; k != tracer.KindOutput {
			return k
		}
	}
	return ""
}

// Warning explains in one sentence how the recording falls short of a whole
// trace, or returns "" when it does not.
func (r *Recording) Warning() string {
	end := "before the trace began"
	for i := len(r.Events) - 1; i >= 0; i-- {
		if r.Events[i].IsPhase() {
			end = "at " + r.Events[i].Label()
			break
		}
	}
	switch {
	case r.CutLine > 0:
		return fmt.Sprintf("%s:%d: the line is cut short (the recording was interrupted); replaying the %d whole events before it, which end %s",
			r.Path, r.CutLine, len(r.Events), end)
	case !r.Complete():
		return fmt.Sprintf("%s: the recording ends %s, before the program exited (it was interrupted)", r.Path, end)
	}
	return ""
}

// Read reads the recording at path. A line that cannot be read gives a
// *LineError naming the file and line; a recording in a newer format, a
// *VersionError. A last line that was cut short is left out (see CutLine).
func Read(path string) (*Recording, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the recording: %w", err)
	}
	return Parse(path, data)
}

// ReadFrom reads a recording from r; name is used in error messages.
func ReadFrom(name string, r io.Reader) (*Recording, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read the recording %s: %w", name, err)
	}
	return Parse(name, data)
}

// Parse reads a recording from data; name is used in error messages.
func Parse(name string, data []byte) (*Recording, error) {
	rec := &Recording{Path: name}
	var lines []recordLine
	sawHeader := false
	for lineNo := 1; len(data) > 0; lineNo++ {
		var text []byte
		whole := true
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			text, data = data[:i], data[i+1:]
		} else {
			text, data, whole = data, nil, false
		}
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			continue
		}
		if !sawHeader {
			h, err := parseHeader(name, lineNo, text, whole)
			if err != nil {
				return nil, err
			}
			rec.Header, sawHeader = h, true
			continue
		}
		lines = append(lines, recordLine{no: lineNo, text: text, whole: whole})
	}
	if !sawHeader {
		return nil, fmt.Errorf("%s: the file is empty, not a kratos-trace recording (a run stopped during the build records nothing)", name)
	}
	decodeLines(lines)
	rec.Events = make([]tracer.Event, 0, len(lines))
	for _, l := range lines {
		switch {
		case l.err != nil && !l.whole:
			// The writer was stopped in the middle of this line.
			rec.CutLine = l.no
			return rec, nil
		case l.err != nil:
			return nil, &LineError{File: name, Line: l.no, Reason: "not a valid event: " + jsonReason(l.err)}
		case l.ev.Kind == "":
			return nil, &LineError{File: name, Line: l.no, Reason: `not an event: it has no "kind"`}
		}
		rec.Events = append(rec.Events, l.ev)
	}
	return rec, nil
}

// recordLine is one event line of a recording and what decoding it gave.
type recordLine struct {
	no    int
	text  []byte
	whole bool // it ends with a newline
	ev    tracer.Event
	err   error
}

// decodeLines decodes the lines, on every CPU: decoding is nearly all the
// time it takes to open a recording.
func decodeLines(lines []recordLine) {
	workers := min(runtime.GOMAXPROCS(0), len(lines)/64+1)
	var wg sync.WaitGroup
	chunk := (len(lines) + workers - 1) / workers
	for start := 0; start < len(lines); start += chunk {
		part := lines[start:min(start+chunk, len(lines))]
		wg.Go(func() {
			for i := range part {
				part[i].err = json.Unmarshal(part[i].text, &part[i].ev)
			}
		})
	}
	wg.Wait()
}

func parseHeader(name string, lineNo int, line []byte, whole bool) (Header, error) {
	var h Header
	if err := json.Unmarshal(line, &h); err != nil || h.Format != FormatName {
		reason := "not a kratos-trace recording: the first line is not its header"
		if err != nil && !whole {
			reason = "the recording's header is cut short"
		}
		return h, &LineError{File: name, Line: lineNo, Reason: reason}
	}
	if h.Version > FormatVersion {
		return h, &VersionError{File: name, Version: h.Version, Written: h.KratosTrace}
	}
	if h.Version < 1 {
		return h, &LineError{File: name, Line: lineNo, Reason: fmt.Sprintf("record format version %d does not exist", h.Version)}
	}
	return h, nil
}

// jsonReason words a JSON decoding error for a person, without Go type names
// where it can.
func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the line"
		}
		return fmt.Sprintf("%s should be a JSON %s, not a JSON %s", field, jsonKind(te.Type.Kind()), te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names the JSON value a Go kind is read from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "object"
	}
	return "number"
}

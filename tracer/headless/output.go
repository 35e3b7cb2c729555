package headless

import (
	"fmt"
	"io"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// OutputWriter prints the program's output events as lines tagged with
// their stream ("   out │ …", "   err │ …"). The pieces of a long line
// (tracer.OutputLine.Continued) are written one after the other on the same
// line, so the text comes out whole however it was cut; when something
// else has to be printed in the middle of such a line, the line is ended
// first and its rest resumes on a line tagged "out …│".
type OutputWriter struct {
	w io.Writer
	// open is the stream whose line is written but not yet ended, "" when
	// none; midLine marks the streams whose current line is unfinished.
	open    string
	midLine map[string]bool
}

// NewOutputWriter returns an OutputWriter that writes to w.
func NewOutputWriter(w io.Writer) *OutputWriter {
	return &OutputWriter{w: w, midLine: map[string]bool{}}
}

// Write prints one output event's text.
func (o *OutputWriter) Write(l tracer.OutputLine) {
	if o.open != "" && o.open != l.Stream {
		o.Break()
	}
	if o.open == "" {
		tag := "out"
		if l.Stream == "stderr" {
			tag = "err"
		}
		if o.midLine[l.Stream] {
			fmt.Fprintf(o.w, "   %s…│ ", tag)
		} else {
			fmt.Fprintf(o.w, "   %s │ ", tag)
		}
	}
	io.WriteString(o.w, l.Text)
	o.midLine[l.Stream] = l.Continued
	if l.Continued {
		o.open = l.Stream
		return
	}
	o.open = ""
	io.WriteString(o.w, "\n")
}

// Break ends a line that is still being written, before anything else is
// printed; it does nothing when there is none.
func (o *OutputWriter) Break() {
	if o.open != "" {
		io.WriteString(o.w, "\n")
		o.open = ""
	}
}

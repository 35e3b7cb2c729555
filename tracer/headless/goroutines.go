package headless

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// goroutineWords are the headings of a halt or stall block in one language.
type goroutineWords struct {
	halt, stall string // the block's heading: "halt after %s"
	before      string // in place of a phase, when there was none yet
	goroutines  string // "Goroutines (%d), the main one first:"
	waited      string // "waiting %s"
	stalled     string // the summary's last line: stall sentence
}

// printGoroutines prints a halt or stall event.
func (p *printer) printGoroutines(ev tracer.Event) {
	writeGoroutines(p.opts.Out, ev, p.opts.Lang)
}

// FormatGoroutines renders a halt or stall event as the headless text
// prints it, in English: where the main goroutine is, with its source line
// and whole stack, and one line for every other goroutine.
func FormatGoroutines(ev tracer.Event) string {
	var b strings.Builder
	writeGoroutines(&b, ev, tracer.English)
	return b.String()
}

// writeGoroutines writes a halt or stall event as a block of text: where
// the main goroutine is, with its source line and whole stack, and one line
// for every other goroutine (JSON has every stack).
func writeGoroutines(w io.Writer, ev tracer.Event, lang tracer.Lang) {
	gw := &wordsFor(lang).goroutines
	after := ev.Label()
	if after == "" {
		after = gw.before
	}
	head, mark := fmt.Sprintf(gw.halt, after), "‖"
	if ev.Kind == tracer.KindStall {
		head, mark = fmt.Sprintf(gw.stall, after), "!!"
	}
	fmt.Fprintf(w, "\n%s %s\n", mark, head)
	if ev.Reason != "" {
		fmt.Fprintf(w, "  %s\n", ev.Reason)
	}
	writeLocation(w, ev)
	writeGoroutineTable(w, ev.Goroutines, gw)
}

// writeGoroutineTable writes one line for every goroutine and the main
// one's whole stack, under a heading that counts them.
func writeGoroutineTable(w io.Writer, gs []tracer.Goroutine, gw *goroutineWords) {
	if len(gs) == 0 {
		return
	}
	fmt.Fprintf(w, "  "+gw.goroutines+"\n", len(gs))
	rows := make([][]string, 0, len(gs))
	for _, g := range gs {
		rows = append(rows, []string{"    " + fmt.Sprint(g.ID), g.User.Function, frameFile(g.User), waitText(g, gw)})
	}
	var b strings.Builder
	writeTable(&b, rows)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i, g := range gs {
		fmt.Fprintln(w, strings.TrimRight(lines[i], " "))
		if !g.Main {
			continue
		}
		stack := make([][]string, 0, len(g.Stack))
		for _, f := range g.Stack {
			stack = append(stack, []string{"        " + f.Function, frameFile(f)})
		}
		writeTable(w, stack)
	}
}

// frameFile is a frame's file:line, the file by its base name.
func frameFile(f tracer.Frame) string {
	if f.File == "" {
		return "-"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
}

// waitText is what a goroutine waits for, and since when if known:
// "[chan receive, 2m3s]".
func waitText(g tracer.Goroutine, gw *goroutineWords) string {
	parts := []string{}
	if g.WaitReason != "" {
		parts = append(parts, g.WaitReason)
	}
	if g.Waiting > 0 {
		parts = append(parts, fmt.Sprintf(gw.waited, g.Waiting))
	}
	if len(parts) == 0 {
		return ""
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// stallSummary is the summary's last line after a stall.
func (p *printer) stallSummary() string {
	ev := p.res.Stalled
	reason := ev.Reason
	if reason == "" {
		reason = "no phase was reached in time"
	}
	return fmt.Sprintf(wordsFor(p.opts.Lang).goroutines.stalled, reason)
}

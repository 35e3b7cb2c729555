package headless

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
)

// DiffOptions control WriteDiff.
type DiffOptions struct {
	// Color marks removed lines red, added lines green and headings bold;
	// for a terminal only.
	Color bool
	// Lang is the language of the headings and sentences; values and paths
	// are printed as they are.
	Lang tracer.Lang
}

// diffWords are the words of the diff text in one language.
type diffWords struct {
	sections map[diff.SectionID]string
	times    string // the times heading, with the threshold and timesNoise
	same     string
	differ   string // count, then the sections
	partial  string
	masked   string
	moved    string
	// movedFrom is a Bootstrap value taken from another place: from, to.
	movedFrom string
	// movedCount names the moved values in the summary's counts.
	movedCount string
	// timesNoise closes the times heading when they do not count, and
	// timesNotCounted says in the summary how many were left uncounted.
	timesNoise      string
	timesNotCounted string
}

const (
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)

// WriteDiff prints a diff's result as text grouped by section: a line
// starting with "-" for what A has, "+" for what B has, and a summary.
// Sections without a change or a note are left out.
func WriteDiff(w io.Writer, r *diff.Result, o DiffOptions) error {
	bw := bufio.NewWriter(w)
	wd := &wordsFor(o.Lang).diff
	paint := func(code, s string) string {
		if !o.Color {
			return s
		}
		return code + s + ansiReset
	}
	fmt.Fprintln(bw, paint(ansiRed, "--- "+r.A))
	fmt.Fprintln(bw, paint(ansiGreen, "+++ "+r.B))
	if r.Partial {
		fmt.Fprintln(bw, wd.partial)
	}
	var counts []string
	uncounted := 0
	for _, s := range r.Sections {
		if len(s.Changes) == 0 && len(s.Notes) == 0 {
			continue
		}
		heading := wd.sections[s.ID]
		if s.ID == diff.SectionTimes && r.Threshold != nil {
			noise := ""
			if !r.Counts(s.ID) && len(s.Changes) > 0 {
				noise = wd.timesNoise
			}
			heading = fmt.Sprintf(wd.times, r.Threshold.Ratio, r.Threshold.Min, noise)
		}
		if s.Service != "" {
			heading = s.Service + ": " + heading
		}
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, paint(ansiBold, heading))
		for _, c := range s.Changes {
			before, after := diffLines(s.ID, c, wd)
			if before != "" {
				fmt.Fprintln(bw, paint(ansiRed, before))
			}
			if after != "" {
				fmt.Fprintln(bw, paint(ansiGreen, after))
			}
		}
		for _, n := range s.Notes {
			fmt.Fprintf(bw, "  %s\n", n)
		}
		switch {
		case len(s.Changes) == 0:
		case !r.Counts(s.ID):
			uncounted += len(s.Changes)
		default:
			counts = append(counts, sectionCounts(s, wd)...)
		}
	}
	fmt.Fprintln(bw)
	if len(counts) == 0 {
		fmt.Fprintln(bw, wd.same)
	} else {
		fmt.Fprintf(bw, wd.differ+"\n", r.Count(), strings.Join(counts, ", "))
	}
	if uncounted > 0 {
		fmt.Fprintf(bw, wd.timesNotCounted+"\n", uncounted)
	}
	return bw.Flush()
}

// sectionCounts counts a section's changes for the summary; the Bootstrap
// values that only moved are counted apart from those that changed.
func sectionCounts(s diff.Section, wd *diffWords) []string {
	moved := 0
	if s.ID == diff.SectionBootstrap {
		for _, c := range s.Changes {
			if c.Op == diff.Moved {
				moved++
			}
		}
	}
	var out []string
	prefix := ""
	if s.Service != "" {
		prefix = s.Service + " "
	}
	if n := len(s.Changes) - moved; n > 0 {
		out = append(out, fmt.Sprintf("%s%s %d", prefix, s.ID, n))
	}
	if moved > 0 {
		out = append(out, fmt.Sprintf("%s%s %d", prefix, wd.movedCount, moved))
	}
	return out
}

// diffLines renders one change as its "-" line and its "+" line; a change
// that exists on one side only has one.
func diffLines(id diff.SectionID, c diff.Change, wd *diffWords) (before, after string) {
	switch id {
	case diff.SectionPhases:
		// A phase's value is where it is in the sequence, or whether it
		// was skipped.
		if c.Op == diff.Changed {
			return "- " + c.Path + ": " + c.Before, "+ " + c.Path + ": " + c.After
		}
		side := func(where string) string {
			s := c.Path + "  (" + where
			if c.Op == diff.Moved {
				s += "; " + wd.moved
			}
			return s + ")"
		}
		if c.Op != diff.Added {
			before = "- " + side(c.Before)
		}
		if c.Op != diff.Removed {
			after = "+ " + side(c.After)
		}
		return before, after
	case diff.SectionTimes:
		after = "+ " + c.Path + ": " + c.After
		if c.Ratio > 0 {
			after += fmt.Sprintf("  (×%.1f)", c.Ratio)
		}
		return "- " + c.Path + ": " + c.Before, after
	}
	line := func(sign, value string, origin *tracer.Origin) string {
		if value == "" {
			value = `""`
		}
		s := sign + " " + c.Path + ": " + value
		var notes []string
		if o := diff.FormatOrigin(origin); o != "" {
			notes = append(notes, o)
		}
		if c.Masked && c.Op == diff.Changed && c.Before == c.After {
			notes = append(notes, wd.masked)
		}
		if len(notes) > 0 {
			s += "  (" + strings.Join(notes, "; ") + ")"
		}
		return s
	}
	if c.Op == diff.Moved {
		// The value is the same: one line says where it comes from now.
		value := c.After
		if value == "" {
			value = `""`
		}
		return "", "~ " + c.Path + ": " + value + "  (" + fmt.Sprintf(wd.movedFrom, diff.FormatOrigin(c.BeforeOrigin), diff.FormatOrigin(c.AfterOrigin)) + ")"
	}
	if c.Op != diff.Added {
		before = line("-", c.Before, c.BeforeOrigin)
	}
	if c.Op != diff.Removed {
		after = line("+", c.After, c.AfterOrigin)
	}
	return before, after
}

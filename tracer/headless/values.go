package headless

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// valueWidth is how wide a value's one-line rendering may be in the text
// output: a stop block stays readable, and JSON has the whole tree.
const valueWidth = 96

// valueWords label the variables, watches and results of the text output.
type valueWords struct {
	args, locals, watch string
	// returned heads a return: the provider and how long it ran.
	returned string
}

// printValues prints what the user reads at a stop or a step: the
// arguments of the stopped function, its locals where the user chose to
// stop (a breakpoint of their own, a step), and the watches, one line each.
// A lifecycle stop inside Kratos would otherwise print a screenful of
// locals nobody asked for; they are all in the JSON.
func (p *printer) printValues(ev tracer.Event) {
	if ev.Kind != tracer.KindStop && ev.Kind != tracer.KindStep {
		return
	}
	wd := wordsFor(p.opts.Lang).values
	p.printNodes(wd.args, ev.Args)
	if ev.Kind == tracer.KindStep || ev.Phase == tracer.PhaseBreak {
		p.printNodes(wd.locals, ev.Locals)
	}
	if len(ev.Watches) > 0 {
		label := wd.watch
		for _, w := range ev.Watches {
			line := w.Expr + " = " + w.Value.Inline(valueWidth)
			if w.Error != "" {
				line = w.Expr + ": " + w.Error
			}
			p.printLabelled(label, line, wd)
			label = ""
		}
	}
}

// printReturn prints a provider's return: how long it ran and what it
// returned.
func (p *printer) printReturn(ev tracer.Event) {
	wd := wordsFor(p.opts.Lang).values
	fmt.Fprintf(p.opts.Out, "  "+wd.returned+"\n", ev.Detail, ev.Took)
	for _, n := range ev.Results {
		fmt.Fprintf(p.opts.Out, "      %s\n", nodeLine(n))
	}
}

// printNodes prints variables under a label, one a line.
func (p *printer) printNodes(label string, nodes []*tracer.Node) {
	wd := wordsFor(p.opts.Lang).values
	for _, n := range nodes {
		p.printLabelled(label, nodeLine(n), wd)
		label = ""
	}
}

// printLabelled prints one line of a labelled list, the label in a column
// as wide as the longest label.
func (p *printer) printLabelled(label, line string, wd valueWords) {
	width := 0
	for _, l := range []string{wd.args, wd.locals, wd.watch} {
		width = max(width, ansi.StringWidth(l))
	}
	fmt.Fprintf(p.opts.Out, "  %s %s\n", padCells(label, width), line)
}

// nodeLine is a variable on one line: name, type and value.
func nodeLine(n *tracer.Node) string {
	head := n.Name
	if n.Type != "" {
		head += " " + n.Type
	}
	return head + " = " + n.Inline(max(valueWidth-len(head), 24))
}

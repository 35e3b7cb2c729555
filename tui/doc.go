// Package tui is the Bubble Tea debugger view of a kratos-trace session. It
// reads events from a tracer.Source and never imports Delve.
//
// Model (model.go) is the one root model: it owns the focus, the size and
// the layout (layout.go), turns events into pane updates and sends the
// user's commands to the Source one at a time, in the order of the keys.
//
// The panes are components behind one interface, pane (panes.go): size,
// view, footer, title, scroll, move, click, focus, reset, keys and help.
// A paneSet holds one program's nine panes — Phases (phases.go, with the
// rows of breakpoint stops, halts and providers' results in
// phasesinspect.go and the rows of requests in requests.go), Source
// (source.go), Bootstrap (bootstrap.go, with the values' origins in
// origins.go), Variables (variables.go, its value tree in valuetree.go),
// Servers (servers.go, with the registry in registry.go), Stack
// (stack.go), Goroutines (goroutines.go), Output (output.go) and Notes
// (notes.go) — in a list by paneID, and the model reaches them through it:
// it never names a pane to size, draw, focus, scroll or reset it. A pane
// handles its own keys and asks the model, by a paneRequest, for what it
// cannot do alone (set a break, read a frame). The model holds one
// paneSet per traced program (Model.services), one today.
//
// Besides the panes, the model owns the expression prompt that `:` opens
// (prompt.go) and the request picker that R opens in Source's place
// (picker.go); what the user inspects at a stop, the watches, the
// breakpoints and halts (inspect.go, watches.go, breakpoints.go, halt.go);
// the comparison with a baseline (baseline.go).
//
// view.go draws the panes in their boxes (box.go) with the status bar;
// cells.go fits text to terminal cells. Styles live in styles.go, the
// words of every language in i18n.go, and the root's key bindings, with
// the help generated from the bindings of the root and of the focused
// pane, in keys.go. Run (run.go) owns the program and closes the Source on
// every way out.
package tui

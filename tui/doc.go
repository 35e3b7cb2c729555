// Package tui is the Bubble Tea debugger view of a kratos-trace session. It
// reads events from a tracer.Source and never imports Delve.
//
// Model (model.go) is the one root model: it owns the focus, the size and
// the layout (layout.go), turns events into pane updates and sends the
// user's commands to the Source one at a time, in the order of the keys.
//
// The panes are components, one package each under internal/panes —
// phases (the timeline, with the rows of breakpoint stops, halts,
// providers' results and requests), source, bootstrap (with the values'
// origins), variables, servers (with the registry), stack, goroutines,
// output and notes — built on internal/pane: the Pane interface (size,
// view, footer, title, scroll, move, click, focus, reset, keys, help), its
// Requests, and the kit every pane draws with (styles, the words of each
// language, text fitted to terminal cells). internal/valuetree is the tree
// of values that Variables and the prompt share. A paneSet (panes.go)
// holds one program's panes in a list by pane.ID, and the model reaches
// them through it: it never names a pane to size, draw, focus, scroll,
// click or reset it. A pane handles its own keys and asks the model, by a
// pane.Request, for what it cannot do alone (set a break, read a frame);
// Model.apply carries it out. The model holds one paneSet per traced
// program (Model.services), one today.
//
// Besides the panes, the model owns the expression prompt that `:` opens
// (prompt.go) and the request picker that R opens in Source's place
// (picker.go), with a request's reply (reply.go); what the user inspects
// at a stop, the watches, the breakpoints and halts (inspect.go,
// watches.go, breakpoints.go, halt.go); the comparison with a baseline
// (baseline.go).
//
// view.go draws the panes in their boxes (box.go) with the status bar. The
// root's key bindings, with the help generated from them and from the
// focused pane's, are in keys.go. Run (run.go) owns the program and closes
// the Source on every way out.
package tui

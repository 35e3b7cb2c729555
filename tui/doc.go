// Package tui is the Bubble Tea debugger view of a kratos-trace session. It
// reads events from a tracer.Source and never imports Delve.
//
// Model (model.go) is the one root model: it owns the focus, the size and
// the layout (layout.go), turns events into pane updates and sends the
// user's commands to the Source one at a time. The panes — Phases, Source,
// Bootstrap, Servers, Stack and Output — are plain structs with SetSize and
// View; view.go draws them in their boxes with the status bar. Styles live
// in styles.go and key bindings, with the help generated from them, in
// keys.go. Run (run.go) owns the program and closes the Source on every way
// out.
package tui

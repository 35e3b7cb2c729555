// Package tui is the Bubble Tea debugger view of a kratos-trace session. It
// reads events from a tracer.Source and never imports Delve.
package tui

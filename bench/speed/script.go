package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// plannedPhase is one line of `kratos-trace phases --json`.
type plannedPhase struct {
	Phase       string `json:"phase"`
	Detail      string `json:"detail"`
	Function    string `json:"function"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Unavailable string `json:"unavailable"`
}

// location is a file and line.
type location struct {
	file string
	line int
}

// dlvPrints are the values kratos-trace reads at each phase of a Kratos
// v2.9 program, written as a person would print them in dlv: the config
// Scan decodes into, the App's servers wherever an *App is in scope, and the
// server a Start or Stop goroutine runs.
var dlvPrints = map[string][]string{
	"config.scan":        {"v"},
	"wire.done":          {"app.opts.servers"},
	"app.run":            {"a.opts.servers"},
	"app.build-instance": {"a.opts.servers"},
	"app.before-start":   {"a.opts.servers"},
	"server.start":       {"server"},
	"app.register":       {"a.opts.registrar", "a.opts.servers"},
	"app.after-start":    {"a.opts.servers"},
	"app.running":        {"a.opts.servers"},
	"app.stop":           {"a.opts.servers"},
	"server.stop":        {"server"},
	"app.after-stop":     {"a.opts.servers"},
}

// stackDepth matches the frames kratos-trace reads at every stop.
const stackDepth = 24

// dlvInitScript writes the dlv init script for plan: one breakpoint per
// location (by function name where the phase is a function's entry, as
// kratos-trace sets it, else by file:line), the stack and the same values
// printed at each hit with `on`, enough `continue`s to run the program to
// its end, and `exit`. It also returns app.running's location, where the
// benchmark sends SIGTERM as kratos-trace does.
func dlvInitScript(plan []plannedPhase) (string, location, error) {
	var b strings.Builder
	var running location
	seen := map[location]int{}
	n := 0
	for _, p := range plan {
		if p.Unavailable != "" || p.File == "" {
			continue
		}
		loc := location{p.File, p.Line}
		if p.Phase == "app.running" {
			running = loc
		}
		if _, ok := seen[loc]; ok {
			continue
		}
		n++
		seen[loc] = n
		if p.Function != "" && isFuncLine(p.File, p.Line) {
			fmt.Fprintf(&b, "break %s\n", p.Function)
		} else {
			fmt.Fprintf(&b, "break %s:%d\n", p.File, p.Line)
		}
		fmt.Fprintf(&b, "on %d stack %d\n", n, stackDepth)
		// What every stop of kratos-trace shows too: the frame's
		// variables and the watches.
		fmt.Fprintf(&b, "on %d args\n", n)
		fmt.Fprintf(&b, "on %d locals\n", n)
		for _, expr := range append(dlvPrints[p.Phase], benchWatches...) {
			fmt.Fprintf(&b, "on %d print %s\n", n, expr)
		}
	}
	if running.file == "" {
		return "", running, fmt.Errorf("the plan has no app.running location: the target is not a Kratos program")
	}
	// Several goroutines stop at the same breakpoint (one per server), and a
	// line can belong to a closure too: continue more often than there are
	// phases. Continuing an exited program only prints an error.
	for range 2*len(plan) + 8 {
		b.WriteString("continue\n")
	}
	b.WriteString("exit\n")
	return b.String(), running, nil
}

// isFuncLine reports whether line of file declares a function: such a phase
// is a function breakpoint, which Delve places after the prologue, where the
// arguments can be read.
func isFuncLine(file string, line int) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 1; sc.Scan(); i++ {
		if i == line {
			return strings.HasPrefix(strings.TrimSpace(sc.Text()), "func ")
		}
	}
	return false
}

// parsePlan reads `kratos-trace phases --json`.
func parsePlan(out string) ([]plannedPhase, error) {
	var plan []plannedPhase
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var p plannedPhase
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			return nil, fmt.Errorf("read the plan: %w: %s", err, line)
		}
		plan = append(plan, p)
	}
	if len(plan) == 0 {
		return nil, fmt.Errorf("kratos-trace phases printed no phases")
	}
	return plan, nil
}

package tracer

import (
	"fmt"
	"time"
)

// BuildProgress is how far the build of the program has got. It rides on
// the status events sent while the program is built, at least once a
// second, so that a first build on a fresh machine (a minute of compiling)
// shows where it is; Event.Status says the same in words.
type BuildProgress struct {
	// Compiled counts the packages compiled so far; the others come from
	// the go command's build cache.
	Compiled int `json:"compiled"`
	// Total is how many packages the program is built from, 0 while not
	// yet known.
	Total int `json:"total,omitempty"`
	// Linking: every package is in, the linker runs.
	Linking bool `json:"linking,omitempty"`
	// Elapsed is the time since the build began.
	Elapsed Duration `json:"elapsed"`
}

// Fraction is how much of the compiling is done, from 0 to 1; 0 while the
// total is not known.
func (p BuildProgress) Fraction() float64 {
	if p.Linking {
		return 1
	}
	if p.Total <= 0 {
		return 0
	}
	return min(1, float64(p.Compiled)/float64(p.Total))
}

// Text says where the build is, without the time: "compiling 143/310
// packages", or "linking (143 packages compiled, 167 from the go build
// cache)".
func (p BuildProgress) Text() string {
	switch {
	case p.Linking && p.Compiled == 0:
		if p.Total > 0 {
			return fmt.Sprintf("linking (all %d packages from the go build cache)", p.Total)
		}
		return "linking (every package from the go build cache)"
	case p.Linking:
		cached := p.Total - p.Compiled
		if p.Total <= 0 || cached <= 0 {
			return fmt.Sprintf("linking (%s compiled)", packages(p.Compiled))
		}
		return fmt.Sprintf("linking (%s compiled, %d from the go build cache)", packages(p.Compiled), cached)
	case p.Total > 0:
		return fmt.Sprintf("compiling %d/%d packages", p.Compiled, p.Total)
	}
	return fmt.Sprintf("compiling: %s so far", packages(p.Compiled))
}

// packages is "1 package" or "n packages".
func packages(n int) string {
	if n == 1 {
		return "1 package"
	}
	return fmt.Sprintf("%d packages", n)
}

// String is Text with the time since the build began, as a status line.
func (p BuildProgress) String() string {
	return fmt.Sprintf("%s, %s", p.Text(), time.Duration(p.Elapsed).Round(time.Second))
}

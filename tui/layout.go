package tui

import (
	"slices"

	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// paneID names a pane (pane.ID); the short names below keep the layout
// readable.
type paneID = pane.ID

const (
	panePhases     = pane.Phases
	paneSource     = pane.Source
	paneBootstrap  = pane.Bootstrap
	paneVariables  = pane.Variables
	paneServers    = pane.Servers
	paneStack      = pane.Stack
	paneGoroutines = pane.Goroutines
	paneOutput     = pane.Output
	paneNotes      = pane.Notes
	paneCount      = pane.Count
)

// The minimum terminal size; below it the TUI shows only a message.
const (
	minWidth  = 60
	minHeight = 16
)

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

func (r rect) empty() bool { return r.w <= 0 || r.h <= 0 }

// layoutMode is how the panes are arranged; it depends on the terminal size.
type layoutMode int

const (
	// modeCompact: Phases on the left, Source above one tabbed box that shows
	// Variables, Bootstrap, Servers, Stack or Output (for 80x24).
	modeCompact layoutMode = iota
	// modeMedium: Phases on the left; Source, Bootstrap and Variables as
	// tabs beside Stack, Servers and Output on the right (for 120x40).
	modeMedium
	// modeLarge: three columns, Phases over Stack | Source over Output |
	// Variables over Bootstrap over Servers (for 200x60).
	modeLarge
)

// box is one place on the screen. It shows one of its panes at a time; a
// box with several panes shows them as tabs in its title, and the one in
// front is the one the user (or the stop) brought there last.
type box struct {
	r     rect
	panes []paneID
}

// tabbed reports whether the box shows tabs.
func (b box) tabbed() bool { return len(b.panes) > 1 }

// optional says which of the panes that come and go have a place, and
// the height of the prompt's box (0 while it is closed).
type optional struct {
	notes      bool
	goroutines bool
	prompt     int
}

// layout is where everything goes on the screen.
type layout struct {
	width, height int
	tooSmall      bool
	mode          layoutMode
	opt           optional
	// boxes are the places of the panes; panes holds each pane's box
	// (panes sharing a box have the same rect) and placed which panes
	// have one.
	boxes  []box
	panes  [paneCount]rect
	placed [paneCount]bool
	// prompt is the box of the expression prompt, empty while it is closed.
	prompt rect
	status rect
}

// computeLayout places the panes in a width x height screen whose bottom
// statusHeight lines are the status bar, with a place for the optional
// panes that opt names and the prompt's box above the status bar. Every box
// is at least 3x3, and the boxes tile the area above the status bar without
// gaps.
func computeLayout(width, height, statusHeight int, opt optional) layout {
	l := layout{width: width, height: height, opt: opt}
	if width < minWidth || height < minHeight {
		l.tooSmall = true
		return l
	}
	// Keep at least ten lines for the panes; a tall help is cut instead.
	statusHeight = min(statusHeight, height-10)
	h := height - statusHeight
	l.status = rect{0, h, width, statusHeight}
	// The mode follows the screen, not the prompt: opening it must not
	// move the panes to another arrangement.
	switch {
	case width >= 170 && h >= 44:
		l.mode = modeLarge
	case width >= 110 && h >= 30:
		l.mode = modeMedium
	default:
		l.mode = modeCompact
	}
	if opt.prompt > 0 {
		ph := pane.Clamp(opt.prompt, 3, h-8)
		h -= ph
		l.prompt = rect{0, h, width, ph}
	}
	notes, gor := opt.notes, opt.goroutines
	// with lists the panes of a box, leaving out the optional ones without
	// a place.
	with := func(ps ...paneID) []paneID {
		out := ps[:0:0]
		for _, p := range ps {
			if p == paneNotes && !notes || p == paneGoroutines && !gor {
				continue
			}
			out = append(out, p)
		}
		return out
	}

	switch l.mode {
	case modeLarge:
		pw := pane.Clamp(width*22/100, 40, 52)
		rest := width - pw
		rw := rest * 49 / 100
		mw := rest - rw
		stk := pane.Clamp(h*30/100, 10, 20)
		sh := h * 55 / 100
		l.add(rect{0, 0, pw, h - stk}, panePhases)
		l.add(rect{0, h - stk, pw, stk}, paneStack)
		l.add(rect{pw, 0, mw, sh}, paneSource)
		l.add(rect{pw, sh, mw, h - sh}, with(paneGoroutines, paneOutput)...)
		x := pw + mw
		if notes {
			// The right column: Variables and Bootstrap over Notes over Servers.
			bh := h * 38 / 100
			nh := h * 34 / 100
			l.add(rect{x, 0, rw, bh}, paneVariables, paneBootstrap)
			l.add(rect{x, bh, rw, nh}, paneNotes)
			l.add(rect{x, bh + nh, rw, h - bh - nh}, paneServers)
			break
		}
		vh := h * 40 / 100
		bh := h * 38 / 100
		l.add(rect{x, 0, rw, vh}, paneVariables)
		l.add(rect{x, vh, rw, bh}, paneBootstrap)
		l.add(rect{x, vh + bh, rw, h - vh - bh}, paneServers)
	case modeMedium:
		pw := pane.Clamp(width/3, 36, 48)
		rw := width - pw
		svh := 5
		l.add(rect{0, 0, pw, h}, panePhases)
		if notes {
			// Source; Bootstrap beside Notes; Servers; Output beside Stack.
			sh := h * 28 / 100
			oh := max(6, h*22/100)
			mh := h - sh - svh - oh
			bw := rw * 45 / 100
			ow := rw * 60 / 100
			l.add(rect{pw, 0, rw, sh}, paneSource)
			l.add(rect{pw, sh, bw, mh}, paneBootstrap, paneVariables)
			l.add(rect{pw + bw, sh, rw - bw, mh}, paneNotes)
			l.add(rect{pw, sh + mh, rw, svh}, paneServers)
			l.add(rect{pw, sh + mh + svh, ow, oh}, with(paneOutput, paneGoroutines)...)
			l.add(rect{pw + ow, sh + mh + svh, rw - ow, oh}, paneStack)
			break
		}
		sh := h * 32 / 100
		mh := h * 35 / 100
		oh := h - sh - mh - svh
		bw := rw * 52 / 100
		l.add(rect{pw, 0, rw, sh}, paneSource)
		l.add(rect{pw, sh, bw, mh}, paneBootstrap, paneVariables)
		l.add(rect{pw + bw, sh, rw - bw, mh}, paneStack)
		l.add(rect{pw, sh + mh, rw, svh}, paneServers)
		l.add(rect{pw, sh + mh + svh, rw, oh}, with(paneOutput, paneGoroutines)...)
	default:
		pw := pane.Clamp(width*38/100, 24, 40)
		rw := width - pw
		sh := h - h/2
		l.add(rect{0, 0, pw, h}, panePhases)
		l.add(rect{pw, 0, rw, sh}, paneSource)
		l.add(rect{pw, sh, rw, h - sh},
			with(paneNotes, paneBootstrap, paneVariables, paneServers, paneStack, paneGoroutines, paneOutput)...)
	}
	return l
}

// add places a box holding panes at r.
func (l *layout) add(r rect, panes ...paneID) {
	if len(panes) == 0 {
		return
	}
	l.boxes = append(l.boxes, box{r: r, panes: panes})
	for _, p := range panes {
		l.panes[p] = r
		l.placed[p] = true
	}
}

// boxOf returns the box pane p is in.
func (l layout) boxOf(p paneID) (box, bool) {
	for _, b := range l.boxes {
		if slices.Contains(b.panes, p) {
			return b, true
		}
	}
	return box{}, false
}

// shown returns the pane box b shows: the first of front (the panes, most
// recently brought forward first) that is in the box, else its first.
func (b box) shown(front []paneID) paneID {
	for _, p := range front {
		if slices.Contains(b.panes, p) {
			return p
		}
	}
	return b.panes[0]
}

// visible reports whether pane p is drawn, front being the panes most
// recently brought forward first.
func (l layout) visible(p paneID, front []paneID) bool {
	if l.tooSmall || !l.placed[p] {
		return false
	}
	b, _ := l.boxOf(p)
	return b.shown(front) == p
}

// paneAt returns the pane drawn at x, y.
func (l layout) paneAt(x, y int, front []paneID) (paneID, bool) {
	if l.tooSmall {
		return 0, false
	}
	for _, b := range l.boxes {
		if b.r.contains(x, y) {
			return b.shown(front), true
		}
	}
	return 0, false
}

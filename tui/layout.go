package tui

import "github.com/kratos-trace/kratos-trace/tracer"

// paneID names a pane; the order is the focus order of tab.
type paneID int

const (
	panePhases paneID = iota
	paneSource
	paneBootstrap
	paneServers
	paneStack
	paneOutput
	// paneNotes is shown only while the notes are on (the N key).
	paneNotes
	paneCount
)

// String is the pane's English name, for tests and messages; the screen
// takes its names from the TUI's language (text.paneNames).
func (p paneID) String() string { return texts[tracer.English].paneNames[p] }

// detailPanes share one box in the compact layout, one at a time, as tabs;
// with the notes on, Notes is the first tab (layout.tabPanes).
var detailPanes = []paneID{paneBootstrap, paneServers, paneStack, paneOutput}

func isDetail(p paneID) bool { return p >= paneBootstrap && p <= paneNotes }

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
	// Bootstrap, Servers, Stack or Output (for 80x24).
	modeCompact layoutMode = iota
	// modeMedium: Phases on the left; Source, Bootstrap beside Stack,
	// Servers and Output on the right (for 120x40).
	modeMedium
	// modeLarge: three columns, Phases over Stack | Source over Output |
	// Bootstrap over Servers (for 200x60).
	modeLarge
)

// layout is where everything goes on the screen.
type layout struct {
	width, height int
	tooSmall      bool
	mode          layoutMode
	// notes: the Notes pane has a place.
	notes bool
	// panes holds each pane's box. In the compact layout every detail pane
	// has the same box, the tabs box, and only the active tab is drawn.
	panes  [paneCount]rect
	tabs   rect // the shared box of the compact layout, else empty
	status rect
}

// computeLayout places the panes in a width x height screen whose bottom
// statusHeight lines are the status bar, with a place for the Notes pane
// when notes is true. Every box is at least 3x3, and the boxes tile the
// area above the status bar without gaps.
func computeLayout(width, height, statusHeight int, notes bool) layout {
	l := layout{width: width, height: height, notes: notes}
	if width < minWidth || height < minHeight {
		l.tooSmall = true
		return l
	}
	// Keep at least ten lines for the panes; a tall help is cut instead.
	statusHeight = min(statusHeight, height-10)
	h := height - statusHeight
	l.status = rect{0, h, width, statusHeight}

	switch {
	case width >= 170 && h >= 44:
		l.mode = modeLarge
		pw := clamp(width*22/100, 40, 52)
		rest := width - pw
		rw := rest * 49 / 100
		mw := rest - rw
		stk := clamp(h*30/100, 10, 20)
		sh := h * 55 / 100
		bh := h * 60 / 100
		l.panes[panePhases] = rect{0, 0, pw, h - stk}
		l.panes[paneStack] = rect{0, h - stk, pw, stk}
		l.panes[paneSource] = rect{pw, 0, mw, sh}
		l.panes[paneOutput] = rect{pw, sh, mw, h - sh}
		if notes {
			// The right column: Bootstrap over Notes over Servers.
			bh = h * 38 / 100
			nh := h * 34 / 100
			l.panes[paneBootstrap] = rect{pw + mw, 0, rw, bh}
			l.panes[paneNotes] = rect{pw + mw, bh, rw, nh}
			l.panes[paneServers] = rect{pw + mw, bh + nh, rw, h - bh - nh}
			break
		}
		l.panes[paneBootstrap] = rect{pw + mw, 0, rw, bh}
		l.panes[paneServers] = rect{pw + mw, bh, rw, h - bh}
	case width >= 110 && h >= 30:
		l.mode = modeMedium
		pw := clamp(width/3, 36, 48)
		rw := width - pw
		svh := 5
		l.panes[panePhases] = rect{0, 0, pw, h}
		if notes {
			// Source; Bootstrap beside Notes; Servers; Output beside Stack.
			sh := h * 28 / 100
			oh := max(6, h*22/100)
			mh := h - sh - svh - oh
			bw := rw * 45 / 100
			ow := rw * 60 / 100
			l.panes[paneSource] = rect{pw, 0, rw, sh}
			l.panes[paneBootstrap] = rect{pw, sh, bw, mh}
			l.panes[paneNotes] = rect{pw + bw, sh, rw - bw, mh}
			l.panes[paneServers] = rect{pw, sh + mh, rw, svh}
			l.panes[paneOutput] = rect{pw, sh + mh + svh, ow, oh}
			l.panes[paneStack] = rect{pw + ow, sh + mh + svh, rw - ow, oh}
			break
		}
		sh := h * 32 / 100
		mh := h * 35 / 100
		oh := h - sh - mh - svh
		bw := rw * 52 / 100
		l.panes[paneSource] = rect{pw, 0, rw, sh}
		l.panes[paneBootstrap] = rect{pw, sh, bw, mh}
		l.panes[paneStack] = rect{pw + bw, sh, rw - bw, mh}
		l.panes[paneServers] = rect{pw, sh + mh, rw, svh}
		l.panes[paneOutput] = rect{pw, sh + mh + svh, rw, oh}
	default:
		l.mode = modeCompact
		pw := clamp(width*38/100, 24, 40)
		rw := width - pw
		sh := h - h/2
		l.panes[panePhases] = rect{0, 0, pw, h}
		l.panes[paneSource] = rect{pw, 0, rw, sh}
		l.tabs = rect{pw, sh, rw, h - sh}
		for _, p := range l.tabPanes() {
			l.panes[p] = l.tabs
		}
	}
	return l
}

// tabPanes are the panes of the compact layout's tabs, in order.
func (l layout) tabPanes() []paneID {
	if l.notes {
		return append([]paneID{paneNotes}, detailPanes...)
	}
	return detailPanes
}

// visible reports whether pane p is drawn when tab is the active detail pane.
func (l layout) visible(p, tab paneID) bool {
	if l.tooSmall || p == paneNotes && !l.notes {
		return false
	}
	if l.mode == modeCompact && isDetail(p) {
		return p == tab
	}
	return true
}

// paneAt returns the pane drawn at x, y.
func (l layout) paneAt(x, y int, tab paneID) (paneID, bool) {
	for p := range paneCount {
		if l.visible(p, tab) && l.panes[p].contains(x, y) {
			return p, true
		}
	}
	return 0, false
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

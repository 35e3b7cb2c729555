package tui

// paneID names a pane; the order is the focus order of tab.
type paneID int

const (
	panePhases paneID = iota
	paneSource
	paneBootstrap
	paneServers
	paneStack
	paneOutput
	paneCount
)

var paneNames = [paneCount]string{"Phases", "Source", "Bootstrap", "Servers", "Stack", "Output"}

func (p paneID) String() string { return paneNames[p] }

// detailPanes share one box in the compact layout, one at a time, as tabs.
var detailPanes = []paneID{paneBootstrap, paneServers, paneStack, paneOutput}

func isDetail(p paneID) bool { return p >= paneBootstrap && p <= paneOutput }

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
	// panes holds each pane's box. In the compact layout every detail pane
	// has the same box, the tabs box, and only the active tab is drawn.
	panes  [paneCount]rect
	tabs   rect // the shared box of the compact layout, else empty
	status rect
}

// computeLayout places the panes in a width x height screen whose bottom
// statusHeight lines are the status bar. Every box is at least 3x3, and the
// boxes tile the area above the status bar without gaps.
func computeLayout(width, height, statusHeight int) layout {
	l := layout{width: width, height: height}
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
		l.panes[paneBootstrap] = rect{pw + mw, 0, rw, bh}
		l.panes[paneServers] = rect{pw + mw, bh, rw, h - bh}
	case width >= 110 && h >= 30:
		l.mode = modeMedium
		pw := clamp(width/3, 36, 48)
		rw := width - pw
		sh := h * 32 / 100
		mh := h * 35 / 100
		svh := 5
		oh := h - sh - mh - svh
		bw := rw * 52 / 100
		l.panes[panePhases] = rect{0, 0, pw, h}
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
		for _, p := range detailPanes {
			l.panes[p] = l.tabs
		}
	}
	return l
}

// visible reports whether pane p is drawn when tab is the active detail pane.
func (l layout) visible(p, tab paneID) bool {
	if l.tooSmall {
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

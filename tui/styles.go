package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// The palette. Colors are given in true color; Bubble Tea downsamples them to
// what the terminal supports.
var (
	colorAccent  = lipgloss.Color("#7AA2F7")
	colorBorder  = lipgloss.Color("#414868")
	colorDim     = lipgloss.Color("#737AA2")
	colorText    = lipgloss.Color("#C0CAF5")
	colorOK      = lipgloss.Color("#9ECE6A")
	colorCurrent = lipgloss.Color("#E0AF68")
	colorPassed  = lipgloss.Color("#7DCFFF")
	colorError   = lipgloss.Color("#F7768E")
	colorChanged = lipgloss.Color("#FF9E64")
	colorLineBG  = lipgloss.Color("#3B3D57")
	colorSelBG   = lipgloss.Color("#2E3C64")
	colorBlurBG  = lipgloss.Color("#24283B")
)

// ink is a style reduced to the escape sequences around a text, so that the
// views, which paint many short strings on every frame, concatenate strings
// instead of running lipgloss' layout for each. Only styles without padding,
// margins, borders or widths can become inks.
type ink struct{ open, close string }

func inkOf(s lipgloss.Style) ink {
	const probe = "\u2063" // invisible separator: no style touches it
	r := s.Render(probe)
	i := strings.Index(r, probe)
	if i < 0 {
		return ink{}
	}
	return ink{open: r[:i], close: r[i+len(probe):]}
}

// paint returns s in the ink's colors.
func (k ink) paint(s string) string {
	if s == "" || k.open == "" {
		return s
	}
	return k.open + s + k.close
}

// styles holds every ink the views use, in one place.
type styles struct {
	border, borderFocused ink
	title, titleFocused   ink
	tab, tabActive        ink
	footer                ink

	text, dim, accent     ink
	ok, current, passed   ink
	err, errBold, changed ink

	groupHeader ink
	selected    ink // the selected row of the focused pane
	selectedDim ink // the selected row of a pane without focus

	gutter, gutterCurrent, currentLine ink
	// breakpoint marks a user's breakpoint in the Source gutter; cursor
	// is the prompt's cursor.
	breakpoint, cursor ink

	stateCreated, stateStarting, stateListening, stateStopped ink
}

func newStyles() *styles {
	st := lipgloss.NewStyle
	return &styles{
		border:        inkOf(st().Foreground(colorBorder)),
		borderFocused: inkOf(st().Foreground(colorAccent)),
		title:         inkOf(st().Foreground(colorDim).Bold(true)),
		titleFocused:  inkOf(st().Foreground(colorAccent).Bold(true)),
		tab:           inkOf(st().Foreground(colorDim)),
		tabActive:     inkOf(st().Foreground(colorAccent).Bold(true).Underline(true)),
		footer:        inkOf(st().Foreground(colorDim)),

		text:   inkOf(st().Foreground(colorText)),
		dim:    inkOf(st().Foreground(colorDim)),
		accent: inkOf(st().Foreground(colorAccent)),

		ok:      inkOf(st().Foreground(colorOK)),
		current: inkOf(st().Foreground(colorCurrent).Bold(true)),
		passed:  inkOf(st().Foreground(colorPassed)),
		err:     inkOf(st().Foreground(colorError)),
		errBold: inkOf(st().Foreground(colorError).Bold(true)),
		changed: inkOf(st().Foreground(colorChanged).Bold(true)),

		groupHeader: inkOf(st().Foreground(colorAccent).Bold(true)),
		selected:    inkOf(st().Background(colorSelBG).Foreground(colorText).Bold(true)),
		selectedDim: inkOf(st().Background(colorBlurBG)),

		gutter:        inkOf(st().Foreground(colorBorder)),
		gutterCurrent: inkOf(st().Foreground(colorCurrent).Background(colorLineBG).Bold(true)),
		currentLine:   inkOf(st().Background(colorLineBG).Foreground(colorText)),
		breakpoint:    inkOf(st().Foreground(colorError).Bold(true)),
		cursor:        inkOf(st().Reverse(true)),

		stateCreated:   inkOf(st().Foreground(colorDim)),
		stateStarting:  inkOf(st().Foreground(colorCurrent)),
		stateListening: inkOf(st().Foreground(colorOK).Bold(true)),
		stateStopped:   inkOf(st().Foreground(colorError)),
	}
}

// helpStyles are the help bubble's styles in the palette.
func helpStyles() help.Styles {
	st := lipgloss.NewStyle
	return help.Styles{
		Ellipsis:       st().Foreground(colorDim),
		ShortKey:       st().Foreground(colorAccent),
		ShortDesc:      st().Foreground(colorDim),
		ShortSeparator: st().Foreground(colorBorder),
		FullKey:        st().Foreground(colorAccent),
		FullDesc:       st().Foreground(colorDim),
		FullSeparator:  st().Foreground(colorBorder),
	}
}

// styleCurrent is the spinner's style.
func styleCurrent() lipgloss.Style {
	return lipgloss.NewStyle().Foreground(colorCurrent)
}

package pane

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

// Ink is a style reduced to the escape sequences around a text, so that the
// views, which paint many short strings on every frame, concatenate strings
// instead of running lipgloss' layout for each. Only styles without padding,
// margins, borders or widths can become inks.
type Ink struct{ open, close string }

// InkOf reduces a lipgloss style to its ink.
func InkOf(s lipgloss.Style) Ink {
	const probe = "\u2063" // invisible separator: no style touches it
	r := s.Render(probe)
	i := strings.Index(r, probe)
	if i < 0 {
		return Ink{}
	}
	return Ink{open: r[:i], close: r[i+len(probe):]}
}

// Paint returns s in the ink's colors.
func (k Ink) Paint(s string) string {
	if s == "" || k.open == "" {
		return s
	}
	return k.open + s + k.close
}

// Styles holds every ink the views use, in one place.
type Styles struct {
	Border, BorderFocused Ink
	Title, TitleFocused   Ink
	Tab, TabActive        Ink
	Footer                Ink

	Text, Dim, Accent     Ink
	OK, Current, Passed   Ink
	Err, ErrBold, Changed Ink

	GroupHeader Ink
	Selected    Ink // the selected row of the focused pane
	SelectedDim Ink // the selected row of a pane without focus

	Gutter, GutterCurrent, CurrentLine Ink
	// breakpoint marks a user's breakpoint in the Source gutter; cursor
	// is the prompt's cursor.
	Breakpoint, Cursor Ink

	StateCreated, StateStarting, StateListening, StateStopped Ink
}

// NewStyles returns the inks of the palette.
func NewStyles() *Styles {
	st := lipgloss.NewStyle
	return &Styles{
		Border:        InkOf(st().Foreground(colorBorder)),
		BorderFocused: InkOf(st().Foreground(colorAccent)),
		Title:         InkOf(st().Foreground(colorDim).Bold(true)),
		TitleFocused:  InkOf(st().Foreground(colorAccent).Bold(true)),
		Tab:           InkOf(st().Foreground(colorDim)),
		TabActive:     InkOf(st().Foreground(colorAccent).Bold(true).Underline(true)),
		Footer:        InkOf(st().Foreground(colorDim)),

		Text:   InkOf(st().Foreground(colorText)),
		Dim:    InkOf(st().Foreground(colorDim)),
		Accent: InkOf(st().Foreground(colorAccent)),

		OK:      InkOf(st().Foreground(colorOK)),
		Current: InkOf(st().Foreground(colorCurrent).Bold(true)),
		Passed:  InkOf(st().Foreground(colorPassed)),
		Err:     InkOf(st().Foreground(colorError)),
		ErrBold: InkOf(st().Foreground(colorError).Bold(true)),
		Changed: InkOf(st().Foreground(colorChanged).Bold(true)),

		GroupHeader: InkOf(st().Foreground(colorAccent).Bold(true)),
		Selected:    InkOf(st().Background(colorSelBG).Foreground(colorText).Bold(true)),
		SelectedDim: InkOf(st().Background(colorBlurBG)),

		Gutter:        InkOf(st().Foreground(colorBorder)),
		GutterCurrent: InkOf(st().Foreground(colorCurrent).Background(colorLineBG).Bold(true)),
		CurrentLine:   InkOf(st().Background(colorLineBG).Foreground(colorText)),
		Breakpoint:    InkOf(st().Foreground(colorError).Bold(true)),
		Cursor:        InkOf(st().Reverse(true)),

		StateCreated:   InkOf(st().Foreground(colorDim)),
		StateStarting:  InkOf(st().Foreground(colorCurrent)),
		StateListening: InkOf(st().Foreground(colorOK).Bold(true)),
		StateStopped:   InkOf(st().Foreground(colorError)),
	}
}

// HelpStyles are the help bubble's styles in the palette.
func HelpStyles() help.Styles {
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

// StyleCurrent is the spinner's style.
func StyleCurrent() lipgloss.Style {
	return lipgloss.NewStyle().Foreground(colorCurrent)
}

// Box drawing characters of the pane borders.
const (
	BorderH  = "─"
	BorderV  = "│"
	CornerTL = "╭"
	CornerTR = "╮"
	CornerBL = "╰"
	CornerBR = "╯"
)

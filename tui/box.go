package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// boxSpec is what a pane's box shows besides its content.
type boxSpec struct {
	// title is already painted; titleWidth is its width in cells.
	title      string
	titleWidth int
	// footer is plain text shown at the right of the bottom border.
	footer  string
	focused bool
}

// drawBox returns the r.h lines of a box of r.w cells around lines, each
// line fitted to the inner width. Lines past the inner height are dropped.
func drawBox(st *pane.Styles, r rect, spec boxSpec, lines []string) []string {
	if r.w < 2 || r.h < 2 {
		return pane.BlankLines(r.w, r.h)
	}
	border := st.Border
	if spec.focused {
		border = st.BorderFocused
	}
	inner := r.w - 2
	out := make([]string, 0, r.h)

	// Top: ╭─ Title ─────╮
	var top strings.Builder
	top.Grow(r.w * 4)
	title, tw := spec.title, spec.titleWidth
	if spec.focused && tw > 0 {
		// The focused pane is told by its title as well as its border's
		// colour, for a terminal without colours or a reader who cannot
		// tell them apart.
		title, tw = st.TitleFocused.Paint(pane.FocusMark)+" "+title, tw+pane.TextWidth(pane.FocusMark)+1
	}
	if tw > inner-4 {
		title, tw = "", 0
	}
	if tw > 0 {
		top.WriteString(border.Paint(pane.CornerTL + pane.BorderH + " "))
		top.WriteString(title)
		top.WriteString(border.Paint(" " + strings.Repeat(pane.BorderH, inner-tw-3) + pane.CornerTR))
	} else {
		top.WriteString(border.Paint(pane.CornerTL + strings.Repeat(pane.BorderH, inner) + pane.CornerTR))
	}
	out = append(out, top.String())

	side := border.Paint(pane.BorderV)
	for i := range r.h - 2 {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		out = append(out, side+pane.Fit(line, inner)+side)
	}

	// Bottom: ╰──── 3/30 ─╯
	footer := spec.footer
	fw := lipgloss.Width(footer)
	if footer != "" && fw+4 <= inner {
		out = append(out, border.Paint(pane.CornerBL+strings.Repeat(pane.BorderH, inner-fw-3)+" ")+
			st.Footer.Paint(footer)+border.Paint(" "+pane.BorderH+pane.CornerBR))
	} else {
		out = append(out, border.Paint(pane.CornerBL+strings.Repeat(pane.BorderH, inner)+pane.CornerBR))
	}
	return out
}

// compose draws blocks of lines onto a width x height screen. Blocks must
// tile the screen: each holds exactly the lines of its rect, each line exactly
// its width.
type block struct {
	r     rect
	lines []string
}

func compose(width, height int, blocks []block) string {
	var b strings.Builder
	b.Grow(width * height * 3)
	for y := range height {
		if y > 0 {
			b.WriteByte('\n')
		}
		x := 0
		for x < width {
			found := false
			for _, bl := range blocks {
				if bl.r.x == x && y >= bl.r.y && y < bl.r.y+bl.r.h {
					if i := y - bl.r.y; i < len(bl.lines) {
						b.WriteString(bl.lines[i])
					} else {
						b.WriteString(pane.Spaces(bl.r.w))
					}
					x += bl.r.w
					found = true
					break
				}
			}
			if !found {
				b.WriteString(pane.Spaces(width - x))
				break
			}
		}
	}
	return b.String()
}

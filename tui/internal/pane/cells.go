package pane

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Text measured in terminal cells: fitting, cutting, padding and wrapping
// it to a width, and cleaning what the program wrote of control
// characters.

// Fit truncates s to w cells (with an ellipsis) or pads it with spaces to
// exactly w cells. Widths are measured as the terminal shows them, so wide
// (CJK, emoji) characters and escape sequences do not break the borders.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := TextWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = TextWidth(s)
	}
	if sw < w {
		s += Spaces(w - sw)
	}
	return s
}

// TextWidth is the width of s in cells, fast for plain ASCII.
func TextWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf {
			return lipgloss.Width(s)
		}
	}
	return len(s)
}

// Truncate cuts s to at most w cells, with an ellipsis when it cuts.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if TextWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// TruncateLeft keeps the end of s, e.g. of a long path, in at most w cells.
func TruncateLeft(s string, w int) string {
	sw := TextWidth(s)
	if w <= 0 {
		return ""
	}
	if sw <= w {
		return s
	}
	return "…" + ansi.TruncateLeft(s, sw-w+1, "")
}

// PadRight pads s to w cells; it never cuts.
func PadRight(s string, w int) string {
	if sw := TextWidth(s); sw < w {
		return s + Spaces(w-sw)
	}
	return s
}

// PadLeft right-aligns s in w cells; it never cuts.
func PadLeft(s string, w int) string {
	if sw := TextWidth(s); sw < w {
		return Spaces(w-sw) + s
	}
	return s
}

const spaceRun = "                                                                                                                                                                                                                                                                "

// Spaces returns n spaces.
func Spaces(n int) string {
	if n <= 0 {
		return ""
	}
	if n <= len(spaceRun) {
		return spaceRun[:n]
	}
	return strings.Repeat(" ", n)
}

// BlankLines returns h lines of w spaces.
func BlankLines(w, h int) []string {
	if h <= 0 {
		return nil
	}
	out := make([]string, h)
	for i := range out {
		out[i] = Spaces(w)
	}
	return out
}

// WrapText wraps plain text to w cells, breaking long words. Text with
// wide (CJK) characters, which needs no spaces between words, may also
// break between any two of them (wrapWide).
func WrapText(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		switch {
		case para == "":
			out = append(out, "")
		case hasWide(para):
			out = append(out, wrapWide(para, w)...)
		default:
			out = append(out, strings.Split(ansi.Wrap(para, w, ""), "\n")...)
		}
	}
	return out
}

// hasWide reports whether s holds a character two cells wide.
func hasWide(s string) bool {
	for _, r := range s {
		if r >= 0x1100 && RuneWidth(r) > 1 {
			return true
		}
	}
	return false
}

// RuneWidth is the cells r takes on a terminal.
func RuneWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return ansi.StringWidth(string(r))
}

// wrapWide wraps a paragraph of plain text that mixes wide characters and
// words: a line may break at a space or next to a wide character, but never
// before closing punctuation (，。) or after opening punctuation (（「), as
// Chinese typesetting wants.
func wrapWide(para string, w int) []string {
	var lines []string
	var line strings.Builder
	lw := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(line.String(), " "))
		line.Reset()
		lw = 0
	}
	for _, tok := range wideTokens(para) {
		if tok == " " {
			if lw > 0 && lw < w {
				line.WriteByte(' ')
				lw++
			}
			continue
		}
		tw := ansi.StringWidth(tok)
		if lw > 0 && lw+tw > w {
			flush()
		}
		for tw > w {
			// A word longer than a line is cut where the line ends.
			head := ansi.Truncate(tok, w, "")
			if head == "" {
				break
			}
			if lw > 0 {
				flush()
			}
			lines = append(lines, head)
			tok = tok[len(head):]
			tw = ansi.StringWidth(tok)
		}
		line.WriteString(tok)
		lw += tw
	}
	if lw > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// wideTokens splits text into what wrapWide may not break: words of narrow
// characters, single wide characters with the punctuation that sticks to
// them, and spaces.
func wideTokens(s string) []string {
	var toks []string
	var word strings.Builder
	opening := false // word holds only opening punctuation
	end := func() {
		if word.Len() > 0 {
			toks = append(toks, word.String())
			word.Reset()
		}
		opening = false
	}
	for _, r := range s {
		switch {
		case r == ' ':
			end()
			toks = append(toks, " ")
		case strings.ContainsRune("，。、；：！？）」』》】,.;:!?)", r) && (word.Len() > 0 || len(toks) > 0 && toks[len(toks)-1] != " "):
			if word.Len() > 0 {
				word.WriteRune(r)
			} else {
				toks[len(toks)-1] += string(r)
			}
		case strings.ContainsRune("（「『《【", r):
			if !opening {
				end()
			}
			word.WriteRune(r)
			opening = true
		case RuneWidth(r) > 1:
			if opening {
				word.WriteRune(r)
				end()
				continue
			}
			end()
			toks = append(toks, string(r))
		default:
			if opening {
				opening = false
			}
			word.WriteRune(r)
		}
	}
	end()
	return toks
}

// Sanitize makes text from the traced program safe to draw: escape
// sequences and control characters go, tabs become spaces, so that the
// program's output can never move the cursor or draw over the TUI.
func Sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		// 0xc2 leads the UTF-8 of the C1 controls U+0080..U+009F.
		if c := s[i]; c < 0x20 || c == 0x7f || c == 0xc2 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = ansi.Strip(s)
	return ExpandTabs(strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s), 4)
}

// SanitizeLines is sanitize for text of several lines, such as compiler
// output in an error.
func SanitizeLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = Sanitize(strings.TrimRight(l, "\r"))
	}
	return strings.Join(lines, "\n")
}

// ExpandTabs replaces tabs with spaces up to the next multiple of width.
func ExpandTabs(s string, width int) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := width - col%width
			b.WriteString(Spaces(n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// Clamp returns v within lo and hi.
func Clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// KeepInView returns the scroll offset of a list of n rows drawn in h
// lines that shows row sel, moving offset as little as it can; with no
// lines to draw in it leaves offset as it is.
func KeepInView(offset, sel, h, n int) int {
	if h <= 0 {
		return offset
	}
	if sel < offset {
		offset = sel
	}
	if sel >= offset+h {
		offset = sel - h + 1
	}
	return Clamp(offset, 0, max(0, n-h))
}

// IndentLines puts prefix before each of lines, in place.
func IndentLines(lines []string, prefix string) []string {
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return lines
}

package tui

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// modelIn is modelAt in a language, with the notes on or off.
func modelIn(tb testing.TB, lang tracer.Lang, notes bool, sc scenario, w, h int, events []tracer.Event) Model {
	tb.Helper()
	clock := newTestClock()
	src := tracertest.NewFake(nil)
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		Now:         clock.now,
		NoAnimation: true,
		Lang:        lang,
		Notes:       notes,
	})
	m = update(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = update(tb, m, startedMsg{gen: m.trace.gen, src: src})
	for _, ev := range events {
		m = update(tb, m, eventMsg{gen: m.trace.gen, ev: ev})
		if sc.until(ev) {
			break
		}
	}
	if sc.closed {
		m = update(tb, m, sourceClosedMsg{gen: m.trace.gen})
	}
	clock.t = clock.t.Add(sc.elapsed)
	return m
}

// cells splits a line without escape sequences into the terminal's cells: a
// wide character takes its cell and leaves the next one "".
func cells(line string) []string {
	var out []string
	for _, r := range line {
		out = append(out, string(r))
		for range pane.RuneWidth(r) - 1 {
			out = append(out, "")
		}
	}
	return out
}

// checkBorders checks that every visible pane's box has its corners and
// sides in the cells of its rectangle: a wide character that measured
// wrong would push the right border out of its column.
func checkBorders(tb testing.TB, m Model, plain string) {
	tb.Helper()
	lines := strings.Split(plain, "\n")
	grid := make([][]string, len(lines))
	for i, l := range lines {
		grid[i] = cells(l)
	}
	at := func(x, y int) string {
		if y < 0 || y >= len(grid) || x < 0 || x >= len(grid[y]) {
			return "?"
		}
		return grid[y][x]
	}
	for p := range paneCount {
		if !m.visible(p) {
			continue
		}
		r := m.lay.panes[p]
		l, rt, top, bot := r.x, r.x+r.w-1, r.y, r.y+r.h-1
		for _, c := range []struct {
			x, y int
			want string
		}{{l, top, pane.CornerTL}, {rt, top, pane.CornerTR}, {l, bot, pane.CornerBL}, {rt, bot, pane.CornerBR}} {
			if got := at(c.x, c.y); got != c.want {
				tb.Errorf("%s: the cell at %d,%d is %q, want %q\n%s", p, c.x, c.y, got, c.want, plain)
				return
			}
		}
		for y := top + 1; y < bot; y++ {
			if at(l, y) != pane.BorderV || at(rt, y) != pane.BorderV {
				tb.Errorf("%s: row %d has %q and %q for its sides\n%s", p, y, at(l, y), at(rt, y), plain)
				return
			}
		}
	}
}

// TestGoldenLanguages draws the screen in Chinese, with and without the
// notes, and in English with the notes, comparing it with the golden files
// and checking that no wide character moves a border.
func TestGoldenLanguages(t *testing.T) {
	events := tracertest.DemoEvents()
	type variant struct {
		lang  tracer.Lang
		notes bool
		sizes [][2]int
	}
	for _, v := range []variant{
		{tracer.Chinese, true, goldenSizes},
		{tracer.Chinese, false, [][2]int{{120, 40}}},
		{tracer.English, true, goldenSizes},
	} {
		name := string(v.lang)
		if v.notes {
			name += "+notes"
		}
		for _, sc := range scenarios {
			for _, size := range v.sizes {
				w, h := size[0], size[1]
				t.Run(fmt.Sprintf("%s/%s/%dx%d", name, sc.name, w, h), func(t *testing.T) {
					m := modelIn(t, v.lang, v.notes, sc, w, h, events)
					s := screen(t, m, w, h)
					checkBorders(t, m, s)
					golden.RequireEqual(t, s+"\n")
				})
			}
		}
	}
}

// TestChineseScreenHasNoEnglishWords checks that the words of the screen
// come from the Chinese table: none of the English texts of panes, legend,
// status or keys shows.
func TestChineseScreenHasNoEnglishWords(t *testing.T) {
	en := pane.Texts[tracer.English]
	words := append(en.PaneNames[:0:0], en.PaneNames[:]...)
	// Not the legend's "stopped": it is also a server's state, which is data.
	words = append(words, en.LegendNoBreak, en.LegendPending, "next phase", "paused at", "exited with code", "frames", "lines", "NETWORK", "after launch")
	for _, sc := range scenarios {
		m := modelIn(t, tracer.Chinese, true, sc, 200, 60, tracertest.DemoEvents())
		s := ansi.Strip(m.render())
		for _, w := range words {
			if w == "Bootstrap" {
				continue // a Go type's name, the same in every language
			}
			if regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).MatchString(s) {
				t.Errorf("%s: the Chinese screen shows %q", sc.name, w)
			}
		}
	}
}

// TestTextsAreComplete checks that every language has every word of the
// TUI, and that the formats take the same arguments as the English ones.
func TestTextsAreComplete(t *testing.T) {
	en := reflect.ValueOf(*pane.Texts[tracer.English])
	for _, lang := range tracer.Langs {
		tx, ok := pane.Texts[lang]
		if !ok {
			t.Errorf("no words for %s", lang)
			continue
		}
		v := reflect.ValueOf(*tx)
		for i := range v.NumField() {
			name := v.Type().Field(i).Name
			checkText(t, string(lang)+"."+name, v.Field(i), en.Field(i))
		}
		for _, g := range []tracer.Group{tracer.GroupMain, tracer.GroupConfig, tracer.GroupWire, tracer.GroupRun, tracer.GroupShutdown} {
			if tx.Groups[g] == "" {
				t.Errorf("%s has no name for the group %s", lang, g)
			}
		}
	}
}

func checkText(t *testing.T, name string, v, en reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		if v.String() == "" {
			t.Errorf("%s is empty", name)
		}
		if verbs(v.String()) != verbs(en.String()) {
			t.Errorf("%s is %q: its verbs differ from the English %q", name, v.String(), en.String())
		}
	case reflect.Array:
		for i := range v.Len() {
			checkText(t, fmt.Sprintf("%s[%d]", name, i), v.Index(i), en.Index(i))
		}
	}
}

// verbs lists the fmt verbs of a format, in order.
func verbs(format string) string {
	var b strings.Builder
	for i := 0; i < len(format)-1; i++ {
		if format[i] == '%' {
			b.WriteByte(format[i+1])
			i++
		}
	}
	return b.String()
}

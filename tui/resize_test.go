package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestResizeNeverBreaksTheScreen draws every scenario at many sizes, from
// tiny to huge, checking that the view always fills the terminal exactly.
func TestResizeNeverBreaksTheScreen(t *testing.T) {
	events := tracertest.DemoEvents()
	var sizes [][2]int
	for _, w := range []int{1, 10, 40, 59, 60, 61, 79, 80, 81, 99, 109, 110, 119, 120, 149, 150, 169, 170, 200, 260} {
		for _, h := range []int{1, 5, 15, 16, 17, 23, 24, 29, 30, 33, 40, 46, 47, 60, 80} {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	for _, sc := range scenarios {
		m := modelAt(t, sc, 120, 40, events)
		for _, size := range sizes {
			w, h := size[0], size[1]
			m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
			s := screen(t, m, w, h)
			small := w < minWidth || h < minHeight
			if got := strings.Contains(s, "terminal too small"); got != small && w > 20 {
				t.Errorf("%s at %dx%d: too-small message shown=%v", sc.name, w, h, got)
			}
			// The full help must not break the screen either.
			m = update(t, m, tea.KeyPressMsg{Code: '?', Text: "?"})
			screen(t, m, w, h)
			m = update(t, m, tea.KeyPressMsg{Code: '?', Text: "?"})
		}
	}
}

// TestWideCharactersKeepBordersAligned feeds text with CJK and emoji into
// every pane and checks the borders stay where they belong.
func TestWideCharactersKeepBordersAligned(t *testing.T) {
	events := tracertest.DemoEvents()
	for i := range events {
		ev := &events[i]
		if ev.Kind == tracer.KindOutput {
			ev.Output.Text = "服务启动 🚀 " + ev.Output.Text + " 完成"
		}
		if ev.Source != nil {
			for j := range ev.Source.Lines {
				ev.Source.Lines[j] += " // 注释：配置加载"
			}
		}
		if ev.Bootstrap != nil {
			ev.Bootstrap.Walk(func(_ string, n *tracer.Node) {
				if n.Value != "" {
					n.Value += " 值"
				}
			})
		}
		for j := range ev.Servers {
			ev.Servers[j].Address = "服务器:" + ev.Servers[j].Address
		}
		if ev.Detail != "" {
			ev.Detail += " 详情"
		}
	}
	for _, sc := range scenarios {
		for _, size := range append(goldenSizes, [2]int{61, 17}, [2]int{97, 31}) {
			for _, lang := range tracer.Langs {
				for _, notes := range []bool{false, true} {
					m := modelIn(t, lang, notes, sc, size[0], size[1], events)
					for _, p := range []paneID{paneBootstrap, paneServers, paneStack, paneOutput, paneNotes} {
						if p == paneNotes && !notes {
							continue
						}
						m.setFocus(p)
						checkBorders(t, m, screen(t, m, size[0], size[1]))
					}
				}
			}
		}
	}
}

// TestProgramOutputCannotDrawOverTheTUI sends escape sequences and control
// characters as program output.
func TestProgramOutputCannotDrawOverTheTUI(t *testing.T) {
	m := modelAt(t, scenarios[1], 80, 24, tracertest.DemoEvents())
	for _, text := range []string{"\x1b[2J\x1b[H cleared?", "tab\tand\rcarriage", "bell\a and \x1b]0;title\a", "\u009b31mC1"} {
		m = update(t, m, eventMsg{gen: m.trace.gen, ev: tracer.Event{Kind: tracer.KindOutput, Output: &tracer.OutputLine{Stream: "stderr", Text: text}}})
	}
	m.setFocus(paneOutput)
	raw := m.View().Content
	for _, bad := range []string{"\x1b[2J", "\x1b[H", "\a", "\r", "\x1b]0;", "\u009b"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the view contains %q from the program's output", bad)
		}
	}
	screen(t, m, 80, 24)
}

// TestClicksFocusPanes clicks inside every visible pane and on the tabs of
// the compact layout.
func TestClicksFocusPanes(t *testing.T) {
	events := tracertest.DemoEvents()
	for _, size := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := modelAt(t, scenarios[2], size[0], size[1], events)
			for p := range paneCount {
				if !m.visible(p) {
					continue
				}
				r := m.lay.panes[p]
				m = update(t, m, tea.MouseClickMsg{X: r.x + r.w/2, Y: r.y + r.h/2, Button: tea.MouseLeft})
				if m.focus != p {
					t.Errorf("a click in %s focused %s", p, m.focus)
				}
			}
			for _, b := range m.lay.boxes {
				if !b.tabbed() {
					continue
				}
				for _, p := range b.panes {
					x := -1
					for i := range b.r.w {
						if q, ok := m.tabAt(b, i); ok && q == p {
							x = i
							break
						}
					}
					if x < 0 {
						t.Errorf("no tab for %s", p)
						continue
					}
					m = update(t, m, tea.MouseClickMsg{X: b.r.x + x, Y: b.r.y, Button: tea.MouseLeft})
					if !m.visible(p) || m.focus != p {
						t.Errorf("a click on the %s tab shows %v, focus %s", p, m.visible(p), m.focus)
					}
					if !strings.Contains(screen(t, m, size[0], size[1]), p.String()) {
						t.Errorf("the %s tab is not drawn", p)
					}
				}
			}
		})
	}
}

// TestKeysMoveInPanes exercises the keys of each pane for panics and for
// the Bootstrap tree's folding.
func TestKeysMoveInPanes(t *testing.T) {
	m := modelAt(t, scenarios[2], 120, 40, tracertest.DemoEvents())
	keys := []tea.KeyPressMsg{
		{Code: 'j', Text: "j"}, {Code: 'k', Text: "k"}, {Code: tea.KeyDown}, {Code: tea.KeyUp},
		{Code: tea.KeyPgDown}, {Code: tea.KeyPgUp}, {Code: 'G', Text: "G"}, {Code: 'g', Text: "g"},
		{Code: tea.KeyEnter},
	}
	for range paneCount {
		for _, k := range keys {
			m = update(t, m, k)
			screen(t, m, 120, 40)
		}
		m = update(t, m, tea.KeyPressMsg{Code: tea.KeyTab})
	}
	// Fold "server" in the Bootstrap pane, starting from a fully unfolded tree.
	m.setFocus(paneBootstrap)
	m.bootstrap.UnfoldAll()
	m = update(t, m, tea.KeyPressMsg{Code: 'g', Text: "g"})
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	s := screen(t, m, 120, 40)
	if !strings.Contains(s, "▸ server") || strings.Contains(s, "addr     127.0.0.1:8000") {
		t.Errorf("server did not fold:\n%s", s)
	}
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if s := screen(t, m, 120, 40); !strings.Contains(s, "▾ server") {
		t.Errorf("server did not unfold:\n%s", s)
	}
	// shift+tab goes back.
	m.setFocus(panePhases)
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	if m.focus != paneOutput {
		t.Errorf("shift+tab from Phases focused %s, want Output", m.focus)
	}
}

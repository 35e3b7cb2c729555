package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// typeKey sends one key press to m.
func typeKey(tb testing.TB, m Model, k string) Model {
	tb.Helper()
	switch k {
	case "tab":
		return update(tb, m, tea.KeyPressMsg{Code: tea.KeyTab})
	}
	r := []rune(k)[0]
	return update(tb, m, tea.KeyPressMsg{Code: r, Text: k})
}

// atHTTPAddr is the demo at config.scan with the Bootstrap pane focused
// and server.http.addr selected.
func atHTTPAddr(tb testing.TB, w, h int) Model {
	tb.Helper()
	m := modelAt(tb, scenario{name: "config.scan", until: stopAt(tracer.PhaseConfigScan)}, w, h, tracertest.DemoEvents())
	for i := 0; m.focus != paneBootstrap; i++ {
		if i > 10 {
			tb.Fatal("tab never focuses the Bootstrap pane")
		}
		m = typeKey(tb, m, "tab")
	}
	for m.bootstrap.SelectedPath() != "server.http.addr" {
		m = typeKey(tb, m, "j")
	}
	return m
}

// TestGoldenOrigins: each leaf's short origin beside its value, and under
// the tree the selected leaf's chain: its value and origin, then the value
// it overrode.
func TestGoldenOrigins(t *testing.T) {
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			s := screen(t, atHTTPAddr(t, w, h), w, h)
			for _, want := range []string{"─ server.http.addr ", "= 127.0.0.1:8000  ", "zz-override.yaml:4", "↳ 127.0.0.1:8080  ", "config.yaml:10"} {
				if !strings.Contains(s, want) {
					t.Errorf("the chain lacks %q:\n%s", want, s)
				}
			}
			golden.RequireEqual(t, s+"\n")
		})
	}
}

func TestOriginsKeyHidesThem(t *testing.T) {
	m := atHTTPAddr(t, 200, 60)
	if s := screen(t, m, 200, 60); !strings.Contains(s, "zz-override.yaml:4") || !strings.Contains(s, "O origins") {
		t.Fatalf("origins or their key hint are not shown:\n%s", s)
	}
	m = typeKey(t, m, "O")
	s := screen(t, m, 200, 60)
	for _, gone := range []string{"zz-override.yaml", "config.yaml:", "unset"} {
		if strings.Contains(s, gone) {
			t.Errorf("O left %q on the screen:\n%s", gone, s)
		}
	}
	m = typeKey(t, m, "O")
	if s := screen(t, m, 200, 60); !strings.Contains(s, "zz-override.yaml:4") {
		t.Errorf("a second O does not bring the origins back:\n%s", s)
	}
}

func TestChainOfALeafSetOnce(t *testing.T) {
	m := atHTTPAddr(t, 120, 40)
	m = typeKey(t, m, "j") // server.http.timeout, only in config.yaml
	if s := screen(t, m, 120, 40); !strings.Contains(s, "set once: it overrode nothing") {
		t.Errorf("the chain of a leaf that overrode nothing does not say so:\n%s", s)
	}
}

// TestOriginsDegrade checks that a narrow pane leaves origins out of the
// tree rather than cutting the values, and small sizes do not break.
func TestOriginsDegrade(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}, {40, 12}} {
		m := atHTTPAddr(t, size[0], size[1])
		s := screen(t, m, size[0], size[1])
		if strings.Contains(s, "127.0.0.1:80…") {
			t.Errorf("%dx%d: a value is cut to make room for an origin:\n%s", size[0], size[1], s)
		}
	}
}

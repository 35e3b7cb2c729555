package tracer

import (
	"testing"
	"time"
)

func TestBuildProgress(t *testing.T) {
	for _, tt := range []struct {
		name     string
		p        BuildProgress
		text     string
		fraction float64
	}{
		{"the total not yet known", BuildProgress{Compiled: 12}, "compiling: 12 packages so far", 0},
		{"one package so far", BuildProgress{Compiled: 1}, "compiling: 1 package so far", 0},
		{"compiling", BuildProgress{Compiled: 143, Total: 310}, "compiling 143/310 packages", 143.0 / 310},
		{"more compiled than counted", BuildProgress{Compiled: 320, Total: 310}, "compiling 320/310 packages", 1},
		{"linking", BuildProgress{Compiled: 143, Total: 310, Linking: true}, "linking (143 packages compiled, 167 from the go build cache)", 1},
		{"linking, all from the cache", BuildProgress{Total: 310, Linking: true}, "linking (all 310 packages from the go build cache)", 1},
		{"linking, the total unknown", BuildProgress{Linking: true}, "linking (every package from the go build cache)", 1},
		{"linking, everything compiled", BuildProgress{Compiled: 310, Total: 310, Linking: true}, "linking (310 packages compiled)", 1},
	} {
		if got := tt.p.Text(); got != tt.text {
			t.Errorf("%s: Text = %q, want %q", tt.name, got, tt.text)
		}
		if got := tt.p.Fraction(); got != tt.fraction {
			t.Errorf("%s: Fraction = %v, want %v", tt.name, got, tt.fraction)
		}
	}
	p := BuildProgress{Compiled: 143, Total: 310, Elapsed: Duration(12400 * time.Millisecond)}
	if got, want := p.String(), "compiling 143/310 packages, 12s"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

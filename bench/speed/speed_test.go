package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReplaceSection(t *testing.T) {
	section := "## Speed\n\nnew numbers\n"
	tests := []struct {
		name, doc, want string
	}{
		{"empty file", "", "## Speed\n\nnew numbers\n"},
		{"no speed section yet", "# Benchmarks\n\n## TUI\n\nfast\n", "# Benchmarks\n\n## TUI\n\nfast\n\n## Speed\n\nnew numbers\n"},
		{"last section", "# Benchmarks\n\n## TUI\n\nfast\n\n## Speed\n\nold\n", "# Benchmarks\n\n## TUI\n\nfast\n\n## Speed\n\nnew numbers\n"},
		{"between others", "# B\n\n## Speed\n\nold\n### detail\nold\n\n## TUI\n\nfast\n", "# B\n\n## Speed\n\nnew numbers\n\n## TUI\n\nfast\n"},
		{"first line", "## Speed\nold\n## TUI\nfast\n", "## Speed\n\nnew numbers\n\n## TUI\nfast\n"},
		{"a heading that only starts alike", "## Speedy\nkeep\n", "## Speedy\nkeep\n\n## Speed\n\nnew numbers\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := replaceSection(tt.doc, "## Speed", section); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestMedianAndPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	d := ms(5, 1, 4, 2, 3, 100, 6, 7, 8, 9)
	if got := median(d); got != 5500*time.Microsecond {
		t.Errorf("median %v", got)
	}
	if got := median(ms(3, 1, 2)); got != 2*time.Millisecond {
		t.Errorf("odd median %v", got)
	}
	if got := percentile(d, 95); got != 100*time.Millisecond {
		t.Errorf("p95 %v", got)
	}
	if got := percentile(d, 50); got != 5*time.Millisecond {
		t.Errorf("p50 %v", got)
	}
	if median(nil) != 0 || percentile(nil, 95) != 0 {
		t.Errorf("empty input should give 0")
	}
}

func TestDlvInitScript(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.go")
	src := "package kratos\n\nfunc (a *App) Run() error {\n\tx := 1\n\treturn nil\n}\n"
	if err := os.WriteFile(app, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := []plannedPhase{
		{Phase: "app.run", Function: "kratos.(*App).Run", File: app, Line: 3},
		{Phase: "server.start", Function: "kratos.(*App).Run", File: app, Line: 4},
		{Phase: "server.stop", Function: "kratos.(*App).Run", File: app, Line: 4},
		{Phase: "app.running", Function: "kratos.(*App).Run", File: app, Line: 5},
		{Phase: "app.register", Unavailable: "no registrar"},
	}
	script, running, err := dlvInitScript(plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"break kratos.(*App).Run\non 1 stack 24\non 1 args\non 1 locals\non 1 print a.opts.servers\non 1 print main.flagconf\non 1 print len(a.opts.servers)\n",
		"break " + app + ":4\non 2 stack 24\non 2 args\non 2 locals\non 2 print server\n",
		"break " + app + ":5\non 3 stack 24\non 3 args\non 3 locals\non 3 print a.opts.servers\n",
		"continue\nexit\n",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q:\n%s", want, script)
		}
	}
	if strings.Count(script, "break ") != 3 {
		t.Errorf("want one breakpoint per location:\n%s", script)
	}
	if running != (location{app, 5}) {
		t.Errorf("app.running at %v", running)
	}
	if _, _, err := dlvInitScript(plan[:1]); err == nil {
		t.Errorf("a plan without app.running was accepted")
	}
}

func TestParseBenchmarks(t *testing.T) {
	out := "goos: linux\nBenchmarkBuildKey-2      \t       5\t 175346172 ns/op\nBenchmarkCacheHit \t 5 \t 220733933.5 ns/op\t 12 B/op\nPASS\n"
	got := parseBenchmarks(out)
	if len(got) != 2 || got[0].name != "BenchmarkBuildKey" || got[0].op != 175346172 || got[1].name != "BenchmarkCacheHit" {
		t.Errorf("got %+v", got)
	}
}

func TestLatencyLine(t *testing.T) {
	for line, want := range map[string]string{
		"debug: stop-latency stop config.scan 15429us":                        "stop config.scan",
		"debug: stop-latency stop server.start grpc 127.0.0.1:9000 10867us":   "stop server.start grpc 127.0.0.1:9000",
		"debug: stop-latency pass app.register 412us":                         "pass app.register",
		"debug: breakpoint 1 flag.parse flag.Parse at /x/flag.go:1 (1 addrs)": "",
	} {
		m := latencyLine.FindStringSubmatch(line)
		if (m == nil) != (want == "") || (m != nil && m[1] != want) {
			t.Errorf("%q: got %q, want %q", line, m, want)
		}
	}
}

func TestLineWriter(t *testing.T) {
	var lines []string
	w := &lineWriter{onLine: func(s string) { lines = append(lines, s) }}
	w.Write([]byte("one\ntw"))
	w.Write([]byte("o\r\nthr"))
	w.flush()
	if strings.Join(lines, "|") != "one|two|thr" {
		t.Errorf("lines %q", lines)
	}
}

func TestSystemChecks(t *testing.T) {
	r := &results{}
	if wall, rss, _, _ := r.systemChecks(); !wall.ok || !rss.ok || r.systemMarkdown() != "" {
		t.Fatal("a run without the system row must neither miss its targets nor print it")
	}
	r.add(kindWarm, measurement{hwmKB: 80_000, allHWMKB: 100_000})
	r.system = []systemMeasurement{{wall: 4 * time.Second, hwmKB: 150_000}, {wall: 6 * time.Second, hwmKB: 210_000}}
	r.systemDlv = []systemMeasurement{{wall: 10 * time.Second}, {wall: 12 * time.Second}}
	wall, rss, ratio, rssRatio := r.systemChecks()
	if ratio != 5.0/11 || !wall.ok {
		t.Errorf("wall ratio %v (ok %v), want 5/11 met", ratio, wall.ok)
	}
	if rssRatio != 2.1 || rss.ok {
		t.Errorf("RSS ratio %v (ok %v), want 2.1 missed", rssRatio, rss.ok)
	}
	if md := r.systemMarkdown(); !strings.Contains(md, "**0.45**") || !strings.Contains(md, "**missed**") {
		t.Errorf("the system table lacks its ratio or its missed target:\n%s", md)
	}
}

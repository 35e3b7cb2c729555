package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// jsonStop is what the inspection tests read of one JSON event line.
type jsonStop struct {
	Kind     string `json:"kind"`
	Phase    string `json:"phase"`
	Detail   string `json:"detail"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Args     []struct {
		Name string `json:"name"`
	} `json:"args"`
	Results []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"results"`
	Took    string          `json:"took"`
	Watches json.RawMessage `json:"watches"`
}

func readStops(t *testing.T, out string) []jsonStop {
	t.Helper()
	var evs []jsonStop
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev jsonStop
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		evs = append(evs, ev)
	}
	return evs
}

// TestBreakAndWatchAcceptance is the acceptance command, on the demo
// and on the stock kratos-layout fixture: break stops in main.newApp with
// its args gs and hs and at a FILE:LINE of biz, the watch at every stop,
// data.NewData's return with its results. A recording made with --watch
// replays with the same watches.
func TestBreakAndWatchAcceptance(t *testing.T) {
	layoutConf, _ := writeLayoutConfig(t)
	demoConf, _, _ := demoConfigDir(t)
	for _, tt := range []struct {
		name, target, conf string
		bizLine            int
	}{
		{"demo", "../../demo/cmd/server", demoConf, 42},
		{"layout", layoutDir + "/cmd/server", layoutConf, 39},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bizLoc := "internal/biz/greeter.go:" + strconv.Itoa(tt.bizLine)
			rec := filepath.Join(t.TempDir(), "boot.jsonl")
			code, out, stderr := runCLI(t, "run", "--headless", "--json", "--break", "main.newApp", "--break", bizLoc, "--watch", "main.flagconf", "--record", rec, tt.target, "--", "-conf", tt.conf)
			skipWithoutPtrace(t, stderr)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			evs := readStops(t, out)
			var breaks []string
			var watches []string
			sawReturn := false
			for _, ev := range evs {
				if ev.Kind == "stop" || ev.Kind == "step" {
					watches = append(watches, ev.Phase+" "+ev.Detail+" "+string(ev.Watches))
					if !strings.Contains(string(ev.Watches), `"expr":"main.flagconf"`) {
						t.Errorf("%s %s carries no watch: %s", ev.Phase, ev.Detail, ev.Watches)
					}
					if ev.Phase != "flag.parse" && !strings.Contains(string(ev.Watches), strconv.Quote(strconv.Quote(tt.conf))[1:]) {
						t.Errorf("%s %s: main.flagconf is not %s: %s", ev.Phase, ev.Detail, tt.conf, ev.Watches)
					}
				}
				if ev.Phase == "break" {
					breaks = append(breaks, ev.Detail)
					var args []string
					for _, a := range ev.Args {
						args = append(args, a.Name)
					}
					switch ev.Detail {
					case "main.newApp":
						if ev.Function != "main.newApp" || !slices.Contains(args, "gs") || !slices.Contains(args, "hs") {
							t.Errorf("break main.newApp in %s with args %v", ev.Function, args)
						}
					case bizLoc:
						if !strings.HasSuffix(ev.File, "internal/biz/greeter.go") || ev.Line != tt.bizLine {
							t.Errorf("break %s at %s:%d", bizLoc, ev.File, ev.Line)
						}
					}
				}
				if ev.Kind == "return" && ev.Detail == "data.NewData" {
					sawReturn = len(ev.Results) == 3 && ev.Results[2].Name == "err" && ev.Results[2].Value == "nil" && ev.Took != ""
				}
			}
			if !slices.Equal(breaks, []string{bizLoc, "main.newApp"}) {
				t.Errorf("break stops %v", breaks)
			}
			if !sawReturn {
				t.Error("no return of data.NewData with dataData, cleanup and err")
			}

			// The replay carries the same watches at the same stops.
			code, replayed, stderr := runCLI(t, "replay", "--json", rec)
			if code != 0 {
				t.Fatalf("replay: exit %d\n%s", code, stderr)
			}
			var again []string
			for _, ev := range readStops(t, replayed) {
				if ev.Kind == "stop" || ev.Kind == "step" {
					again = append(again, ev.Phase+" "+ev.Detail+" "+string(ev.Watches))
				}
			}
			if !slices.Equal(watches, again) {
				t.Errorf("the replay's watches differ:\nlive:\n  %s\nreplay:\n  %s", strings.Join(watches, "\n  "), strings.Join(again, "\n  "))
			}
		})
	}
}

// TestInspectTextOnDemo: the text output shows the values of the user's
// own at each stop, compactly.
func TestInspectTextOnDemo(t *testing.T) {
	conf, _, _ := demoConfigDir(t)
	code, out, stderr := runCLI(t, "run", "--headless", "--break", "main.newApp", "--watch", "main.flagconf", "--watch", "len(a.opts.servers)", "../../demo", "--", "-conf", conf)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"● break main.newApp — your breakpoint",
		"  args   logger log.Logger(*log.logger) = {",
		"         gs *grpc.Server = {",
		"  watch  main.flagconf = " + strconv.Quote(conf),
		`         len(a.opts.servers): could not find symbol "a.opts" in main.newApp`,
		"         len(a.opts.servers) = 2",
		"  ↩ data.NewData returned after ",
		"      err error = nil",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for i, line := range strings.Split(out, "\n") {
		// A Bootstrap leaf's origin (after "  # ") names the config files
		// as the program opened them, here long temp paths: not a value
		// line of this test's.
		if strings.Contains(line, "  # ") {
			continue
		}
		if strings.HasPrefix(line, "  args ") || strings.HasPrefix(line, "  watch ") || strings.HasPrefix(line, "      ") {
			if n := len([]rune(line)); n > 130 {
				t.Errorf("line %d is %d wide: %s", i+1, n, line)
			}
		}
	}
}

// TestBreakBadLocations: a location that cannot be one is a usage error,
// said before the build; one that resolves nowhere is said before the
// program runs; each in one sentence with a hint.
func TestBreakBadLocations(t *testing.T) {
	conf, _, _ := demoConfigDir(t)
	for _, tt := range []struct {
		loc  string
		code int
		want string
	}{
		{"", exitUsage, "a breakpoint needs a location"},
		{"greeter.go", exitUsage, "greeter.go names no line"},
		{"main.newAp", exitFailed, "no function main.newAp; did you mean main.newApp?"},
		{"internal/biz/greter.go:42", exitFailed, "no file internal/biz/greter.go in this program; did you mean internal/biz/greeter.go:42?"},
		{"internal/biz/greeter.go:3", exitFailed, "no code at internal/biz/greeter.go:3: the line holds no statement"},
	} {
		t.Run(tt.loc, func(t *testing.T) {
			code, out, stderr := runCLI(t, "run", "--headless", "--break", tt.loc, "../../demo", "--", "-conf", conf)
			skipWithoutPtrace(t, stderr)
			if code != tt.code || !strings.Contains(stderr, "kratos-trace: "+tt.want) || !strings.Contains(stderr, "hint: ") {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.code, stderr)
			}
			if strings.Contains(out, "●") || strings.Contains(stderr, "panic") {
				t.Errorf("the program ran, or kratos-trace crashed:\n%s\n%s", out, stderr)
			}
		})
	}
}

// TestWatchNotGo: a --watch that is not a Go expression is said in one
// sentence with a hint, before anything is built or run, by run and connect.
func TestWatchNotGo(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--headless", "--watch", "len(a.opts.servers", "../../demo"},
		{"connect", "--watch", "len(a.opts.servers", "127.0.0.1:1"},
	} {
		code, out, stderr := runCLI(t, args...)
		want := "kratos-trace: len(a.opts.servers is not a Go expression: at column 19, missing ','"
		if code != exitUsage || !strings.Contains(stderr, want) || !strings.Contains(stderr, "hint: ") {
			t.Errorf("%s: exit %d\nstderr:\n%s", args[0], code, stderr)
		}
		if out != "" || strings.Contains(stderr, "building") || strings.Contains(stderr, "connecting") {
			t.Errorf("%s went on:\n%s\n%s", args[0], out, stderr)
		}
	}
}

// TestInspectFlagsExplained: run and connect explain --watch and --break.
func TestInspectFlagsExplained(t *testing.T) {
	for _, cmd := range []string{"run", "connect"} {
		code, out, _ := runCLI(t, cmd, "--help")
		for _, want := range []string{"--watch EXPR", "--break LOC", "FILE:LINE (relative to the module root, or absolute)", "main.newApp", "repeatable"} {
			if code != 0 || !strings.Contains(out, want) {
				t.Errorf("%s --help lacks %q", cmd, want)
			}
		}
	}
}

package main

import (
	"strings"
	"testing"
)

// TestEveryUsageErrorExits2 runs every usage error of run, connect, replay,
// diff, export and tour (and the root's and phases') and checks that each
// exits with status 2, before anything is built, dialled or read, saying
// one sentence on one line and at most a hint.
//
// The targets do not exist (./no-such-dir, 127.0.0.1:1, no-such.jsonl):
// a command that got past its checks would fail with status 1 instead.
// --stall, --hold and --stop-timeout refused for the terminal UI need a
// terminal; the tmux tests cover them.
func TestEveryUsageErrorExits2(t *testing.T) {
	const pkg, addr, rec = "./no-such-dir", "127.0.0.1:1", "no-such.jsonl"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"root: unknown command", []string{"fly"}, `unknown command "fly"`},
		{"root: unknown flag", []string{"--nope"}, "unknown flag: --nope"},
		{"phases: two packages", []string{"phases", pkg, pkg}, "accepts at most one PACKAGE"},

		{"run: no package", []string{"run"}, "requires the PACKAGE"},
		{"run: --together for one package", []string{"run", "--together", pkg}, "--together is for a system"},
		{"run: --system beside a package", []string{"run", "--system", "--headless", pkg}, "name no PACKAGE beside it"},
		{"run: unknown flag", []string{"run", "--nope", pkg}, "unknown flag: --nope"},
		{"run: a flag without its value", []string{"run", pkg, "--hold"}, "flag needs an argument"},
		{"run: a bad duration", []string{"run", "--hold", "soon", pkg}, `invalid argument "soon"`},
		{"run: --watch not Go", []string{"run", "--headless", "--watch", "a +", pkg}, "is not a Go expression"},
		{"run: --break with a space", []string{"run", "--headless", "--break", "main. newApp", pkg}, "is not a location"},
		{"run: --break line 0", []string{"run", "--headless", "--break", "main.go:0", pkg}, "has no line 0"},
		{"run: --layer not LAYER=DIR", []string{"run", "--headless", "--layer", "biz", pkg}, "is not LAYER=DIR"},
		{"run: --layer unknown", []string{"run", "--headless", "--layer", "repo=internal/repo", pkg}, "is not LAYER=DIR"},
		{"run: --script with --json", []string{"run", "--json", "--script", "lesson.kts", pkg}, "--script prints its own report"},
		{"run: --output-lines negative", []string{"run", "--output-lines", "-1", pkg}, "--output-lines -1 is negative"},
		{"run: --lang unknown", []string{"run", "--headless", "--lang", "fr", pkg}, `--lang "fr"`},
		{"run: --header without --request", []string{"run", "--headless", "--header", "X-A: b", pkg}, "--header goes with --request"},
		{"run: --request not a request", []string{"run", "--headless", "--request", "FLY /x", pkg}, "is neither an HTTP method nor grpc"},
		{"run: --request without a path", []string{"run", "--headless", "--request", "GET", pkg}, "has no path"},
		{"run: --request with --script", []string{"run", "--headless", "--script", "lesson.kts", "--request", "GET /", pkg}, "--request does not go with --script"},
		{"run: --request without --headless", []string{"run", "--request", "GET /", pkg}, "--request goes with --headless"},
		{"run: --hold with --script", []string{"run", "--headless", "--script", "lesson.kts", "--hold", "1s", pkg}, "--hold does not go with --script"},
		{"run: --stop-timeout with --script", []string{"run", "--headless", "--script", "lesson.kts", "--stop-timeout", "3s", pkg}, "--stop-timeout does not go with --script"},
		{"run: --output-lines with --headless", []string{"run", "--json", "--output-lines", "50", pkg}, "--output-lines is for the terminal UI"},
		{"run: --no-redact without a file", []string{"run", "--headless", "--no-redact", pkg}, "--no-redact goes with --record or --trace-out"},
		{"run: --stall negative", []string{"run", "--headless", "--stall", "-1s", pkg}, "--stall -1s is negative"},
		{"run: --no-times without --baseline", []string{"run", "--headless", "--no-times", pkg}, "--no-times goes with --baseline"},
		{"run: --time-threshold without --baseline", []string{"run", "--headless", "--time-threshold", "2x", pkg}, "--time-threshold goes with --baseline"},
		{"run: --time-threshold unreadable", []string{"run", "--headless", "--baseline", rec, "--time-threshold", "soon", pkg}, `--time-threshold "soon"`},
		{"run: --times without --baseline", []string{"run", "--headless", "--times", pkg}, "--times goes with --baseline"},
		{"run: --times unreadable", []string{"run", "--headless", "--baseline", rec, "--times=soon", pkg}, `--times "soon"`},
		{"run: --times with --no-times", []string{"run", "--headless", "--baseline", rec, "--times", "--no-times", pkg}, "--times and --no-times say opposite things"},
		{"run: --baseline -", []string{"run", "--headless", "--baseline", "-", pkg}, "the baseline must be a file"},

		{"connect: no address", []string{"connect"}, "requires the HOST:PORT"},
		{"connect: two addresses", []string{"connect", addr, addr}, "accepts one HOST:PORT"},
		{"connect: unknown flag", []string{"connect", "--nope", addr}, "unknown flag: --nope"},
		{"connect: --substitute-path not FROM=TO", []string{"connect", "--substitute-path", "/app", addr}, "is not FROM=TO"},
		{"connect: --watch not Go", []string{"connect", "--headless", "--watch", "a +", addr}, "is not a Go expression"},
		{"connect: --request without --headless", []string{"connect", "--request", "GET /", addr}, "--request goes with --headless"},
		{"connect: --no-redact without a file", []string{"connect", "--headless", "--no-redact", addr}, "--no-redact goes with --record or --trace-out"},
		{"connect: --stall negative", []string{"connect", "--headless", "--stall", "-1s", addr}, "--stall -1s is negative"},

		{"replay: no recording", []string{"replay"}, "requires the recording to replay"},
		{"replay: two recordings", []string{"replay", rec, rec}, "accepts one recording"},
		{"replay: unknown flag", []string{"replay", "--nope", rec}, "unknown flag: --nope"},
		{"replay: --script with --json", []string{"replay", "--json", "--script", "lesson.kts", rec}, "--script prints its own report"},
		{"replay: --lang unknown", []string{"replay", "--lang", "fr", rec}, `--lang "fr"`},
		{"replay: --no-times without --baseline", []string{"replay", "--no-times", rec}, "--no-times goes with --baseline"},
		{"replay: --time-threshold without --baseline", []string{"replay", "--time-threshold", "2x", rec}, "--time-threshold goes with --baseline"},
		{"replay: --baseline -", []string{"replay", "--baseline", "-", rec}, "the baseline must be a file"},

		{"diff: one recording", []string{"diff", rec}, "requires two recordings"},
		{"diff: three recordings", []string{"diff", rec, rec, rec}, "accepts two recordings"},
		{"diff: unknown flag", []string{"diff", "--nope", rec, rec}, "unknown flag: --nope"},
		{"diff: --time-threshold unreadable", []string{"diff", "--time-threshold", "soon", rec, rec}, `--time-threshold "soon"`},
		{"diff: --color unknown", []string{"diff", "--color", "pink", rec, rec}, `--color "pink"`},
		{"diff: --lang unknown", []string{"diff", "--lang", "fr", rec, rec}, `--lang "fr"`},
		{"diff: both from stdin", []string{"diff", "-", "-"}, "only one of the recordings can be -"},

		{"export: no recording", []string{"export"}, "requires the recording to export"},
		{"export: two recordings", []string{"export", rec, rec}, "accepts one recording"},
		{"export: -o without a file", []string{"export", rec, "-o"}, "flag needs an argument"},

		{"tour: an argument", []string{"tour", "extra"}, "accepts no arguments"},
		{"tour: --lang unknown", []string{"tour", "--lang", "fr"}, `--lang "fr"`},
		{"tour: unknown flag", []string{"tour", "--nope"}, "unknown flag: --nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if out != "" {
				t.Errorf("a usage error printed on stdout:\n%s", out)
			}
			checkOneSentence(t, stderr, tt.want)
		})
	}
}

// checkOneSentence checks that stderr is a usage error's shape: one line
// "kratos-trace: SENTENCE" holding want, then at most one "hint: " line.
func checkOneSentence(t *testing.T, stderr, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	msg, ok := strings.CutPrefix(lines[0], "kratos-trace: ")
	switch {
	case !ok:
		t.Errorf("the first line does not start with \"kratos-trace: \":\n%s", stderr)
	case !strings.Contains(msg, want):
		t.Errorf("the sentence %q lacks %q", msg, want)
	case len(lines) > 2, len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: "):
		t.Errorf("more than one sentence and a hint:\n%s", stderr)
	}
}

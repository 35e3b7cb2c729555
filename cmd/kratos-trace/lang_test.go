package main

import (
	"strings"
	"testing"
)

// TestLangFlag checks --lang on the commands that show a trace, and that
// the locale is its default.
func TestLangFlag(t *testing.T) {
	rec := demoRecording(t)
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	code, out, stderr := runCLI(t, "replay", "--headless", "--lang", "zh", rec)
	if code != 0 || !strings.Contains(out, "汇总") || !strings.Contains(out, "程序已退出，退出码 0。") {
		t.Errorf("replay --lang zh: exit %d\n%s\n%s", code, out, stderr)
	}
	t.Setenv("LANG", "zh_CN.UTF-8")
	if code, out, _ := runCLI(t, "replay", "--headless", rec); code != 0 || !strings.Contains(out, "汇总") {
		t.Errorf("replay with LANG=zh_CN is not in Chinese: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "replay", "--headless", "--lang", "en", rec); code != 0 || !strings.Contains(out, "Summary") {
		t.Errorf("--lang en does not override LANG: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"replay", "--lang", "fr", rec}, {"run", "--lang", "fr", "../../demo"}} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage || !strings.Contains(stderr, `--lang "fr"`) {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	for _, cmd := range []string{"run", "replay", "tour", "phases"} {
		if code, out, _ := runCLI(t, cmd, "--help"); code != 0 || !strings.Contains(out, "--lang") {
			t.Errorf("%s --help lacks --lang", cmd)
		}
	}
}

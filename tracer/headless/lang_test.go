package headless

import (
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestWordsAreComplete: every language has every word of the text output,
// with the English word's fmt verbs; a missing one would print "".
func TestWordsAreComplete(t *testing.T) {
	tracertest.CheckWords(t, allWords, tracer.English, tracer.Langs)
}

func TestChineseHeadingsAndNotes(t *testing.T) {
	_, _, out, _ := runFake(t, Options{Lang: tracer.Chinese, Notes: true})
	for _, want := range []string{
		"● config.scan — config.Scan 解码到 Bootstrap", "Bootstrap（conf.Bootstrap）：", "服务器：", "类型  网络",
		"汇总", "#   阶段", "app.register（已跳过）", "程序已退出，退出码 0。", "已跳过：",
		"  ✎ Scan 把合并后的配置树", "    看哪里：", "    读源码：",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the Chinese output lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"Summary", "Servers:", "The program exited", "skipped:", "Look at"} {
		if strings.Contains(out, bad) {
			t.Errorf("the Chinese output has the English %q", bad)
		}
	}
	// Every phase's note is printed once, however many instances it has.
	for _, p := range []tracer.PhaseID{tracer.PhaseFlagParse, tracer.PhaseWireProvider, tracer.PhaseServerStart, tracer.PhaseExit} {
		n, _ := tracer.NoteFor(p, tracer.Chinese)
		if c := strings.Count(out, "✎ "+n.Explain); c != 1 {
			t.Errorf("the note of %s is printed %d times", p, c)
		}
	}
	// The times line up after wide characters: "+" is in the same cell on
	// every phase's head line.
	col := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "● ") && !strings.HasPrefix(line, "○ ") && !strings.HasPrefix(line, "· ") {
			continue
		}
		i := strings.Index(line, " +")
		if i < 0 {
			continue
		}
		c := ansi.StringWidth(line[:i])
		if col >= 0 && c != col && c <= 64 {
			t.Errorf("the time is at cell %d, not %d: %q", c, col, line)
		}
		if col < 0 {
			col = c
		}
	}
}

func TestEnglishHasNoNotesUnlessAsked(t *testing.T) {
	_, _, out, _ := runFake(t, Options{})
	if strings.Contains(out, "✎") {
		t.Errorf("notes printed without Options.Notes:\n%s", out)
	}
	_, _, out, _ = runFake(t, Options{Notes: true})
	n, _ := tracer.NoteFor(tracer.PhaseConfigScan, tracer.English)
	if !strings.Contains(out, "  ✎ "+n.Explain+"\n    Look at: "+n.LookAt+"\n    Read: "+n.Source+"\n") {
		t.Errorf("the config.scan note is missing:\n%s", out)
	}
}

// TestWriteTableIsTabwriter checks that the cell-measuring table writes
// what text/tabwriter wrote for narrow text, so the English output did not
// change.
func TestWriteTableIsTabwriter(t *testing.T) {
	rows := [][]string{{"#", "PHASE", "LOCATION"}, {"1", "flag.parse", "flag.go:1186"}, {"12", "server.start http 127.0.0.1:8000", "-"}}
	var want strings.Builder
	tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
	var got strings.Builder
	writeTable(&got, rows)
	if got.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
	}
}

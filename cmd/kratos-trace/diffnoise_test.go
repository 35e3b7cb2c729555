package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/redact"
)

// TestDiffIdenticalBootsAndMovedSecret records a stock kratos-layout
// project under the real Delve, unchanged, twice, then once more with its
// masked database source moved to another file of the config directory.
// Two boots of the same project are the same unless the times are asked
// for; the moved secret is one move, with no value said to differ.
func TestDiffIdenticalBootsAndMovedSecret(t *testing.T) {
	t.Setenv(redact.HashKeyEnv, "a key for the tests of kratos-trace diff")
	pkg, writeConfig := copyLayout(t)
	dir := t.TempDir()
	a, a2, moved := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "a2.jsonl"), filepath.Join(dir, "moved.jsonl")
	writeConfig("0.2s", "root")
	recordLayout(t, pkg, a)
	recordLayout(t, pkg, a2)

	// The times of two real boots differ; by default they are shown and do
	// not count.
	code, out, stderr := runCLI(t, "diff", a, a2)
	if code != 0 || !strings.Contains(out, "No differences.") {
		t.Errorf("diff on two boots of the same project: exit %d, want 0\n%s%s", code, out, stderr)
	}
	// A threshold no two real boots stay within, counted: exit 1.
	code, out, stderr = runCLI(t, "diff", "--times=1x+0s", a, a2)
	if code != 1 || !strings.Contains(out, "Times (changed by ×1 and 0s or more)") || !strings.Contains(out, "times ") {
		t.Errorf("diff --times=1x+0s: exit %d, want 1 on the times\n%s%s", code, out, stderr)
	}
	if code, out, stderr := runCLI(t, "diff", "--times", "--no-times", a, a2); code != exitTrouble || !strings.Contains(stderr, "--times and --no-times") {
		t.Errorf("diff --times --no-times: exit %d, want 2 and a sentence\n%s%s", code, out, stderr)
	}
	// --baseline follows the same rule: the same project again is the same.
	if code, out, stderr := runCLI(t, "run", "--headless", "--baseline", a, pkg); code != 0 || !strings.Contains(out, "No differences.") {
		t.Errorf("run --baseline on the baseline's project: exit %d, want 0\n%s\n%s", code, tail(out, 20), stderr)
	}

	// The same DSN, password and all, now in configs/db.yaml.
	conf := filepath.Join(filepath.Dir(filepath.Dir(pkg)), "configs")
	yaml := readFile(t, filepath.Join(conf, "config.yaml"))
	const sourceLine = "    source: root:root@tcp(127.0.0.1:3306)/test?parseTime=True&loc=Local\n"
	if !strings.Contains(yaml, sourceLine) {
		t.Fatalf("the layout's config lacks %q:\n%s", sourceLine, yaml)
	}
	if err := os.WriteFile(filepath.Join(conf, "config.yaml"), []byte(strings.Replace(yaml, sourceLine, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(conf, "db.yaml"), []byte("data:\n  database:\n"+sourceLine), 0o644); err != nil {
		t.Fatal(err)
	}
	recordLayout(t, pkg, moved)
	code, out, stderr = runCLI(t, "diff", "--no-times", a, moved)
	want := "\nBootstrap\n~ data.database.source: root:****@tcp(127.0.0.1:3306)/test?parseTime=True&loc=Local  (same value; moved from configs/config.yaml:11 to configs/db.yaml:3)\n\n1 difference(s): moved 1.\n"
	if code != 1 || !strings.HasSuffix(out, want) {
		t.Errorf("diff --no-times A MOVED: exit %d, want 1 ending in\n%s\ngot:\n%s%s", code, want, out, stderr)
	}
	if strings.Contains(out, "hashes differ") {
		t.Errorf("the moved secret is said to have changed:\n%s", out)
	}
}

package gobuild

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestWarmIndexRebuildsWhatChanged runs the changes of
// TestBuildKeyFollowsWhatGoesIntoTheBinary through Build, which
// asks the warm index first: whatever changes what goes into the binary
// rebuilds, and whatever does not is answered from the cache.
func TestWarmIndexRebuildsWhatChanged(t *testing.T) {
	fixtureEnv(t)
	tests := []struct {
		name    string
		change  func(t *testing.T, app string)
		rebuild bool
		want    string
	}{
		{"nothing", func(*testing.T, string) {}, false, "hello lib hi"},
		{"touch every file without changing it", func(t *testing.T, app string) {
			later := time.Now().Add(time.Hour)
			_ = filepath.WalkDir(filepath.Dir(app), func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					err = os.Chtimes(path, later, later)
				}
				return err
			})
		}, false, "hello lib hi"},
		{"rewrite a file with the same content", func(t *testing.T, app string) {
			editFile(t, filepath.Join(app, "main.go"), func(s string) string { return s })
		}, false, "hello lib hi"},
		{"edit the main package", func(t *testing.T, app string) {
			editFile(t, filepath.Join(app, "main.go"), func(s string) string { return strings.Replace(s, "greeting)", `greeting, "!")`, 1) })
		}, true, "hello lib hi !"},
		{"edit an imported package, same size and mtime", func(t *testing.T, app string) {
			// The classic trap: size and mtime as before, only the ctime
			// (and the content) say otherwise.
			path := filepath.Join(app, "internal/words/words.go")
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			editFile(t, path, func(s string) string { return strings.Replace(s, `"hello"`, `"hullo"`, 1) })
			if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}, true, "hullo lib hi"},
		{"edit the replaced module", func(t *testing.T, app string) {
			editFile(t, filepath.Join(app, "../lib/lib.go"), func(s string) string { return strings.Replace(s, `"lib"`, `"LIB"`, 1) })
		}, true, "hello LIB hi"},
		{"add a file to a package", func(t *testing.T, app string) {
			if err := os.WriteFile(filepath.Join(app, "internal/words/more.go"), []byte("package words\n\nfunc init() { println(\"more\") }\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true, "hello lib hi"},
		{"remove the build constraint of an ignored file", func(t *testing.T, app string) {
			editFile(t, filepath.Join(app, "internal/words/extra.go"), func(s string) string {
				return strings.Replace(s, "//go:build ignore\n", "", 1)
			})
		}, true, "hello lib hi"},
		{"edit an embedded file", func(t *testing.T, app string) {
			appendTo(t, filepath.Join(app, "greeting.txt"), "!")
		}, true, "hello lib hi!"},
		{"edit go.mod", func(t *testing.T, app string) {
			appendTo(t, filepath.Join(app, "go.mod"), "\n// a comment\n")
		}, true, "hello lib hi"},
		{"a go.work appears above the module", func(t *testing.T, app string) {
			// The fixture's tests run with GOWORK=off, which the go command
			// obeys; the stamp must not mind then. Without it, it must.
			t.Setenv("GOWORK", "")
			if err := os.WriteFile(filepath.Join(filepath.Dir(app), "go.work"), []byte("go 1.26\n\nuse ./app\nuse ./lib\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true, "hello lib hi"},
		{"build tags", func(t *testing.T, app string) {
			t.Setenv("GOFLAGS", "-buildvcs=false -tags=fancy")
		}, true, "hello lib hi"},
		{"GOARCH", func(t *testing.T, app string) {
			other := "arm64"
			if runtime.GOARCH == other {
				other = "amd64"
			}
			t.Setenv("GOARCH", other)
		}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cacheDir := t.TempDir()
			t.Setenv(cacheDirEnv, cacheDir)
			app := writeFixture(t)
			target := &Target{Pattern: "./app", Dir: app, ModuleDir: app}
			if res, err := Build(target, t.TempDir(), Options{}); err != nil || res.Cached {
				t.Fatalf("first build: cached %t, %v", res.Cached, err)
			}
			c, _ := openBuildCache()
			if c.lookupWarmBuild(app) == nil {
				t.Fatal("no warm entry after the first build")
			}
			tt.change(t, app)
			if held := c.lookupWarmBuild(app) != nil; held == tt.rebuild {
				t.Errorf("the warm index holds: %t, want %t", held, !tt.rebuild)
			}
			if tt.want == "" {
				// Another GOARCH: the binary cannot run here; the key
				// alone must differ.
				res, err := Build(target, t.TempDir(), Options{})
				if err != nil || res.Cached {
					t.Errorf("after the change: cached %t, %v", res.Cached, err)
				}
				return
			}
			res, out := buildFixture(t, app, Options{})
			if res.Cached == tt.rebuild {
				t.Errorf("cached %t, want %t", res.Cached, !tt.rebuild)
			}
			if out != tt.want {
				t.Errorf("the program printed %q, want %q", out, tt.want)
			}
			if c.lookupWarmBuild(app) == nil {
				t.Error("no warm entry after the second build")
			}
		})
	}
}

// TestStampRacyEntries: a stamp taken within the file system's clock tick
// of the file's last change cannot vouch for the content, so the content is
// hashed again; a settled one is trusted on its stat, as git trusts its
// index. The test plays a file system whose clock left size, mtime, ctime
// and inode as they were across a second write.
func TestStampRacyEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.go")
	if err := os.WriteFile(path, []byte("package a // one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := takeStamp(stampFile, path)
	if err != nil {
		t.Fatal(err)
	}
	if !st.racy() {
		t.Fatalf("a stamp taken right after a write is not racy: mtime %d, taken %d", st.MTime, st.Taken)
	}
	// The second write, same size.
	if err := os.WriteFile(path, []byte("package a // two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// As if the clock had not moved: the stat is the recorded one.
	racy := st
	racy.setStat(fi)
	if same, _ := racy.check(); same {
		t.Error("a racy stamp vouched for changed content")
	}
	// The same stamp taken well after the write is settled: its stat is
	// trusted (and a real second write moves the ctime, see
	// TestWarmIndexRebuildsWhatChanged).
	settled := racy
	settled.Taken = settled.MTime + int64(time.Hour)
	settled.CTime = settled.MTime
	if fi.ModTime().UnixNano() != settled.MTime {
		t.Fatal("bad setup")
	}
	if settled.racy() {
		t.Error("a stamp taken an hour after the write is racy")
	}
	// A racy stamp of unchanged content is brought up to date, and settles
	// once the write is old enough.
	again, err := takeStamp(stampFile, path)
	if err != nil {
		t.Fatal(err)
	}
	again.Taken -= int64(2 * racyWindowCoarse)
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	same, updated := again.check()
	if !same || !updated {
		t.Errorf("a touched file with the same content: same %t, updated %t", same, updated)
	}
}

// TestWarmTargetFollowsThePackages: a pattern resolved before is answered
// from the index until a package below it changes which main it names.
func TestWarmTargetFollowsThePackages(t *testing.T) {
	fixtureEnv(t)
	t.Setenv(cacheDirEnv, t.TempDir())
	app := writeFixture(t)
	// The fixture's module root holds one main package, in app.
	first, err := ResolveTargetWarm(context.Background(), app, false)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := openBuildCache()
	if got := c.lookupWarmTarget(app); got == nil || got.Dir != first.Dir || got.ImportPath != "example.com/app" {
		t.Fatalf("warm target %+v, want %+v", got, first)
	}
	// An edit below the package clause does not change which package
	// is main.
	appendTo(t, filepath.Join(app, "main.go"), "\n// more\n")
	if c.lookupWarmTarget(app) == nil {
		t.Error("an edit below the package clause invalidated the exact entry")
	}
	// Resolving the directory above, which searches: its entry must notice
	// the package clause of a file changing from another name to main.
	words := filepath.Join(app, "internal", "words")
	got, err := ResolveTargetWarm(context.Background(), words, false)
	if err == nil {
		t.Fatalf("a package that is not main resolved to %+v", got)
	}
	editFile(t, filepath.Join(words, "words.go"), func(s string) string {
		return strings.Replace(s, "package words", "package main\n\nfunc main() {}\n", 1)
	})
	editFile(t, filepath.Join(words, "extra.go"), func(s string) string { return strings.Replace(s, "package words", "package main", 1) })
	if err := os.Remove(filepath.Join(words, "words_test.go")); err != nil {
		t.Fatal(err)
	}
	got, err = ResolveTargetWarm(context.Background(), words, false)
	if err != nil || got.Dir != words {
		t.Fatalf("after the edit: %+v, %v", got, err)
	}
	if c.lookupWarmTarget(words) == nil {
		t.Error("no warm entry for a pattern just resolved")
	}
	editFile(t, filepath.Join(words, "words.go"), func(s string) string { return s + "\n// more\n" })
	if c.lookupWarmTarget(words) == nil {
		t.Error("an edit that keeps the package clause invalidated the entry")
	}
	editFile(t, filepath.Join(words, "words.go"), func(s string) string { return strings.Replace(s, "package main", "package words", 1) })
	if c.lookupWarmTarget(words) != nil {
		t.Error("the warm entry outlived the package clause that made it main")
	}
}

// BenchmarkWarmLookup is what an unchanged tree costs before Delve starts:
// the target and the build looked up in the warm index (the demo, after a
// build of it was stored).
func BenchmarkWarmLookup(b *testing.B) {
	b.Setenv(cacheDirEnv, b.TempDir())
	t, err := ResolveTargetWarm(context.Background(), demoDir, false)
	if err != nil {
		b.Fatal(err)
	}
	c, err := openBuildCache()
	if err != nil {
		b.Fatal(err)
	}
	env, err := readGoEnv(context.Background(), t.Dir)
	if err != nil {
		b.Fatal(err)
	}
	k, err := computeBuildKey(context.Background(), t.Dir, env, append(debugBuildFlags(env["GOFLAGS"]), "."))
	if err != nil {
		b.Fatal(err)
	}
	if err := c.saveWarmBuild(t, env, k); err != nil {
		b.Fatal(err)
	}
	// Let the stamps settle, as between two runs of a user.
	time.Sleep(racyWindowCoarse)
	if c.lookupWarmTarget(demoDir) == nil || c.lookupWarmBuild(t.Dir) == nil {
		b.Fatal("the warm index does not hold for the demo")
	}
	b.ResetTimer()
	for b.Loop() {
		if c.lookupWarmTarget(demoDir) == nil || c.lookupWarmBuild(t.Dir) == nil {
			b.Fatal("the warm index stopped holding")
		}
	}
}

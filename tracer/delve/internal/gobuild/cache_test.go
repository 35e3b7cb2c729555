package gobuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// fixtureFiles is a small program shaped like what the cache must get
// right: a main package, an internal package with an ignored file and a
// test file, an embedded file and a module replaced by a local directory.
var fixtureFiles = map[string]string{
	"app/go.mod": `module example.com/app

go 1.26

require example.com/lib v0.0.0

replace example.com/lib => ../lib
`,
	"app/go.sum": "",
	"app/main.go": `package main

import (
	_ "embed"
	"fmt"

	"example.com/app/internal/words"
	"example.com/lib"
)

//go:embed greeting.txt
var greeting string

func main() {
	fmt.Println(words.Hello(), lib.Name(), greeting)
}
`,
	"app/greeting.txt": "hi",
	"app/internal/words/words.go": `package words

// Hello is a word.
func Hello() string { return "hello" }
`,
	"app/internal/words/extra.go": `//go:build ignore

package words
`,
	"app/internal/words/words_test.go": `package words
`,
	"lib/go.mod": "module example.com/lib\n\ngo 1.26\n",
	"lib/lib.go": `package lib

// Name is a name.
func Name() string { return "lib" }
`,
}

// writeFixture writes fixtureFiles into a new directory and returns the
// directory of its main package.
func writeFixture(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range fixtureFiles {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(root, "app")
}

// fixtureEnv keeps the go command of the tests away from the developer's
// workspace and toolchain settings.
func fixtureEnv(t *testing.T) {
	t.Helper()
	t.Setenv("GOWORK", "off")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GOFLAGS", "-buildvcs=false")
}

func keyOf(t *testing.T, dir string) string {
	t.Helper()
	env, err := readGoEnv(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	k, err := computeBuildKey(context.Background(), dir, env, append(debugBuildFlags(env["GOFLAGS"]), "."))
	if err != nil {
		t.Fatalf("computeBuildKey: %v", err)
	}
	return k.key
}

func editFile(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	editFile(t, path, func(s string) string { return s + text })
}

func TestBuildKeyFollowsWhatGoesIntoTheBinary(t *testing.T) {
	fixtureEnv(t)
	tests := []struct {
		name    string
		change  func(t *testing.T, app string)
		rebuild bool
	}{
		{"nothing", func(*testing.T, string) {}, false},
		{"touch every file without changing it", func(t *testing.T, app string) {
			later := time.Now().Add(time.Hour)
			_ = filepath.WalkDir(filepath.Dir(app), func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					err = os.Chtimes(path, later, later)
				}
				return err
			})
		}, false},
		{"rewrite a file with the same content", func(t *testing.T, app string) {
			editFile(t, filepath.Join(app, "main.go"), func(s string) string { return s })
		}, false},
		{"edit a test file", func(t *testing.T, app string) {
			appendTo(t, filepath.Join(app, "internal/words/words_test.go"), "\n// a comment\n")
		}, false},
		{"edit the main package", func(t *testing.T, app string) {
			appendTo(t, filepath.Join(app, "main.go"), "\n// a comment\n")
		}, true},
		{"edit an imported package", func(t *testing.T, app string) {
			editFile(t, filepath.Join(app, "internal/words/words.go"), func(s string) string {
				return strings.Replace(s, `"hello"`, `"hullo"`, 1)
			})
		}, true},
		{"edit the replaced module", func(t *testing.T, app string) {
			appendTo(t, filepath.Join(app, "../lib/lib.go"), "\n// a comment\n")
		}, true},
		{"add a file to a package", func(t *testing.T, app string) {
			if err := os.WriteFile(filepath.Join(app, "internal/words/more.go"), []byte("package words\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"remove the build constraint of an ignored file", func(t *testing.T, app string) {
			editFile(t, filepath.Join(app, "internal/words/extra.go"), func(s string) string {
				return strings.Replace(s, "//go:build ignore\n", "", 1)
			})
		}, true},
		{"edit an embedded file", func(t *testing.T, app string) {
			appendTo(t, filepath.Join(app, "greeting.txt"), "!")
		}, true},
		{"edit go.mod", func(t *testing.T, app string) {
			appendTo(t, filepath.Join(app, "go.mod"), "\n// a comment\n")
		}, true},
		{"edit go.sum", func(t *testing.T, app string) {
			appendTo(t, filepath.Join(app, "go.sum"), "example.com/x v1.0.0 h1:x=\n")
		}, true},
		{"build tags", func(t *testing.T, app string) {
			t.Setenv("GOFLAGS", "-buildvcs=false -tags=fancy")
		}, true},
		{"GOARCH", func(t *testing.T, app string) {
			other := "arm64"
			if runtime.GOARCH == other {
				other = "amd64"
			}
			t.Setenv("GOARCH", other)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := writeFixture(t)
			before := keyOf(t, app)
			tt.change(t, app)
			after := keyOf(t, app)
			if rebuilt := before != after; rebuilt != tt.rebuild {
				t.Errorf("key changed: %t, want %t", rebuilt, tt.rebuild)
			}
		})
	}
}

func TestBuildKeySeparatesToolchainsAndFlags(t *testing.T) {
	env := map[string]string{"GOVERSION": "go1.26.1", "GOOS": "linux", "GOARCH": "amd64", "GOMODCACHE": "/mod"}
	pkgs := []listedPackage{
		{ImportPath: "fmt", Dir: "/goroot/src/fmt", Standard: true, GoFiles: []string{"print.go"}},
		{ImportPath: "example.com/dep", Dir: "/mod/example.com/dep@v1.0.0", GoFiles: []string{"dep.go"},
			Module: &listedModule{Path: "example.com/dep", Version: "v1.0.0", Dir: "/mod/example.com/dep@v1.0.0"}},
	}
	args := []string{"-gcflags", debugGCFlags, "."}
	key := func(env map[string]string, args []string, pkgs []listedPackage) string {
		t.Helper()
		k, err := hashBuildInputs(env, args, pkgs)
		if err != nil {
			t.Fatal(err)
		}
		if len(k.stamps) != 0 {
			t.Errorf("hashed %d files of GOROOT and the module cache; their versions stand for them", len(k.stamps))
		}
		return k.key
	}
	with := func(name, value string) map[string]string {
		e := map[string]string{}
		for k, v := range env {
			e[k] = v
		}
		e[name] = value
		return e
	}
	base := key(env, args, pkgs)
	if again := key(env, args, pkgs); again != base {
		t.Fatalf("the same inputs gave two keys")
	}
	for _, goflags := range []string{"-overlay=/x.json", "-toolexec=/bin/wrap"} {
		if _, err := hashBuildInputs(with("GOFLAGS", goflags), args, pkgs); !errors.Is(err, errUncacheable) {
			t.Errorf("GOFLAGS=%s: err = %v, want errUncacheable (its inputs are not in the key)", goflags, err)
		}
	}
	newerDep := append([]listedPackage(nil), pkgs...)
	newerDep[1].Module = &listedModule{Path: "example.com/dep", Version: "v1.0.1", Dir: "/mod/example.com/dep@v1.0.1"}
	newerDep[1].Dir = "/mod/example.com/dep@v1.0.1"
	for name, k := range map[string]string{
		"another Go version":   key(with("GOVERSION", "go1.26.2"), args, pkgs),
		"another GOOS":         key(with("GOOS", "darwin"), args, pkgs),
		"an experiment":        key(with("GOEXPERIMENT", "greenteagc"), args, pkgs),
		"cgo off":              key(with("CGO_ENABLED", "0"), args, pkgs),
		"other gcflags":        key(env, []string{"-gcflags", "all=-N", "."}, pkgs),
		"a dependency upgrade": key(env, args, newerDep),
	} {
		if k == base {
			t.Errorf("%s: same key", name)
		}
	}
}

// buildFixture runs Build on the fixture with a cache in
// cacheDir, runs the binary and returns what it printed.
func buildFixture(t *testing.T, app string, opts Options) (Result, string) {
	t.Helper()
	target := &Target{Pattern: "./app", Dir: app, ModuleDir: app}
	res, err := Build(target, t.TempDir(), opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	out, err := exec.Command(res.Bin).Output()
	if err != nil {
		t.Fatalf("run %s: %v", res.Bin, err)
	}
	return res, strings.TrimSpace(string(out))
}

// cacheEntries lists the entries and temporary files in a cache directory.
func cacheEntries(t *testing.T, dir string) (entries, temps []string) {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, de := range des {
		switch {
		case strings.HasPrefix(de.Name(), ".tmp-"):
			temps = append(temps, de.Name())
		case isKey(de.Name()):
			entries = append(entries, de.Name())
		}
	}
	return entries, temps
}

func TestBuildDebugBinaryReusesOnlyUnchangedBuilds(t *testing.T) {
	fixtureEnv(t)
	cacheDir := t.TempDir()
	t.Setenv(cacheDirEnv, cacheDir)
	app := writeFixture(t)
	mainGo := filepath.Join(app, "main.go")

	step := func(what string, opts Options, wantCached bool, wantOut string) {
		t.Helper()
		res, out := buildFixture(t, app, opts)
		if res.Cached != wantCached {
			t.Errorf("%s: cached %t, want %t", what, res.Cached, wantCached)
		}
		if out != wantOut {
			t.Errorf("%s: the program printed %q, want %q", what, out, wantOut)
		}
	}
	step("first run", Options{}, false, "hello lib hi")
	step("second run", Options{}, true, "hello lib hi")

	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(mainGo, later, later); err != nil {
		t.Fatal(err)
	}
	step("after a touch", Options{}, true, "hello lib hi")

	editFile(t, mainGo, func(s string) string { return strings.Replace(s, "greeting)", `greeting, "again")`, 1) })
	step("after an edit", Options{}, false, "hello lib hi again")
	step("the edited program again", Options{}, true, "hello lib hi again")

	editFile(t, mainGo, func(s string) string { return strings.Replace(s, `greeting, "again")`, "greeting)", 1) })
	step("after undoing the edit", Options{}, true, "hello lib hi")

	entries, _ := cacheEntries(t, cacheDir)
	var statuses []string
	step("--no-cache", Options{NoCache: true, Status: func(f string, a ...any) {
		statuses = append(statuses, fmt.Sprintf(f, a...))
	}}, false, "hello lib hi")
	if after, _ := cacheEntries(t, cacheDir); len(after) != len(entries) {
		t.Errorf("--no-cache changed the cache: %d entries, then %d", len(entries), len(after))
	}
	if len(statuses) != 1 || !strings.HasPrefix(statuses[0], "building ./app with") {
		t.Errorf("statuses %q, want one that starts with \"building ./app with\"", statuses)
	}
	if len(entries) != 2 {
		t.Errorf("the cache holds %d entries, want 2 (the program before and after the edit)", len(entries))
	}
}

func TestBuildDebugBinaryReplacesADamagedEntry(t *testing.T) {
	fixtureEnv(t)
	cacheDir := t.TempDir()
	t.Setenv(cacheDirEnv, cacheDir)
	app := writeFixture(t)
	k := keyOf(t, app)
	if err := os.WriteFile(filepath.Join(cacheDir, k), []byte("half a binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, out := buildFixture(t, app, Options{})
	if res.Cached || out != "hello lib hi" {
		t.Errorf("cached %t, printed %q; want a fresh build that prints \"hello lib hi\"", res.Cached, out)
	}
	if res, _ := buildFixture(t, app, Options{}); !res.Cached {
		t.Errorf("the rebuilt binary was not stored over the damaged entry")
	}
}

func TestConcurrentBuildsShareTheCache(t *testing.T) {
	fixtureEnv(t)
	cacheDir := t.TempDir()
	t.Setenv(cacheDirEnv, cacheDir)
	app := writeFixture(t)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := Build(&Target{Pattern: "./app", Dir: app}, t.TempDir(), Options{})
			if err != nil {
				t.Errorf("Build: %v", err)
				return
			}
			if out, err := exec.Command(res.Bin).Output(); err != nil || strings.TrimSpace(string(out)) != "hello lib hi" {
				t.Errorf("the binary printed %q, %v", out, err)
			}
		}()
	}
	wg.Wait()
	entries, temps := cacheEntries(t, cacheDir)
	if len(entries) != 1 || len(temps) != 0 {
		t.Errorf("cache holds %v and temporary files %v; want one entry", entries, temps)
	}
}

// fakeKey is a well-formed key for entry i.
func fakeKey(i int) string { return fmt.Sprintf("%064x", i+1) }

// fakeBinary is the content stored under fakeKey(i): recognisable, and
// large enough that a torn copy would show.
func fakeBinary(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, 64<<10) }

func TestBuildCacheSurvivesConcurrentStoresFetchesAndEvictions(t *testing.T) {
	const keys, workers, rounds = 6, 8, 40
	c := &buildCache{dir: t.TempDir(), maxBytes: 3 * 64 << 10}
	src := t.TempDir()
	for i := range keys {
		if err := os.WriteFile(filepath.Join(src, fakeKey(i)), fakeBinary(i), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir := t.TempDir()
			for r := range rounds {
				i := (w*7 + r*3) % keys
				if r%2 == 0 {
					if err := c.store(fakeKey(i), filepath.Join(src, fakeKey(i))); err != nil {
						t.Errorf("store: %v", err)
						return
					}
					continue
				}
				dst := filepath.Join(dir, fmt.Sprintf("bin-%d", r))
				hit, err := c.fetch(fakeKey(i), dst)
				if err != nil {
					t.Errorf("fetch: %v", err)
					return
				}
				if !hit {
					continue
				}
				// Evict everything but one entry while we hold our copy.
				_ = c.evict(fakeKey((i + 1) % keys))
				if got, err := os.ReadFile(dst); err != nil || !bytes.Equal(got, fakeBinary(i)) {
					t.Errorf("fetched entry %d is not what was stored (%d bytes, %v)", i, len(got), err)
				}
			}
		}()
	}
	wg.Wait()
	entries, temps := cacheEntries(t, c.dir)
	if len(temps) != 0 {
		t.Errorf("temporary files left: %v", temps)
	}
	if len(entries) > 3 {
		t.Errorf("%d entries, want at most 3 within the size bound", len(entries))
	}
	for _, name := range entries {
		got, err := os.ReadFile(filepath.Join(c.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 64<<10 || !bytes.Equal(got, fakeBinary(int(got[0]-'a'))) || fakeKey(int(got[0]-'a')) != name {
			t.Errorf("entry %s holds another entry's content or a torn one", name)
		}
	}
}

func TestBuildCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := &buildCache{dir: t.TempDir(), maxBytes: 2 * 64 << 10}
	src := t.TempDir()
	store := func(i int) {
		t.Helper()
		path := filepath.Join(src, fakeKey(i))
		if err := os.WriteFile(path, fakeBinary(i), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := c.store(fakeKey(i), path); err != nil {
			t.Fatal(err)
		}
	}
	past := func(i int, ago time.Duration) {
		t.Helper()
		at := time.Now().Add(-ago)
		if err := os.Chtimes(c.path(fakeKey(i)), at, at); err != nil {
			t.Fatal(err)
		}
	}
	store(0)
	past(0, 2*time.Hour)
	store(1)
	past(1, time.Hour)
	// Using entry 0 makes entry 1 the least recently used.
	if hit, err := c.fetch(fakeKey(0), filepath.Join(t.TempDir(), "bin")); !hit || err != nil {
		t.Fatalf("fetch: %t, %v", hit, err)
	}
	store(2)
	for i, want := range []bool{true, false, true} {
		_, err := os.Stat(c.path(fakeKey(i)))
		if present := err == nil; present != want {
			t.Errorf("entry %d present: %t, want %t", i, present, want)
		}
	}

	// An entry larger than the bound is kept while it is the newest.
	c.maxBytes = 1
	store(3)
	if entries, _ := cacheEntries(t, c.dir); len(entries) != 1 || entries[0] != fakeKey(3) {
		t.Errorf("entries %v, want only the newest", entries)
	}
}

func TestBuildCacheRemovesStaleTemporaryFiles(t *testing.T) {
	c := &buildCache{dir: t.TempDir(), maxBytes: defaultCacheBytes}
	stale, fresh := filepath.Join(c.dir, ".tmp-stale"), filepath.Join(c.dir, ".tmp-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTempAge)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if err := c.evict(""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a stale temporary file survived: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a temporary file being written was removed: %v", err)
	}
}

func TestOpenBuildCache(t *testing.T) {
	t.Setenv(cacheDirEnv, "")
	t.Setenv(cacheSizeEnv, "")
	t.Setenv("XDG_CACHE_HOME", "/somewhere")
	t.Setenv("HOME", "/home/someone")
	c, err := openBuildCache()
	if err != nil {
		t.Fatal(err)
	}
	base, _ := os.UserCacheDir()
	if c.dir != filepath.Join(base, "kratos-trace") || c.maxBytes != defaultCacheBytes {
		t.Errorf("cache %s bounded to %d, want %s and 1 GiB", c.dir, c.maxBytes, filepath.Join(base, "kratos-trace"))
	}
	t.Setenv(cacheDirEnv, "/elsewhere")
	t.Setenv(cacheSizeEnv, "512MiB")
	if c, err = openBuildCache(); err != nil || c.dir != "/elsewhere" || c.maxBytes != 512<<20 {
		t.Errorf("with overrides: %+v, %v", c, err)
	}
	t.Setenv(cacheSizeEnv, "lots")
	if _, err := openBuildCache(); err == nil {
		t.Errorf("a size of %q was accepted", "lots")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1048576": 1 << 20, "512MiB": 512 << 20, "512mb": 512 << 20, "2G": 2 << 30, "2 GiB": 2 << 30, "64k": 64 << 10,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "1.5G", "1X"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func TestSettledBefore(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	keyWith := func(mtime time.Time) *buildKey {
		return &buildKey{stamps: []stamp{{Kind: stampFile, Path: "a.go", MTime: mtime.UnixNano()}}}
	}
	tests := []struct {
		name  string
		mtime time.Time
		want  bool
	}{
		{"modified well before", start.Add(-time.Hour), true},
		{"modified a moment before", start.Add(-time.Millisecond), true},
		{"modified at the start", start, false},
		{"modified during the build", start.Add(time.Millisecond), false},
		{"whole second a moment before", start.Truncate(time.Second), false},
		{"whole second long before", start.Truncate(time.Second).Add(-3 * time.Second), true},
	}
	for _, tt := range tests {
		if got := keyWith(tt.mtime).settledBefore(start); got != tt.want {
			t.Errorf("%s: settled %t, want %t", tt.name, got, tt.want)
		}
	}
}

func TestBuildDebugBinaryCancel(t *testing.T) {
	fixtureEnv(t)
	t.Setenv(cacheDirEnv, t.TempDir())
	app := writeFixture(t)
	cancel := make(chan struct{})
	close(cancel)
	_, err := Build(&Target{Pattern: "./app", Dir: app}, t.TempDir(), Options{Cancel: cancel})
	if !errors.Is(err, ErrCancelled) {
		t.Errorf("err = %v, want ErrCancelled", err)
	}
}

func TestBuildDebugBinaryReportsCompileErrors(t *testing.T) {
	fixtureEnv(t)
	cacheDir := t.TempDir()
	t.Setenv(cacheDirEnv, cacheDir)
	app := writeFixture(t)
	editFile(t, filepath.Join(app, "main.go"), func(s string) string { return strings.Replace(s, "words.Hello()", "words.Goodbye()", 1) })
	_, err := Build(&Target{Pattern: "./app", Dir: app}, t.TempDir(), Options{})
	var ue *tracer.UserError
	if !errors.As(err, &ue) || !strings.Contains(ue.Detail, "undefined: words.Goodbye") {
		t.Fatalf("err = %v, want a UserError with the compiler's line", err)
	}
	if entries, _ := cacheEntries(t, cacheDir); len(entries) != 0 {
		t.Errorf("a failed build left cache entries %v", entries)
	}
}

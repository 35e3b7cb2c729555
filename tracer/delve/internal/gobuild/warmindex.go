package gobuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/debuglog"
)

// A warm start must know, without running the go command, the main package
// a pattern names (what ResolveTarget asks `go list` for), the go env a
// build sees and the build's key (what `go env` and `go list -deps` feed).
// The warm index keeps each with the stamps (statindex.go) of everything the
// answer depends on, in the build cache's "warm" directory:
//
//   - target entries, per pattern directory: the main package found, with
//     the package directories and Go files it was chosen among;
//   - build entries, per main package directory: the go env, the key and
//     the number of packages, with every local file the key hashed, the
//     directories they were listed from, the go binary PATH finds, its
//     go.env, the user's go env file, the C compiler, and the go.work and
//     go.mod files the go command would find if they appeared.
//
// Both are also keyed by the environment the go command reads (GO*, CGO_*,
// CC, PATH, HOME...), so another shell setting is another entry. An entry
// whose stamps all hold answers at once; any stamp that differs sends the
// start down the slow path, which computes the key for real and records
// the entry afresh. The key alone decides what is reused: the index only
// says when it can be trusted to be the same as last time.

// warmIndexVersion changes when the entries' meaning does; older ones are
// ignored.
const warmIndexVersion = 1

// maxWarmEntries bounds how many entries of each kind the index keeps.
const maxWarmEntries = 256

// warmBuild is a build entry.
type warmBuild struct {
	Version  int               `json:"version"`
	Env      string            `json:"env"`
	Dir      string            `json:"dir"`
	GoEnv    map[string]string `json:"go_env"`
	Key      string            `json:"key"`
	Packages int               `json:"packages"`
	Stamps   []stamp           `json:"stamps"`
}

// warmTarget is a target entry.
type warmTarget struct {
	Version    int     `json:"version"`
	Env        string  `json:"env"`
	PatternDir string  `json:"pattern_dir"`
	ImportPath string  `json:"import_path"`
	Dir        string  `json:"dir"`
	ModuleDir  string  `json:"module_dir"`
	Stamps     []stamp `json:"stamps"`
}

// goEnvironment is the part of the environment the go command reads, as
// one fingerprint.
func goEnvironment() string {
	var vars []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case irrelevantGoEnv[name]:
			continue
		case strings.HasPrefix(name, "GO"), strings.HasPrefix(name, "CGO_"):
		case name == "CC", name == "CXX", name == "AR", name == "PKG_CONFIG", name == "PATH",
			name == "HOME", name == "XDG_CONFIG_HOME", name == "USERPROFILE", name == "AppData":
		default:
			continue
		}
		vars = append(vars, kv)
	}
	sort.Strings(vars)
	sum := sha256.Sum256([]byte(cacheRecipe + "\x00" + strings.Join(vars, "\x00")))
	return hex.EncodeToString(sum[:])
}

// irrelevantGoEnv are the GO* variables that change how fast or from where
// the go command works, never what it builds: another value of them keeps
// the warm entries.
var irrelevantGoEnv = map[string]bool{
	"GOCACHE": true, "GOTMPDIR": true, "GOMAXPROCS": true, "GOGC": true, "GOMEMLIMIT": true,
	"GOTRACEBACK": true, "GOPROXY": true, "GONOPROXY": true, "GOSUMDB": true,
	"GOTELEMETRY": true, "GOTELEMETRYDIR": true, "GOCOVERDIR": true,
}

// warmPath is the file of the entry of kind ("build" or "target") for dir
// in the environment env.
func (c *buildCache) warmPath(kind, dir, env string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + dir + "\x00" + env))
	return filepath.Join(c.dir, "warm", kind+"-"+hex.EncodeToString(sum[:16])+".json")
}

// loadWarm reads the entry at path into v and checks its stamps; it
// reports whether the entry holds. An entry whose stamps were brought up to
// date is written back, so the next check is the cheap one.
func loadWarm[T any](path string, v *T, stamps func(*T) []stamp, valid func(*T) bool) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	if err := json.Unmarshal(b, v); err != nil || !valid(v) {
		return false
	}
	same, updated := checkStamps(stamps(v))
	if !same {
		return false
	}
	if updated {
		if err := writeWarm(path, v); err != nil {
			debuglog.Printf("warm index: %v", err)
		}
	}
	return true
}

// writeWarm writes an entry, atomically: readers see the old or the new.
func writeWarm(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp-" + randomSuffix()
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// lookupWarmBuild returns the build entry of the main package in dir if
// nothing it depends on changed, else nil.
func (c *buildCache) lookupWarmBuild(dir string) *warmBuild {
	env := goEnvironment()
	var wb warmBuild
	ok := loadWarm(c.warmPath("build", dir, env), &wb,
		func(w *warmBuild) []stamp { return w.Stamps },
		func(w *warmBuild) bool {
			return w.Version == warmIndexVersion && w.Env == env && w.Dir == dir && w.Key != "" && len(w.GoEnv) > 0
		})
	if !ok {
		return nil
	}
	return &wb
}

// lastPackages is the package count of the last build of the main package
// in dir, whether or not anything changed since: the progress of a rebuild
// has its total from the start. 0 when there was none.
func (c *buildCache) lastPackages(dir string) int {
	b, err := os.ReadFile(c.warmPath("build", dir, goEnvironment()))
	if err != nil {
		return 0
	}
	var wb warmBuild
	if json.Unmarshal(b, &wb) != nil || wb.Version != warmIndexVersion || wb.Dir != dir {
		return 0
	}
	return wb.Packages
}

// saveWarmBuild records the build entry of the main package of t: the key
// k computed with goEnv, and what they depend on.
func (c *buildCache) saveWarmBuild(t *Target, goEnv map[string]string, k *buildKey) error {
	wb := warmBuild{
		Version:  warmIndexVersion,
		Env:      goEnvironment(),
		Dir:      t.Dir,
		GoEnv:    goEnv,
		Key:      k.key,
		Packages: k.packages,
	}
	wb.Stamps = append(wb.Stamps, k.stamps...)
	for _, p := range k.absent {
		wb.Stamps = append(wb.Stamps, stamp{Kind: stampAbsent, Path: p})
	}
	more, err := goCommandStamps(t, goEnv)
	if err != nil {
		return err
	}
	wb.Stamps = append(wb.Stamps, more...)
	for _, d := range k.dirs {
		st, err := takeStamp(stampDir, d)
		if err != nil {
			return fmt.Errorf("stamp %s: %w", d, err)
		}
		wb.Stamps = append(wb.Stamps, st)
	}
	if err := writeWarm(c.warmPath("build", t.Dir, wb.Env), &wb); err != nil {
		return fmt.Errorf("write the warm index: %w", err)
	}
	return c.forgetOldWarm()
}

// goCommandStamps stamps what decides how the go command itself behaves in
// t.Dir: which go PATH finds and that binary, its go.env, the user's go env
// file, the C compiler (cgo's default follows it), and the go.work and
// go.mod files it would find if they appeared between the package and the
// file system's root.
func goCommandStamps(t *Target, goEnv map[string]string) ([]stamp, error) {
	var out []stamp
	add := func(kind stampKind, path string) error {
		st, err := takeStamp(kind, path)
		if err != nil {
			return fmt.Errorf("stamp %s: %w", path, err)
		}
		out = append(out, st)
		return nil
	}
	// fileOrAbsent stamps a file the go command reads if it exists.
	fileOrAbsent := func(path string) error {
		if _, err := os.Stat(path); err != nil {
			return add(stampAbsent, path)
		}
		return add(stampFile, path)
	}
	if err := add(stampLookPath, "go"); err != nil {
		return nil, err
	}
	goBin := out[len(out)-1].Hash
	if goBin == "" {
		return nil, fmt.Errorf("the go command is not on PATH")
	}
	if err := add(stampStat, goBin); err != nil {
		return nil, err
	}
	if root := goEnv["GOROOT"]; root != "" {
		if err := fileOrAbsent(filepath.Join(root, "go.env")); err != nil {
			return nil, err
		}
	}
	if p := goEnvFile(); p != "" {
		if err := fileOrAbsent(p); err != nil {
			return nil, err
		}
	}
	if cc := strings.Fields(goEnv["CC"]); len(cc) > 0 {
		if err := add(stampLookPath, cc[0]); err != nil {
			return nil, err
		}
	}
	searchWork := goEnv["GOWORK"] == ""
	inModule := true
	for dir := t.Dir; ; dir = filepath.Dir(dir) {
		if searchWork {
			if err := fileOrAbsent(filepath.Join(dir, "go.work")); err != nil {
				return nil, err
			}
		}
		if inModule {
			mod := filepath.Join(dir, "go.mod")
			if _, err := os.Stat(mod); err == nil {
				// The module's go.mod is hashed with the key; above it
				// another go.mod changes nothing.
				inModule = false
			} else if err := add(stampAbsent, mod); err != nil {
				return nil, err
			}
		}
		if parent := filepath.Dir(dir); parent == dir {
			break
		}
	}
	return out, nil
}

// goEnvFile is the file `go env -w` writes, which the go command reads.
func goEnvFile() string {
	if p := os.Getenv("GOENV"); p != "" {
		if p == "off" {
			return ""
		}
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "go", "env")
}

// lookupWarmTarget returns the main package pattern (a directory) named
// when it was last resolved, if nothing that choice depends on changed.
func (c *buildCache) lookupWarmTarget(pattern string) *Target {
	abs, err := filepath.Abs(pattern)
	if err != nil {
		return nil
	}
	env := goEnvironment()
	var wt warmTarget
	ok := loadWarm(c.warmPath("target", abs, env), &wt,
		func(w *warmTarget) []stamp { return w.Stamps },
		func(w *warmTarget) bool {
			return w.Version == warmIndexVersion && w.Env == env && w.PatternDir == abs && w.Dir != ""
		})
	if !ok {
		return nil
	}
	return &Target{Pattern: pattern, ImportPath: wt.ImportPath, Dir: wt.Dir, ModuleDir: wt.ModuleDir}
}

// ResolveTargetWarm is ResolveTarget with the warm index: a pattern
// directory resolved before, whose packages have not changed since, is
// answered without the go command. noCache leaves the index alone.
func ResolveTargetWarm(ctx context.Context, pattern string, noCache bool) (*Target, error) {
	var cache *buildCache
	if fi, err := os.Stat(pattern); err == nil && fi.IsDir() && !noCache {
		if cache, err = openBuildCache(); err != nil {
			debuglog.Printf("warm index: %v", err)
			cache = nil
		}
	}
	if cache != nil {
		if t := cache.lookupWarmTarget(pattern); t != nil {
			debuglog.Printf("warm index: %s is %s, as last time", pattern, t.Dir)
			return t, nil
		}
	}
	t, err := ResolveTarget(ctx, pattern)
	if err == nil && cache != nil {
		if err := cache.saveWarmTarget(pattern, t); err != nil {
			debuglog.Printf("warm index: %v", err)
		}
	}
	return t, err
}

// maxWarmWalk bounds the directories a target entry may stamp: a pattern
// over a tree larger than that is resolved with the go command every time.
const maxWarmWalk = 2000

// saveWarmTarget records that pattern resolved to t, with the stamps of
// what ResolveTarget chose among: the go command, and every package
// directory and Go file below the pattern's directory (their package
// clauses say which are main), or, when the pattern names the main package
// itself, that directory alone.
func (c *buildCache) saveWarmTarget(pattern string, t *Target) error {
	abs, err := filepath.Abs(pattern)
	if err != nil {
		return err
	}
	wt := warmTarget{
		Version:    warmIndexVersion,
		Env:        goEnvironment(),
		PatternDir: abs,
		ImportPath: t.ImportPath,
		Dir:        t.Dir,
		ModuleDir:  t.ModuleDir,
	}
	look, err := takeStamp(stampLookPath, "go")
	if err != nil {
		return err
	}
	wt.Stamps = append(wt.Stamps, look)
	var dirs []string
	if t.Dir == abs {
		dirs = []string{abs}
	} else if dirs, err = packageDirs(abs); err != nil {
		return err
	}
	for _, d := range dirs {
		st, err := takeStamp(stampDir, d)
		if err != nil {
			return fmt.Errorf("stamp %s: %w", d, err)
		}
		wt.Stamps = append(wt.Stamps, st)
		des, err := os.ReadDir(d)
		if err != nil {
			return err
		}
		for _, de := range des {
			if de.IsDir() || !strings.HasSuffix(de.Name(), ".go") {
				continue
			}
			st, err := takeStamp(stampHeader, filepath.Join(d, de.Name()))
			if err != nil {
				return fmt.Errorf("stamp %s: %w", de.Name(), err)
			}
			wt.Stamps = append(wt.Stamps, st)
		}
	}
	// The module the pattern is in: a go.mod appearing in between moves it.
	for dir := abs; dir != t.ModuleDir && t.ModuleDir != ""; dir = filepath.Dir(dir) {
		wt.Stamps = append(wt.Stamps, stamp{Kind: stampAbsent, Path: filepath.Join(dir, "go.mod")})
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if err := writeWarm(c.warmPath("target", abs, wt.Env), &wt); err != nil {
		return fmt.Errorf("write the warm index: %w", err)
	}
	return c.forgetOldWarm()
}

// packageDirs lists root and the directories below it that `go list ./...`
// looks into: not testdata, vendor, or names starting with "." or "_", and
// not other modules (their go.mod shows in the parent's names).
func packageDirs(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != root {
			name := d.Name()
			if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		dirs = append(dirs, path)
		if len(dirs) > maxWarmWalk {
			return fmt.Errorf("more than %d directories below %s", maxWarmWalk, root)
		}
		return nil
	})
	return dirs, err
}

// forgetOldWarm removes the entries beyond maxWarmEntries of each kind,
// least recently written first, and temporary files crashed traces left.
func (c *buildCache) forgetOldWarm() error {
	dir := filepath.Join(c.dir, "warm")
	des, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type entry struct {
		name  string
		mtime time.Time
	}
	byKind := map[string][]entry{}
	for _, de := range des {
		info, err := de.Info()
		if err != nil {
			continue
		}
		if strings.Contains(de.Name(), ".tmp-") {
			if time.Since(info.ModTime()) > staleTempAge {
				_ = os.Remove(filepath.Join(dir, de.Name()))
			}
			continue
		}
		kind, _, _ := strings.Cut(de.Name(), "-")
		byKind[kind] = append(byKind[kind], entry{de.Name(), info.ModTime()})
	}
	for _, list := range byKind {
		if len(list) <= maxWarmEntries {
			continue
		}
		sort.Slice(list, func(i, j int) bool { return list[i].mtime.After(list[j].mtime) })
		for _, e := range list[maxWarmEntries:] {
			_ = os.Remove(filepath.Join(dir, e.name))
		}
	}
	return nil
}

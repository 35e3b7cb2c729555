package gobuild

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// The build cache keeps debug binaries between traces, so that a second run
// of an unchanged program skips the link, which is most of the time a trace
// takes to start (the go command's own cache already makes recompiles cheap).
//
// A binary is keyed by the content of what goes into it, as the go command
// reports it: `go env` (Go version, GOOS/GOARCH, GOFLAGS with its build tags,
// cgo settings, experiments), the build flags, and `go list -deps` of the
// main package. Packages in GOROOT and the module cache are immutable, so
// their path and version stand for them; the files of every other package
// (the user's module, local replacements, vendored code) are hashed by
// content, ignored files included, because removing a build constraint adds
// a file to the build. go.mod, go.sum and go.work are hashed too. A change
// to any of these makes a new key, so a stale binary is never run; touching a
// file without changing it keeps the key. What the key cannot see makes a
// build uncacheable (GOFLAGS with -overlay or -toolexec) or is out of its
// reach: C headers a cgo package includes from outside its directory, and
// edits to GOROOT that keep the Go version.
//
// Entries are immutable files named by their key. They are written to a
// temporary name in the cache directory and renamed into place, so readers
// never see half a binary and concurrent traces of the same program simply
// both store the same bytes. A trace hard-links (or, across file systems,
// copies) its entry into its own temporary directory and runs it from there,
// so another trace evicting the entry cannot pull it from under it. The
// modification time of an entry is its last use; the least recently used go
// when the cache outgrows its size bound.

// cacheDirEnv overrides where the build cache lives; the benchmark and the
// tests point it at an empty directory to measure a cold start.
const cacheDirEnv = "KRATOS_TRACE_CACHE_DIR"

// cacheSizeEnv overrides the cache's size bound, e.g. "512MiB" or "2GiB".
const cacheSizeEnv = "KRATOS_TRACE_CACHE_SIZE"

// defaultCacheBytes bounds the cache: about thirty debug builds of a
// kratos-layout service.
const defaultCacheBytes = 1 << 30

// staleTempAge is how old a temporary file in the cache must be before
// eviction treats it as left over by a crashed trace.
const staleTempAge = time.Hour

// cacheRecipe names how build.go builds; change it when the recipe changes
// in a way the key does not otherwise see.
const cacheRecipe = "kratos-trace debug build 1"

// errUncacheable says a build cannot be keyed, e.g. because go list failed;
// the build then runs without the cache and reports the errors itself.
var errUncacheable = errors.New("the build cannot be cached")

// buildCache is a directory of debug binaries keyed by buildKey.
type buildCache struct {
	dir      string
	maxBytes int64
}

// openBuildCache returns the cache at $KRATOS_TRACE_CACHE_DIR, or at
// kratos-trace in the user's cache directory. It creates nothing yet.
func openBuildCache() (*buildCache, error) {
	c := &buildCache{dir: os.Getenv(cacheDirEnv), maxBytes: defaultCacheBytes}
	if c.dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("find the user cache directory: %w", err)
		}
		c.dir = filepath.Join(base, "kratos-trace")
	}
	if s := os.Getenv(cacheSizeEnv); s != "" {
		n, err := parseSize(s)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: %w", cacheSizeEnv, s, err)
		}
		c.maxBytes = n
	}
	return c, nil
}

// parseSize reads a byte count with an optional binary unit: 1048576, 512MiB, 2G.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	num := strings.TrimRightFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.ToUpper(strings.TrimSpace(s[len(num):]))
	unit = strings.TrimSuffix(strings.TrimSuffix(unit, "B"), "I")
	shift := map[string]uint{"": 0, "K": 10, "M": 20, "G": 30, "T": 40}
	sh, ok := shift[unit]
	n, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || n < 0 {
		return 0, errors.New("not a size such as 512MiB or 2GiB")
	}
	return n << sh, nil
}

// path is where the entry for key lives.
func (c *buildCache) path(key string) string { return filepath.Join(c.dir, key) }

// fetch places the binary cached under key at dst and marks it used. It
// returns false, with no error, when there is no entry.
func (c *buildCache) fetch(key, dst string) (bool, error) {
	src := c.path(key)
	if err := os.Link(src, dst); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		// Across file systems, or where hard links are not allowed.
		if err := copyFile(src, dst); err != nil {
			_ = os.Remove(dst)
			if errors.Is(err, fs.ErrNotExist) {
				return false, nil
			}
			return false, fmt.Errorf("copy %s from the build cache: %w", key, err)
		}
	}
	now := time.Now()
	_ = os.Chtimes(src, now, now)
	return true, nil
}

// has reports whether there is an entry for key.
func (c *buildCache) has(key string) bool {
	_, err := os.Stat(c.path(key))
	return err == nil
}

// discard removes the entry for key, e.g. one found damaged.
func (c *buildCache) discard(key string) {
	_ = os.Remove(c.path(key))
}

// store adds the binary at src under key, then evicts the least recently
// used entries beyond the size bound.
func (c *buildCache) store(key, src string) error {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fmt.Errorf("create the build cache: %w", err)
	}
	tmp := filepath.Join(c.dir, ".tmp-"+key[:16]+"-"+randomSuffix())
	if err := os.Link(src, tmp); err != nil {
		if err := copyFile(src, tmp); err != nil {
			_ = os.Remove(tmp)
			return fmt.Errorf("store in the build cache: %w", err)
		}
	}
	// Linked files keep the build's time; the entry was used just now.
	now := time.Now()
	_ = os.Chtimes(tmp, now, now)
	err := os.Rename(tmp, c.path(key))
	// Renaming onto a hard link of the same file succeeds without removing
	// the old name, so remove it whatever happened.
	_ = os.Remove(tmp)
	if err != nil {
		return fmt.Errorf("store in the build cache: %w", err)
	}
	return c.evict(key)
}

// evict removes the least recently used entries until the cache holds at
// most maxBytes, keeping the entry keep whatever its size, and removes
// temporary files that crashed traces left behind.
func (c *buildCache) evict(keep string) error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("read the build cache: %w", err)
	}
	type entry struct {
		name  string
		size  int64
		mtime time.Time
	}
	var list []entry
	var total int64
	for _, de := range entries {
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue // removed meanwhile by another trace, or not ours
		}
		name := de.Name()
		if strings.HasPrefix(name, ".tmp-") {
			if time.Since(info.ModTime()) > staleTempAge {
				_ = os.Remove(filepath.Join(c.dir, name))
			}
			continue
		}
		if !isKey(name) {
			continue
		}
		list = append(list, entry{name, info.Size(), info.ModTime()})
		total += info.Size()
	}
	sort.Slice(list, func(i, j int) bool { return list[i].mtime.Before(list[j].mtime) })
	for _, e := range list {
		if total <= c.maxBytes {
			break
		}
		if e.name == keep {
			continue
		}
		if err := os.Remove(filepath.Join(c.dir, e.name)); err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= e.size
		}
	}
	return nil
}

// isKey reports whether name is a cache entry's name.
func isKey(name string) bool {
	if len(name) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

// copyFile copies src to a new file dst, executable, synced to disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func randomSuffix() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// buildKey is the key of one debug build and the local files it was
// computed from, to check that none changed while the build ran.
type buildKey struct {
	key       string
	goVersion string
	// stamps record every local file hashed, with its hash: for the check
	// that none changed while the build ran, and for the stat index
	// (statindex.go). absent lists the files looked for and not found,
	// dirs the local directories whose files were listed.
	stamps []stamp
	absent []string
	dirs   []string
	// packages is how many packages the build compiles or reuses.
	packages int
}

// unchanged reports whether every hashed file still has the size and
// modification time it had when it was hashed. A file edited during the
// build may or may not be in the binary, so such a build is not stored.
func (k *buildKey) unchanged() bool {
	for _, st := range k.stamps {
		fi, err := os.Stat(st.Path)
		if err != nil || fi.Size() != st.Size || fi.ModTime().UnixNano() != st.MTime {
			return false
		}
	}
	return true
}

// coarseMtimeSlack is how far before a build a file must have been
// modified, on a file system that keeps whole seconds only, to be sure the
// build read it as it was hashed.
const coarseMtimeSlack = 2 * time.Second

// settledBefore reports whether every hashed file was last modified before
// start, when the build and the hashing began. A file modified later may
// have been read differently by the two, which run side by side; such a
// build is not stored. Whole-second times get a margin, since an edit just
// after start could carry a time just before it.
func (k *buildKey) settledBefore(start time.Time) bool {
	for _, st := range k.stamps {
		mtime := time.Unix(0, st.MTime)
		limit := start
		if mtime.Nanosecond() == 0 {
			limit = start.Add(-coarseMtimeSlack)
		}
		if !mtime.Before(limit) {
			return false
		}
	}
	return true
}

// keyEnvVars are the go env settings that change what go build produces.
var keyEnvVars = []string{
	"GOVERSION", "GOROOT", "GOOS", "GOARCH", "GOFLAGS", "GOEXPERIMENT", "GOFIPS140",
	"GO386", "GOAMD64", "GOARM", "GOARM64", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM",
	"CGO_ENABLED", "CC", "CXX", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_FFLAGS", "CGO_LDFLAGS",
	"GOMODCACHE", "GOWORK", "GOINSECURE", "GONOSUMDB", "GOPRIVATE",
}

// listedPackage is the part of `go list -json` the key needs.
type listedPackage struct {
	ImportPath string
	Dir        string
	Standard   bool
	Module     *listedModule
	Error      *struct{ Err string }
	DepsErrors []*struct{ Err string }

	GoFiles, CgoFiles, CFiles, CXXFiles, MFiles, HFiles, FFiles, SFiles []string
	SwigFiles, SwigCXXFiles, SysoFiles, EmbedFiles                      []string
	IgnoredGoFiles, IgnoredOtherFiles                                   []string
}

type listedModule struct {
	Path    string
	Version string
	Dir     string
	GoMod   string
	Replace *listedModule
}

// listFields limits go list to what listedPackage reads.
const listFields = "ImportPath,Dir,Standard,Module,Error,DepsErrors,GoFiles,CgoFiles,CFiles,CXXFiles,MFiles,HFiles,FFiles,SFiles,SwigFiles,SwigCXXFiles,SysoFiles,EmbedFiles,IgnoredGoFiles,IgnoredOtherFiles"

// readGoEnv runs `go env` in dir, as go build will see it there (a
// go.mod's toolchain line can select another Go).
func readGoEnv(ctx context.Context, dir string) (map[string]string, error) {
	out, stderr, err := GoCommand(ctx, dir, append([]string{"env", "-json"}, keyEnvVars...)...)
	if err != nil {
		return nil, fmt.Errorf("go env: %w: %s", err, tracer.FirstLine(stderr))
	}
	var env map[string]string
	if err := json.Unmarshal([]byte(out), &env); err != nil {
		return nil, fmt.Errorf("read go env: %w", err)
	}
	return env, nil
}

// computeBuildKey keys the build of the main package in dir with buildArgs
// (the flags go build gets besides -o), given goEnv from readGoEnv. It runs
// `go list -deps` in dir, as go build will.
func computeBuildKey(ctx context.Context, dir string, goEnv map[string]string, buildArgs []string) (*buildKey, error) {
	list, stderr, err := GoCommand(ctx, dir, "list", "-deps", "-json="+listFields, ".")
	if err != nil {
		return nil, fmt.Errorf("%w: go list: %v: %s", errUncacheable, err, tracer.FirstLine(stderr))
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(list))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%w: read go list: %v", errUncacheable, err)
		}
		if p.Error != nil || len(p.DepsErrors) > 0 {
			return nil, fmt.Errorf("%w: package %s has errors", errUncacheable, p.ImportPath)
		}
		pkgs = append(pkgs, p)
	}
	return hashBuildInputs(goEnv, buildArgs, pkgs)
}

// hashBuildInputs computes the key from go env, the build flags and the
// listed packages, hashing the content of every file that is not in GOROOT
// or the module cache.
func hashBuildInputs(goEnv map[string]string, buildArgs []string, pkgs []listedPackage) (*buildKey, error) {
	for _, flag := range []string{"-overlay", "-toolexec"} {
		// Their inputs (the overlay's files, the tool) are not in the key.
		if strings.Contains(goEnv["GOFLAGS"], flag) {
			return nil, fmt.Errorf("%w: GOFLAGS has %s", errUncacheable, flag)
		}
	}
	k := &buildKey{goVersion: goEnv["GOVERSION"]}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", cacheRecipe)
	for _, a := range buildArgs {
		fmt.Fprintf(h, "arg %q\n", a)
	}
	for _, name := range keyEnvVars {
		fmt.Fprintf(h, "env %s=%q\n", name, goEnv[name])
	}
	modCache := goEnv["GOMODCACHE"]
	immutable := func(dir string) bool {
		return modCache != "" && (dir == modCache || strings.HasPrefix(dir, modCache+string(filepath.Separator)))
	}
	// hashFile adds one local file, by name and content.
	hashFile := func(path string) error {
		taken := time.Now()
		fi, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(h, "absent %q\n", path)
			k.absent = append(k.absent, path)
			return nil
		}
		if err != nil {
			return err
		}
		// Stat before reading: an edit in between shows as a changed stamp.
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		fmt.Fprintf(h, "file %q %x\n", path, sum)
		st := stamp{Kind: stampFile, Path: path, Hash: hex.EncodeToString(sum[:]), Taken: taken.UnixNano()}
		st.setStat(fi)
		k.stamps = append(k.stamps, st)
		return nil
	}
	dirs := map[string]bool{}
	modFiles := map[string]bool{}
	addModule := func(m *listedModule) {
		if m == nil || m.GoMod == "" || immutable(m.Dir) {
			return
		}
		modFiles[m.GoMod] = true
		modFiles[filepath.Join(filepath.Dir(m.GoMod), "go.sum")] = true
		modFiles[filepath.Join(filepath.Dir(m.GoMod), "vendor", "modules.txt")] = true
	}
	if w := goEnv["GOWORK"]; w != "" && w != "off" {
		modFiles[w] = true
		modFiles[w+".sum"] = true
	}
	for _, p := range pkgs {
		fmt.Fprintf(h, "pkg %s %q std=%t", p.ImportPath, p.Dir, p.Standard)
		if m := p.Module; m != nil {
			fmt.Fprintf(h, " mod %s@%s", m.Path, m.Version)
			if m.Replace != nil {
				fmt.Fprintf(h, " => %s@%s %q", m.Replace.Path, m.Replace.Version, m.Replace.Dir)
			}
			addModule(m)
			addModule(m.Replace)
		}
		h.Write([]byte("\n"))
		local := !p.Standard && !immutable(p.Dir)
		if local {
			// A file added to the directory may join the package.
			dirs[p.Dir] = true
			for _, name := range p.EmbedFiles {
				// So may one added where an embed pattern looks.
				dirs[filepath.Dir(filepath.Join(p.Dir, name))] = true
			}
		}
		for _, group := range [][]string{
			p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.MFiles, p.HFiles, p.FFiles, p.SFiles,
			p.SwigFiles, p.SwigCXXFiles, p.SysoFiles, p.EmbedFiles, p.IgnoredGoFiles, p.IgnoredOtherFiles,
		} {
			for _, name := range group {
				if !local {
					fmt.Fprintf(h, "name %q\n", name)
					continue
				}
				if err := hashFile(filepath.Join(p.Dir, name)); err != nil {
					return nil, fmt.Errorf("%w: hash %s: %v", errUncacheable, name, err)
				}
			}
		}
	}
	names := make([]string, 0, len(modFiles))
	for f := range modFiles {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		if err := hashFile(f); err != nil {
			return nil, fmt.Errorf("%w: hash %s: %v", errUncacheable, f, err)
		}
	}
	k.key = hex.EncodeToString(h.Sum(nil))
	for d := range dirs {
		k.dirs = append(k.dirs, d)
	}
	sort.Strings(k.dirs)
	for _, p := range pkgs {
		// unsafe is never compiled.
		if p.ImportPath != "unsafe" {
			k.packages++
		}
	}
	return k, nil
}

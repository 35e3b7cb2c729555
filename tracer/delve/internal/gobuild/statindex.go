package gobuild

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// The stat index recognises an unchanged tree without running the go
// command or reading the sources, as git's index does: beside the content
// hash of every file a key was computed from, it keeps the file's size,
// mtime, ctime and inode. A file whose stat is as recorded is taken as
// unchanged; only where the stat moved is the content hashed again, and a
// file touched without being changed then counts as unchanged (its stamp is
// brought up to date). Directories are recorded by the names they hold, so
// that a file added to a package shows; files that must not exist (a go.work
// the go command would find, another go.mod between the package and its
// module) are recorded as absent.
//
// The classic trap is a file changed twice within one tick of the file
// system's clock: the second write can leave size, mtime and ctime as the
// first left them. As git does with "racily clean" entries, a stamp whose
// mtime or ctime is not clearly older than the moment it was taken cannot
// vouch for the content, so that file is hashed again at every check until
// a check finds it settled.

// stampKind says what a stamp records.
type stampKind string

const (
	// stampFile: a file, by stat and content hash.
	stampFile stampKind = "file"
	// stampDir: a directory, by stat and the hash of its entries' names.
	stampDir stampKind = "dir"
	// stampAbsent: a path that does not exist.
	stampAbsent stampKind = "absent"
	// stampStat: a file by stat alone (the go binary): any change counts.
	stampStat stampKind = "stat"
	// stampLookPath: a command name and the file PATH resolves it to, ""
	// when it does not.
	stampLookPath stampKind = "lookpath"
	// stampHeader: a Go file by stat and the hash of its head, up to its
	// package clause: its build constraints and package name, which decide
	// whether it makes its directory a main package.
	stampHeader stampKind = "header"
)

// racyWindow is how recent an mtime or ctime may be, next to the moment
// its stamp was taken, before the stamp cannot vouch for the content: a
// generous bound on the tick of a file system's clock. Whole-second
// timestamps get racyWindowCoarse.
const (
	racyWindow       = time.Second
	racyWindowCoarse = 2 * time.Second
)

// stamp is what one path looked like when a key was computed from it.
type stamp struct {
	Kind  stampKind `json:"k"`
	Path  string    `json:"p"`
	Size  int64     `json:"s,omitempty"`
	MTime int64     `json:"m,omitempty"`
	CTime int64     `json:"c,omitempty"`
	Ino   uint64    `json:"i,omitempty"`
	// Hash is the content's SHA-256 (file), the names' (dir) or the
	// resolved path (lookpath).
	Hash string `json:"h,omitempty"`
	// Taken is when the stat was taken, in Unix nanoseconds: the content
	// was read after it.
	Taken int64 `json:"t,omitempty"`
}

// takeStamp records path as kind.
func takeStamp(kind stampKind, path string) (stamp, error) {
	st := stamp{Kind: kind, Path: path}
	switch kind {
	case stampAbsent:
		return st, nil
	case stampLookPath:
		st.Hash, _ = exec.LookPath(path)
		return st, nil
	}
	st.Taken = time.Now().UnixNano()
	fi, err := os.Stat(path)
	if err != nil {
		return st, err
	}
	st.setStat(fi)
	switch kind {
	case stampFile:
		st.Hash, err = hashFileContent(path)
	case stampDir:
		st.Hash, err = hashDirNames(path)
	case stampHeader:
		st.Hash, err = hashGoHeader(path)
	}
	return st, err
}

// setStat copies what fi says into st.
func (st *stamp) setStat(fi os.FileInfo) {
	st.Size = fi.Size()
	st.MTime = fi.ModTime().UnixNano()
	st.Ino, st.CTime = statID(fi)
	if fi.IsDir() {
		// A directory's size says nothing its names do not.
		st.Size = 0
	}
}

// sameStat reports whether fi is what st recorded.
func (st *stamp) sameStat(fi os.FileInfo) bool {
	var now stamp
	now.setStat(fi)
	return now.Size == st.Size && now.MTime == st.MTime && now.CTime == st.CTime && now.Ino == st.Ino
}

// racy reports whether the stamp's times are too close to the moment it
// was taken for the stat to vouch for the content.
func (st *stamp) racy() bool {
	window := racyWindow
	if st.MTime%int64(time.Second) == 0 {
		window = racyWindowCoarse
	}
	limit := st.Taken - int64(window)
	return st.MTime >= limit || st.CTime >= limit
}

// check reports whether the path is as st recorded. Where only the stat
// moved and the content is the same, st is brought up to date and updated
// reports it.
func (st *stamp) check() (same, updated bool) {
	switch st.Kind {
	case stampAbsent:
		_, err := os.Lstat(st.Path)
		return errors.Is(err, fs.ErrNotExist), false
	case stampLookPath:
		path, _ := exec.LookPath(st.Path)
		return path == st.Hash, false
	}
	fi, err := os.Stat(st.Path)
	if err != nil {
		return false, false
	}
	if st.sameStat(fi) && (st.Kind == stampStat || !st.racy()) {
		return true, false
	}
	if st.Kind == stampStat {
		return false, false
	}
	again, err := takeStamp(st.Kind, st.Path)
	if err != nil || again.Hash != st.Hash {
		return false, false
	}
	*st = again
	return true, true
}

// checkStamps checks every stamp, stopping at the first that differs; it
// reports whether all are the same and whether any was brought up to date.
func checkStamps(stamps []stamp) (same, updated bool) {
	for i := range stamps {
		s, u := stamps[i].check()
		if !s {
			return false, false
		}
		updated = updated || u
	}
	return true, updated
}

// hashFileContent is the SHA-256 of the file at path, in hex.
func hashFileContent(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashDirNames is the SHA-256 of the sorted names in the directory, each
// marked as a directory or not.
func hashDirNames(path string) (string, error) {
	des, err := os.ReadDir(path)
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(des))
	for _, de := range des {
		n := de.Name()
		if de.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	sort.Strings(names)
	sum := sha256.Sum256([]byte(strings.Join(names, "\x00")))
	return hex.EncodeToString(sum[:]), nil
}

// hashGoHeader is the SHA-256 of a Go file up to the end of its package
// clause, or of the whole file when it has none that parses.
func hashGoHeader(path string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	fset := token.NewFileSet()
	if f, err := parser.ParseFile(fset, path, src, parser.PackageClauseOnly|parser.ParseComments); err == nil && f.Name != nil {
		if end := fset.Position(f.Name.End()).Offset; end > 0 && end <= len(src) {
			src = src[:end]
		}
	}
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:]), nil
}

package tui

// open FILE in the prompt shows any file of the program's module in
// Source, so that a breakpoint can be set with b on a line no stop has
// reached yet (greeter.go before a request arrives). FILE is a path from
// the module's root, an absolute path, or the end of a path
// (service/greeter.go); an end that several files share lists them.

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// openFile shows the file arg names, FILE or FILE:LINE, in Source and
// focuses it.
func (m *Model) openFile(arg string) tea.Cmd {
	name, line := arg, 1
	if i := strings.LastIndexByte(arg, ':'); i > 0 {
		if n, err := strconv.Atoi(arg[i+1:]); err == nil && n > 0 {
			name, line = arg[:i], n
		}
	}
	root := ""
	if s := m.trace.session; s != nil {
		root = moduleRoot(s.Dir)
	}
	if root == "" {
		m.prompt.showError(m.tx.OpenNoModule)
		return nil
	}
	path, matches := findModuleFile(root, name)
	switch {
	case path == "" && len(matches) == 0:
		m.prompt.showError(pane.Format(m.tx.OpenNone, name, root))
		return nil
	case path == "":
		shown := matches[:min(len(matches), 4)]
		m.prompt.showError(pane.Format(m.tx.OpenMany, name, len(matches), strings.Join(shown, ", ")))
		return nil
	}
	lines, cached := m.files[path]
	m.source.Open(path, line, lines)
	m.prompt.close()
	m.setFocus(paneSource)
	m.relayout()
	m.trace.notice = pane.Format(m.tx.Opened, m.shortPath(path))
	if cached {
		return nil
	}
	return loadFile(path)
}

// moduleRoot is the directory of the go.mod at or above dir, or "".
func moduleRoot(dir string) string {
	for dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	return ""
}

// findModuleFile finds name in the module at root: the file itself when
// name is absolute or a path from root, else the module's files whose path
// ends with name. It returns the one file, or "" and the paths from root
// of the files that match (none, or several).
func findModuleFile(root, name string) (string, []string) {
	name = filepath.Clean(strings.TrimSpace(name))
	for _, p := range []string{name, filepath.Join(root, name)} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && filepath.IsAbs(p) {
			return p, nil
		}
	}
	var matches []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "vendor" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil && p != root {
				return filepath.SkipDir // another module
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if rel == name || strings.HasSuffix(rel, string(filepath.Separator)+name) {
			matches = append(matches, rel)
		}
		return nil
	})
	slices.Sort(matches)
	if len(matches) == 1 {
		return filepath.Join(root, matches[0]), nil
	}
	return "", matches
}

package delve

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// serviceRoot is the directory, relative to the module's and slash
// separated, whose internal/ holds a main's layers: the nearest one with an
// internal/ directory going up from the main package's directory to the
// module root. It is "." for kratos-layout (cmd/server beside the module's
// internal/) and "app/storefront/service" for a beer-shop monorepo, whose
// services each keep an internal/ beside their cmd/. A main with no
// internal/ on the way up has the module root's.
func serviceRoot(moduleDir, mainDir string) string {
	if moduleDir == "" || mainDir == "" {
		return "."
	}
	rel, err := filepath.Rel(moduleDir, mainDir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "."
	}
	for dir := rel; ; dir = filepath.Dir(dir) {
		if fi, err := os.Stat(filepath.Join(moduleDir, dir, "internal")); err == nil && fi.IsDir() {
			return filepath.ToSlash(dir)
		}
		if dir == "." {
			return "."
		}
	}
}

// serviceLayers are kratos-layout's layer packages (DefaultLayers) under
// the service root.
func serviceLayers(root string) map[tracer.PhaseID][]string {
	out := map[tracer.PhaseID][]string{}
	for p, dirs := range DefaultLayers {
		for _, d := range dirs {
			out[p] = append(out[p], path.Join(root, d))
		}
	}
	return out
}

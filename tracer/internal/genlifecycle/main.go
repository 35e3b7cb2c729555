// Command genlifecycle writes docs/LIFECYCLE.md and docs/LIFECYCLE.zh.md
// from the phase catalog; `go generate ./tracer` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func main() {
	out := flag.String("out", "docs", "directory to write the pages into")
	flag.Parse()
	for _, lang := range tracer.Langs {
		path := filepath.Join(*out, tracer.LifecycleFile(lang))
		if err := os.WriteFile(path, []byte(tracer.LifecycleMarkdown(lang)), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "genlifecycle: %v\n", err)
			os.Exit(1)
		}
	}
}

package tracer

import (
	"fmt"
	"strings"
)

//go:generate go run ./internal/genlifecycle -out ../docs

// LifecycleMarkdown renders the phase catalog with its notes as the page
// docs/LIFECYCLE.md (English) or docs/LIFECYCLE.zh.md (Chinese).
func LifecycleMarkdown(lang Lang) string {
	var b strings.Builder
	head := map[Lang][3]string{
		English: {"The lifecycle of a Kratos service", "What each phase kratos-trace stops at does, in boot order, for kratos v2.9.2. Generated from the phase catalog in `tracer/notes.go` by `go generate ./tracer`: edit the catalog, not this page.", "Look at"},
		Chinese: {"Kratos 服务的生命周期", "kratos-trace 停下的每个阶段做了什么，按启动顺序排列，基于 kratos v2.9.2。由 `tracer/notes.go` 中的阶段目录通过 `go generate ./tracer` 生成：请修改目录，不要直接修改本页。", "看哪里"},
	}[lang]
	source := map[Lang]string{English: "Source", Chinese: "源码"}[lang]
	other := map[Lang]string{English: "中文版：[LIFECYCLE.zh.md](LIFECYCLE.zh.md)", Chinese: "English: [LIFECYCLE.md](LIFECYCLE.md)"}[lang]
	fmt.Fprintf(&b, "# %s\n\n%s\n\n%s\n", head[0], head[1], other)
	group := Group("")
	for _, p := range Phases {
		n, _ := NoteFor(p.ID, lang)
		if p.Group != group {
			group = p.Group
			fmt.Fprintf(&b, "\n## %s\n", group)
		}
		fmt.Fprintf(&b, "\n### `%s` — %s\n\n%s\n\n- **%s:** %s\n- **%s:** %s\n", p.ID, n.Title, n.Explain, head[2], n.LookAt, source, n.Source)
	}
	return b.String()
}

// LifecycleFile is the docs/ file name of the page in lang.
func LifecycleFile(lang Lang) string {
	if lang == English {
		return "LIFECYCLE.md"
	}
	return "LIFECYCLE." + string(lang) + ".md"
}

package headless

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
)

func TestWriteDiff(t *testing.T) {
	th := diff.DefaultThreshold()
	res := &diff.Result{A: "a.jsonl", B: "b.jsonl", Threshold: &th, Sections: []diff.Section{
		{ID: diff.SectionPhases, Changes: []diff.Change{{Op: diff.Added, Path: "wire.provider data.NewCache", After: "after wire.provider data.NewData"}}},
		{ID: diff.SectionBootstrap, Changes: []diff.Change{
			{Op: diff.Changed, Path: "data.redis.addr", Before: "127.0.0.1:6379", After: "127.0.0.1:6380",
				BeforeOrigin: &tracer.Origin{Kind: tracer.OriginFile, Source: "configs/config.yaml", Line: 12},
				AfterOrigin:  &tracer.Origin{Kind: tracer.OriginEnv, Key: "APP_REDIS_ADDR"}},
			{Op: diff.Removed, Path: "data.redis.network", Before: ""},
		}},
		{ID: diff.SectionServers, Changes: []diff.Change{}},
		{ID: diff.SectionTimes, Changes: []diff.Change{{Op: diff.Changed, Path: "app.run", Before: "1ms", After: "9ms", Ratio: 9}}},
	}}
	var b strings.Builder
	if err := WriteDiff(&b, res, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `--- a.jsonl
+++ b.jsonl

Phases
+ wire.provider data.NewCache  (after wire.provider data.NewData)

Bootstrap
- data.redis.addr: 127.0.0.1:6379  (configs/config.yaml:12)
+ data.redis.addr: 127.0.0.1:6380  (env APP_REDIS_ADDR)
- data.redis.network: ""

Times (changed by ×1.5 and 5ms or more)
- app.run: 1ms
+ app.run: 9ms  (×9.0)

4 difference(s): phases 1, bootstrap 2, times 1.
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteDiff(&b, &diff.Result{A: "a", B: "b"}, DiffOptions{Lang: tracer.Chinese, Color: true})
	if !strings.Contains(b.String(), "没有差异。") || !strings.Contains(b.String(), "\x1b[31m--- a\x1b[0m") {
		t.Errorf("zh with colour:\n%q", b.String())
	}
}

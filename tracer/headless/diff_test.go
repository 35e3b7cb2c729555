package headless

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
)

func TestWriteDiff(t *testing.T) {
	th := diff.DefaultThreshold()
	res := &diff.Result{A: "a.jsonl", B: "b.jsonl", Threshold: &th, TimesCount: true, Sections: []diff.Section{
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
	// Without --times the times are shown, and are not counted; a value
	// that only moved is one line of its own, counted apart.
	res.TimesCount = false
	res.Sections[1].Changes = append(res.Sections[1].Changes, diff.Change{Op: diff.Moved, Path: "data.database.source", Before: "root:****@tcp(db)/x", After: "root:****@tcp(db)/x", Masked: true,
		BeforeOrigin: &tracer.Origin{Kind: tracer.OriginFile, Source: "configs/config.yaml", Line: 11},
		AfterOrigin:  &tracer.Origin{Kind: tracer.OriginFile, Source: "configs/db.yaml", Line: 2}})
	b.Reset()
	WriteDiff(&b, res, DiffOptions{})
	for _, w := range []string{
		"~ data.database.source: root:****@tcp(db)/x  (same value; moved from configs/config.yaml:11 to configs/db.yaml:2)\n",
		"Times (changed by ×1.5 and 5ms or more; not counted, --times counts them)\n",
		"4 difference(s): phases 1, bootstrap 2, moved 1.\n1 time(s) changed beyond the threshold, not counted (--times counts them).\n",
	} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("without --times the text lacks %q:\n%s", w, b.String())
		}
	}
	if strings.Contains(b.String(), "hashes differ") {
		t.Errorf("a moved secret is said to differ:\n%s", b.String())
	}
	b.Reset()
	WriteDiff(&b, &diff.Result{A: "a", B: "b"}, DiffOptions{Lang: tracer.Chinese, Color: true})
	if !strings.Contains(b.String(), "没有差异。") || !strings.Contains(b.String(), "\x1b[31m--- a\x1b[0m") {
		t.Errorf("zh with colour:\n%q", b.String())
	}
}

func TestWriteSystemDiff(t *testing.T) {
	res := &diff.Result{A: "a.jsonl", B: "b.jsonl", Sections: []diff.Section{
		{ID: diff.SectionServices, Changes: []diff.Change{{Op: diff.Added, Path: "inventory", After: "exit status 0"}}},
		{ID: diff.SectionPhases, Service: "greeter", Changes: []diff.Change{}},
		{ID: diff.SectionBootstrap, Service: "gateway", Changes: []diff.Change{{Op: diff.Changed, Path: "data.redis.read_timeout", Before: "200ms", After: "500ms"}}},
	}}
	var b strings.Builder
	if err := WriteDiff(&b, res, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `--- a.jsonl
+++ b.jsonl

Services
+ inventory: exit status 0

gateway: Bootstrap
- data.redis.read_timeout: 200ms
+ data.redis.read_timeout: 500ms

2 difference(s): services 1, gateway bootstrap 1.
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

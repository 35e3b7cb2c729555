package tracer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

func TestEveryPhaseHasNotesInEveryLanguage(t *testing.T) {
	for _, p := range Phases {
		for _, lang := range Langs {
			byLang := phaseNotes[p.ID]
			n, ok := byLang[lang]
			if !ok {
				t.Errorf("%s has no %s note", p.ID, lang)
				continue
			}
			if n.Title == "" || n.Explain == "" || n.LookAt == "" || n.Source == "" {
				t.Errorf("%s %s note has an empty field: %+v", p.ID, lang, n)
			}
			if SummaryFor(p.ID, lang) == "" || TitleFor(p.ID, lang) == "" {
				t.Errorf("%s has no %s summary or title", p.ID, lang)
			}
			if lang != English && SummaryFor(p.ID, lang) == p.Summary {
				t.Errorf("%s: the %s summary is the English one", p.ID, lang)
			}
			if lang == Chinese && !strings.ContainsFunc(n.Explain, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("%s zh note is not in Chinese: %q", p.ID, n.Explain)
			}
		}
	}
	for id := range phaseNotes {
		if _, ok := Info(id); !ok {
			t.Errorf("note for unknown phase %s", id)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"en": English, "zh": Chinese, "zh_CN.UTF-8": Chinese, "zh-TW": Chinese, "en_US.UTF-8": English, "C": English} {
		got, ok := ParseLang(in)
		if !ok || got != want {
			t.Errorf("ParseLang(%q) = %s, %v; want %s", in, got, ok, want)
		}
	}
	if _, ok := ParseLang("fr"); ok {
		t.Error("fr is accepted")
	}
}

func TestLangFromEnv(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")
	if got := LangFromEnv(); got != Chinese {
		t.Errorf("LANG=zh_CN: %s", got)
	}
	t.Setenv("LC_ALL", "en_US.UTF-8")
	if got := LangFromEnv(); got != English {
		t.Errorf("LC_ALL=en_US overrides LANG: %s", got)
	}
}

// TestLifecycleDocsAreCurrent fails when docs/LIFECYCLE*.md were not
// regenerated after the catalog changed.
func TestLifecycleDocsAreCurrent(t *testing.T) {
	for _, lang := range Langs {
		path := filepath.Join("..", "docs", LifecycleFile(lang))
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go generate ./tracer)", err)
		}
		if string(got) != LifecycleMarkdown(lang) {
			t.Errorf("%s is stale: run go generate ./tracer", path)
		}
	}
}

func TestTitleOfNamesTheInjector(t *testing.T) {
	for _, c := range []struct {
		id     PhaseID
		detail string
		lang   Lang
		want   string
	}{
		{PhaseWire, "initApp", English, "initApp"},
		{PhaseWireDone, "initApp", English, "initApp returns"},
		{PhaseWireDone, "initApp", Chinese, "initApp 返回"},
		{PhaseWire, "", English, "wireApp"},
		{PhaseWireProvider, "main.wireApp", English, "provider"},
		{PhaseAppNew, "", English, "kratos.New returns"},
	} {
		if got := TitleOf(c.id, c.detail, c.lang); got != c.want {
			t.Errorf("TitleOf(%s, %q, %s) = %q, want %q", c.id, c.detail, c.lang, got, c.want)
		}
	}
}

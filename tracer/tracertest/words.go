package tracertest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// CheckWords fails t for every word of a language's table that is missing
// or does not take the English word's fmt verbs: tables is a map from
// tracer.Lang to a struct (or a pointer to one) of strings, arrays of
// strings, maps to strings and nested structs, as the TUI's and the
// headless printer's words are. A language without a table is reported
// too, under the names in langs.
func CheckWords[L ~string, W any](t testing.TB, tables map[L]W, english L, langs []L) {
	t.Helper()
	en := reflect.Indirect(reflect.ValueOf(tables[english]))
	for _, lang := range langs {
		w, ok := tables[lang]
		if !ok {
			t.Errorf("no words for %s", lang)
			continue
		}
		checkWord(t, string(lang), reflect.Indirect(reflect.ValueOf(w)), en)
	}
}

func checkWord(t testing.TB, name string, v, en reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		if v.String() == "" {
			t.Errorf("%s is empty", name)
		} else if Verbs(v.String()) != Verbs(en.String()) {
			t.Errorf("%s is %q: its verbs differ from the English %q", name, v.String(), en.String())
		}
	case reflect.Array:
		for i := range v.Len() {
			checkWord(t, fmt.Sprintf("%s[%d]", name, i), v.Index(i), en.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			checkWord(t, name+"."+v.Type().Field(i).Name, v.Field(i), en.Field(i))
		}
	case reflect.Map:
		for _, k := range en.MapKeys() {
			got := v.MapIndex(k)
			if !got.IsValid() {
				t.Errorf("%s[%v] is missing", name, k)
				continue
			}
			checkWord(t, fmt.Sprintf("%s[%v]", name, k), got, en.MapIndex(k))
		}
	}
}

// Verbs lists the fmt verbs of a format, in order, without their flags and
// widths: "%-9s at %d" is "sd".
func Verbs(format string) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.*[]", format[j]) >= 0 {
			j++
		}
		if j < len(format) {
			b.WriteByte(format[j])
		}
		i = j
	}
	return b.String()
}

package tracer

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFirstLine(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"one", "one"},
		{"  go: no go.mod\n\tdetail\nmore", "go: no go.mod"},
		{"\n\nafter blanks\nsecond", "after blanks"},
		{"trailing \n", "trailing"},
	} {
		if got := FirstLine(tt.in); got != tt.want {
			t.Errorf("FirstLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"could not find symbol\n\t\"a.opts\"  in main", 0, `could not find symbol "a.opts" in main`},
		{"short", 5, "short"},
		{"longer", 5, "long…"},
		// Runes, not bytes: a Chinese message is cut at a character.
		{"程序已退出退出码", 4, "程序已…"},
		{"a\n\nb", 3, "a b"},
	} {
		if got := OneLine(tt.in, tt.max); got != tt.want {
			t.Errorf("OneLine(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestShortPath(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(t.TempDir(), "shop")
	for _, tt := range []struct {
		name  string
		path  string
		bases []string
		want  string
	}{
		{"the module cache, without the host", "/root/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2/app.go", nil, "go-kratos/kratos/v2@v2.9.2/app.go"},
		{"golang.org/x", "/home/u/go/pkg/mod/golang.org/x/sync@v0.24.0/errgroup/errgroup.go", nil, "sync@v0.24.0/errgroup/errgroup.go"},
		{"another host stays", "/go/pkg/mod/gopkg.in/yaml.v3@v3.0.1/decode.go", nil, "gopkg.in/yaml.v3@v3.0.1/decode.go"},
		{"the standard library", "/usr/local/go/src/net/http/server.go", nil, "net/http/server.go"},
		{"already relative", "internal/biz/greeter.go", []string{project}, "internal/biz/greeter.go"},
		{"below the first base that holds it", filepath.Join(project, "internal/biz/greeter.go"), []string{"/elsewhere", project}, "internal/biz/greeter.go"},
		{"outside every base", "/opt/app/main.go", []string{project}, "/opt/app/main.go"},
		{"no bases: the working directory", filepath.Join(wd, "testdata/x.go"), nil, "testdata/x.go"},
		{"empty bases are skipped", filepath.Join(project, "main.go"), []string{"", project}, "main.go"},
	} {
		if got := ShortPath(tt.path, tt.bases...); got != tt.want {
			t.Errorf("%s: ShortPath(%q, %q) = %q, want %q", tt.name, tt.path, tt.bases, got, tt.want)
		}
	}
}

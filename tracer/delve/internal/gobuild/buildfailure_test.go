package gobuild

import "testing"

// TestCommandEchoes: the -x echoes of go build are told from go's
// messages, which a failed package's output keeps.
func TestCommandEchoes(t *testing.T) {
	for out, echo := range map[string]bool{
		"WORK=/tmp/go-build123\n":                                                   true,
		"mkdir -p $WORK/b001/\n":                                                    true,
		"cat >/tmp/go-build/b001/importcfg << 'EOF' # internal\n":                   true,
		"GOROOT='/usr/local/go' /usr/local/go/pkg/tool/linux_amd64/link -o a.out\n": true,
		"/usr/local/go/pkg/tool/linux_amd64/compile -o $WORK/b001/_pkg_.a\n":        true,
		"go tool buildid -w $WORK/b007/_pkg_.a # internal\n":                        true,
		"main.go:3:8: module lookup disabled by GOPROXY=off\n":                      false,
		"go: example.com/gone@v1.0.0: reading https://proxy/x.zip: 403 Forbidden\n": false,
		"\tgo get example.com/chat/cmd/server\n":                                    false,
		"verifying github.com/x/y@v1.0.0: checksum mismatch\n":                      false,
	} {
		if got := isCommandEcho(out); got != echo {
			t.Errorf("isCommandEcho(%q) = %v, want %v", out, got, echo)
		}
	}
}

// TestModuleCauseFromAProxy: the lines a module proxy's refusal leaves (as
// goproxy's 403 for a version it does not serve) become one sentence with
// the module, the version, the status and the server's words.
func TestModuleCauseFromAProxy(t *testing.T) {
	out := "go: downloading github.com/go-kratos/kratos/contrib/registry/consul/v2 v2.0.0-20230101\n" +
		"main.go:5:2: github.com/go-kratos/kratos/contrib/registry/consul/v2@v2.0.0-20230101: reading https://goproxy.io/github.com/go-kratos/kratos/contrib/registry/consul/v2/@v/v2.0.0-20230101.zip: 403 Forbidden\n" +
		"\tserver response: This module version is not available.\n"
	p, ok := moduleCause(out, nil, t.TempDir())
	want := "module github.com/go-kratos/kratos/contrib/registry/consul/v2 v2.0.0-20230101 cannot be downloaded: reading https://goproxy.io/github.com/go-kratos/kratos/contrib/registry/consul/v2/@v/v2.0.0-20230101.zip: 403 Forbidden (the server says: This module version is not available.)"
	if !ok || p.msg != want {
		t.Errorf("moduleCause = %q, %v\nwant %q", p.msg, ok, want)
	}
	if _, ok := moduleCause("./main.go:4:2: undefined: notDefined\n", nil, t.TempDir()); ok {
		t.Error("a compile error is taken for a module problem")
	}
}

// TestDropDownloadLines: go's download chatter goes, and so does a message
// each failed package repeats; continuation lines stay with their message.
func TestDropDownloadLines(t *testing.T) {
	out := "go: downloading example.com/gone v1.0.0\n" +
		"a.go:3:8: module lookup disabled by GOPROXY=off\n" +
		"a.go:3:8: module lookup disabled by GOPROXY=off\n" +
		"b.go:4:2: missing go.sum entry; to add:\n\tgo mod download x\n" +
		"c.go:4:2: missing go.sum entry; to add:\n\tgo mod download x\n"
	want := "a.go:3:8: module lookup disabled by GOPROXY=off\n" +
		"b.go:4:2: missing go.sum entry; to add:\n\tgo mod download x\n" +
		"c.go:4:2: missing go.sum entry; to add:\n\tgo mod download x\n"
	if got := dropDownloadLines(out); got != want {
		t.Errorf("dropDownloadLines =\n%s\nwant\n%s", got, want)
	}
}

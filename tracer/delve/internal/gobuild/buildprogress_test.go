package gobuild

import (
	"fmt"
	"strings"
	"testing"
)

// goBuildJSON is what `go build -json -x` prints, cut down: the echo of a
// compile per package, a failure with its header and message, the link.
func goBuildJSON(lines ...[2]string) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, `{"ImportPath":%q,"Action":"build-output","Output":%q}`+"\n", l[0], l[1])
	}
	return b.String()
}

func TestBuildFollowerCountsAndFails(t *testing.T) {
	f := newBuildFollower()
	f.setTotal(4)
	out := goBuildJSON(
		[2]string{"", "WORK=/tmp/go-build1\n"},
		[2]string{"errors", "mkdir -p $WORK/b004/\n"},
		[2]string{"errors", "cat >/tmp/go-build1/b004/importcfg << 'EOF' # internal\n# import config\nEOF\n"},
		[2]string{"errors", "/usr/local/go/pkg/tool/linux_amd64/compile -o $WORK/b004/_pkg_.a -p errors -N -l ./errors.go\n"},
		[2]string{"fmt", "/usr/local/go/pkg/tool/linux_amd64/compile -o $WORK/b003/_pkg_.a -p fmt ./print.go\n"},
		// Echoed again (cgo, asm): still one package.
		[2]string{"fmt", "/usr/local/go/pkg/tool/linux_amd64/compile -o $WORK/b003/_x.a -p fmt ./x.go\n"},
	)
	// Written in pieces that cut lines, as a pipe does.
	for i := 0; i < len(out); i += 7 {
		f.Write([]byte(out[i:min(i+7, len(out))]))
	}
	if p := f.progress(); p.Compiled != 2 || p.Total != 4 || p.Linking || p.Text() != "compiling 2/4 packages" {
		t.Errorf("progress %+v %q", p, p.Text())
	}
	f.Write([]byte(goBuildJSON(
		[2]string{"example.com/app", "/usr/local/go/pkg/tool/linux_amd64/compile -o $WORK/b001/_pkg_.a -p main ./main.go\n"},
		[2]string{"example.com/app", "# example.com/app\n"},
		[2]string{"example.com/app", "./main.go:4:2: undefined: notDefined\n"},
	)))
	f.Write([]byte(`{"ImportPath":"example.com/app","Action":"build-fail"}` + "\n"))
	f.Write([]byte("go: a message of the go command itself\n"))
	got := trimCompilerOutput(f.failureText())
	if got != "./main.go:4:2: undefined: notDefined\ngo: a message of the go command itself" {
		t.Errorf("failure text %q", got)
	}
}

func TestBuildFollowerLinks(t *testing.T) {
	f := newBuildFollower()
	f.setTotal(388)
	f.Write([]byte(goBuildJSON([2]string{"example.com/app", "GOROOT='/usr/local/go' /usr/local/go/pkg/tool/linux_amd64/link -o $WORK/b001/exe/a.out -importcfg $WORK/b001/importcfg.link\n"})))
	if p := f.progress(); !p.Linking || p.Text() != "linking (all 388 packages from the go build cache)" {
		t.Errorf("progress %+v %q", p, p.Text())
	}
	f.compiled["example.com/app"] = true
	if p := f.progress(); p.Text() != "linking (1 package compiled, 387 from the go build cache)" {
		t.Errorf("progress %q", p.Text())
	}
}

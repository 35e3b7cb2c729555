// Command gen records the built-in tour: it traces ./demo of this
// repository under the embedded Delve, with the demo's own config (so the
// ports 8000 and 9000 of 127.0.0.1 must be free) and an etcd of its own on
// 127.0.0.1:2379 when the etcd binary is there, through the headless
// printer, and writes the recording with the traits of this machine made
// neutral: the repository's paths relative to its root, the module cache
// as ~/go/pkg/mod and the host name as devbox.
//
//	go generate ./cmd/kratos-trace/internal/tour
//
// It needs what a live trace needs: Go, Linux or macOS, and ptrace.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

func main() {
	out := flag.String("o", "demo.jsonl", "the recording to write")
	repo := flag.String("repo", "../../../..", "the root of the kratos-trace repository")
	var requests requestList
	flag.Var(&requests, "request", "a request to send at app.running, as for run --request (repeatable)")
	flag.Parse()
	if err := record(*repo, *out, requests); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

// requestList is a repeatable -request flag.
type requestList []tracer.RequestSpec

func (l *requestList) String() string { return fmt.Sprint(*l) }

func (l *requestList) Set(s string) error {
	spec, err := request.Parse(s, nil)
	if err != nil {
		return err
	}
	*l = append(*l, spec)
	return nil
}

func record(repo, out string, requests []tracer.RequestSpec) error {
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	root, err := filepath.Abs(repo)
	if err != nil {
		return err
	}
	// The target is named as a user in the repository names it.
	if err := os.Chdir(root); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()

	neutralEnv()
	stopEtcd, err := startEtcd()
	if err != nil {
		return err
	}
	defer stopEtcd()

	src, err := delve.Start(ctx, delve.Config{Target: "./demo"})
	if err != nil {
		var ue *tracer.UserError
		if errors.As(err, &ue) {
			return fmt.Errorf("%s (%s)", ue.Msg, ue.Hint)
		}
		return err
	}
	var buf bytes.Buffer
	rec := replay.Record(src, &buf, replay.RecordOptions{Target: "./demo"})
	res, err := headless.Run(ctx, rec, headless.Options{Out: io.Discard, Log: os.Stderr, StopTimeout: 10 * time.Second, Requests: requests})
	if cerr := rec.Close(); err == nil && cerr != nil && !errors.Is(cerr, tracer.ErrEnded) {
		err = cerr
	}
	if err != nil {
		return err
	}
	if res.Err != nil {
		return fmt.Errorf("the demo failed: %s", res.Err.Error)
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("the demo exited with status %d", res.ExitCode)
	}
	replies := 0
	for _, ev := range res.Phases {
		if ev.Phase != tracer.PhaseRequestReply || ev.Request == nil || ev.Request.Reply == nil {
			continue
		}
		replies++
		if r := ev.Request.Reply; !r.OK {
			// On a loaded machine the demo's 1s server timeout can run out
			// while the program sits at the stops; a tour must show a
			// request that worked.
			return fmt.Errorf("request %s failed: %s; run it again", ev.Request.Label(), request.StatusLine(r))
		}
	}
	if replies != len(requests) {
		return fmt.Errorf("%d requests sent, %d replies recorded", len(requests), replies)
	}

	data := neutral(buf.Bytes(), root)
	if _, err := replay.Parse(out, data); err != nil {
		return fmt.Errorf("the recording does not read back: %w", err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %s (%d events, %d bytes)\n", out, len(res.Phases), len(data))
	return nil
}

// neutral rewrites what the recording says about this machine: the
// repository's absolute paths, the module cache and the host name, which
// the demo logs as its service.id and holds as its App's id. It also drops the build's progress
// (status events): a tour builds nothing.
func neutral(data []byte, root string) []byte {
	var kept []string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if !strings.Contains(line, `"kind":"status"`) {
			kept = append(kept, line)
		}
	}
	s := strings.Join(kept, "")
	s = strings.ReplaceAll(s, root+string(filepath.Separator), "")
	s = strings.ReplaceAll(s, `"`+root+`"`, `"."`)
	if modcache := goEnv("GOMODCACHE"); modcache != "" {
		s = strings.ReplaceAll(s, modcache+string(filepath.Separator), "~/go/pkg/mod/")
	}
	if host, err := os.Hostname(); err == nil && host != "" {
		s = strings.ReplaceAll(s, "service.id="+host, "service.id=devbox")
		// The instance the demo registers has the host name as its id.
		s = strings.ReplaceAll(s, `"id":"`+host+`"`, `"id":"devbox"`)
		s = strings.ReplaceAll(s, "/kratos-trace-demo/"+host, "/kratos-trace-demo/devbox")
		// The App's id among the variables of a stop, a quoted Go string
		// inside a JSON string.
		s = strings.ReplaceAll(s, `\"`+host+`\"`, `\"devbox\"`)
	}
	return []byte(s)
}

// neutralEnv clears the KRATOS_ variables of this machine, which the demo's
// env source would record, and sets KRATOS_GRPC_TIMEOUT to the value
// config.yaml's ${GRPC_TIMEOUT:1s} defaults to: the gRPC timeout stays 1s,
// and the tour shows a value that comes from an environment variable
// beside values from a file, from a later file and from a default.
func neutralEnv() {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "KRATOS_") {
			os.Unsetenv(name)
		}
	}
	os.Setenv("KRATOS_GRPC_TIMEOUT", "1s")
}

func goEnv(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

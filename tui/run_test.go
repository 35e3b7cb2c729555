package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// lockedBuffer is an io.Writer safe to read while the program writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func runInBackground(t *testing.T, ctx context.Context, start func(context.Context) (tracer.Source, error)) (<-chan error, *io.PipeWriter) {
	t.Helper()
	in, keys := io.Pipe()
	t.Cleanup(func() { keys.Close() })
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Target: "./demo", Start: start, Input: in, Output: &lockedBuffer{}, NoAnimation: true})
	}()
	return done, keys
}

func waitRun(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// startOnce returns a Start function handing out src, and a channel closed
// once the TUI has called it.
func startOnce(src tracer.Source) (func(context.Context) (tracer.Source, error), <-chan struct{}) {
	called := make(chan struct{})
	var once sync.Once
	return func(context.Context) (tracer.Source, error) {
		once.Do(func() { close(called) })
		return src, nil
	}, called
}

func waitStarted(t *testing.T, started <-chan struct{}) {
	t.Helper()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("Start was never called")
	}
}

func TestRunClosesSourceWhenContextIsCancelled(t *testing.T) {
	fake := tracertest.NewFake(tracertest.DemoEvents())
	ctx, cancel := context.WithCancel(context.Background())
	start, started := startOnce(fake)
	done, _ := runInBackground(t, ctx, start)
	waitStarted(t, started)
	cancel()
	if err := waitRun(t, done); !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	if !slices.Contains(fake.CommandLog(), "close") {
		t.Errorf("the source was not closed: %v", fake.CommandLog())
	}
}

func TestRunQuitsOnQ(t *testing.T) {
	fake := tracertest.NewFake(tracertest.DemoEvents())
	start, started := startOnce(fake)
	done, keys := runInBackground(t, context.Background(), start)
	waitStarted(t, started)
	if _, err := keys.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := waitRun(t, done); err != nil {
		t.Errorf("Run returned %v, want nil", err)
	}
	if !slices.Contains(fake.CommandLog(), "close") {
		t.Errorf("the source was not closed: %v", fake.CommandLog())
	}
}

// panickySource panics when the TUI asks for its events, to check that a
// crash of the TUI still closes the trace.
type panickySource struct {
	*tracertest.Fake
}

func (panickySource) Events() <-chan tracer.Event { panic("boom") }

func TestRunClosesSourceWhenTheTUIPanics(t *testing.T) {
	// Bubble Tea prints the panic and its stack to stderr; keep the test
	// output clean.
	stderr := os.Stderr
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = null
		t.Cleanup(func() { os.Stderr = stderr; null.Close() })
	}
	fake := tracertest.NewFake(tracertest.DemoEvents())
	done, _ := runInBackground(t, context.Background(), func(context.Context) (tracer.Source, error) {
		return panickySource{fake}, nil
	})
	err := waitRun(t, done)
	if err == nil {
		t.Error("Run returned nil after a panic")
	}
	if !slices.Contains(fake.CommandLog(), "close") {
		t.Errorf("the source was not closed: %v", fake.CommandLog())
	}
}

func TestRunReportsStartErrorOnScreen(t *testing.T) {
	m := NewModel(Options{Target: "./demo", Start: func(context.Context) (tracer.Source, error) {
		return nil, errors.New("build ./demo: exit status 1")
	}, NoAnimation: true})
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	msg := m.run.startCmd(m.trace.gen)()
	m = update(t, m, msg)
	s := screen(t, m, 100, 30)
	if !bytes.Contains([]byte(s), []byte("✗ start the trace: build ./demo: exit status 1")) {
		t.Errorf("the error is not shown:\n%s", s)
	}
}

package delve

import (
	"sync"
	"time"
)

// runClock counts the time the program has run since launch, leaving out the
// time it sat paused at a stop (a person reading the panes, kratos-trace
// reading values). Phase times built on it measure the program, not the
// reader.
type runClock struct {
	mu      sync.Mutex
	ran     time.Duration
	running time.Time // when the current run began; zero while paused
}

// resume marks the program running from now.
func (c *runClock) resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running.IsZero() {
		c.running = time.Now()
	}
}

// pause marks the program paused from now.
func (c *runClock) pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running.IsZero() {
		c.ran += time.Since(c.running)
		c.running = time.Time{}
	}
}

// elapsed is the program's running time so far.
func (c *runClock) elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running.IsZero() {
		return c.ran
	}
	return c.ran + time.Since(c.running)
}

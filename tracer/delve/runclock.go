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
	// pausedAt is when the current pause began; zero while running.
	pausedAt time.Time
}

// resume marks the program running from now, and returns how long it sat
// paused (0 when it was running, or this is its first run).
func (c *runClock) resume() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var paused time.Duration
	if c.running.IsZero() {
		c.running = time.Now()
		if !c.pausedAt.IsZero() {
			paused = c.running.Sub(c.pausedAt)
		}
		c.pausedAt = time.Time{}
	}
	return paused
}

// pause marks the program paused from now.
func (c *runClock) pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running.IsZero() {
		c.ran += time.Since(c.running)
		c.running = time.Time{}
		c.pausedAt = time.Now()
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

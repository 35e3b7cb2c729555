package delve

import (
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// stopClock times the way from the program halting at a breakpoint to the
// event for that stop being handed to the consumer, values read: the wait a
// person feels at every stop. With KRATOS_TRACE_DEBUG set each stop logs a
// "stop-latency" line, which bench/ reads to report the median and p95.
type stopClock struct {
	halted time.Time
}

// halt marks the moment the program stopped, or the moment a hit that
// stopped together with an earlier one was taken up.
func (c *stopClock) halt() { c.halted = time.Now() }

// delivered logs how long ev took since the halt.
func (c *stopClock) delivered(ev tracer.Event) {
	if c.halted.IsZero() {
		return
	}
	debugf("stop-latency %s %s %dus", ev.Kind, ev.Label(), time.Since(c.halted).Microseconds())
}

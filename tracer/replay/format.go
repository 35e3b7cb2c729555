// Package replay records a trace to a file and plays it back.
//
// # The record format
//
// A recording is JSON lines (UTF-8, one JSON object per line, '\n' after
// each). The first line is a Header; every other line is one tracer.Event
// exactly as the event's JSON tags write it, so that
// `tail -n +2 rec.jsonl` is the same stream `run --headless --json` prints,
// plus the status, session and (unredacted by --json, redacted here) source
// snippets:
//
//	{"format":"kratos-trace-record","version":1,"kratos_trace_version":"v0.1.0","target":"./demo",...}
//	{"seq":1,"kind":"status","status":"building ./demo ...",...}
//	{"seq":2,"kind":"session","session":{...},...}
//	{"seq":4,"kind":"stop","phase":"flag.parse","source":{"first":1174,"lines":[...]},...}
//
// Every event is written, in one write, before the consumer sees it, so a
// recording of a run that was killed is a valid prefix: at worst its last
// line is cut short, and Read drops that line and says so. A reader refuses
// a recording whose header version is newer than FormatVersion; within a
// version, fields may be added (readers ignore unknown ones) but never
// renamed or given a new meaning.
package replay

import (
	"fmt"
	"time"
)

// FormatName is the Header.Format of every recording.
const FormatName = "kratos-trace-record"

// FormatVersion is the version of the record format this package writes,
// and the newest it reads.
const FormatVersion = 1

// Header is the first line of a recording: what was traced, by what, when
// and where.
type Header struct {
	// Format is always FormatName; it tells a recording from other JSON lines.
	Format string `json:"format"`
	// Version is the record format's version (FormatVersion when written).
	Version int `json:"version"`
	// KratosTrace is the version of kratos-trace that wrote the recording.
	KratosTrace string `json:"kratos_trace_version"`
	// Target is the traced package as the user named it, e.g. "./demo".
	Target string `json:"target"`
	// KratosVersion and GoVersion are those the traced program was built
	// with, as the trace's session reported them.
	KratosVersion string `json:"kratos_version,omitempty"`
	GoVersion     string `json:"go_version,omitempty"`
	// Started is when the recording began.
	Started time.Time `json:"started"`
	// OS and Arch are where the program ran (GOOS and GOARCH).
	OS   string `json:"os"`
	Arch string `json:"arch"`
	// Redacted is true unless the recording was made with --no-redact.
	Redacted bool `json:"redacted"`
	// HashKey is the ID of the key the masked values' hashes were made
	// with (redact.HashKey.ID); empty when they have none. Two recordings'
	// hashes compare only under one key.
	HashKey string `json:"hash_key,omitempty"`
}

// LineError is a line of a recording that cannot be read. Its message is
// "FILE:LINE: reason", the form editors and terminals link to the line.
type LineError struct {
	File   string
	Line   int
	Reason string
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}

// VersionError is a recording in a format newer than this kratos-trace reads.
type VersionError struct {
	File string
	// Version is the recording's format version; Written is the
	// kratos-trace version that wrote it, when the header says.
	Version int
	Written string
}

func (e *VersionError) Error() string {
	by := "a newer kratos-trace"
	if e.Written != "" {
		by = "kratos-trace " + e.Written
	}
	return fmt.Sprintf("%s was recorded by %s in record format version %d, and this kratos-trace (%s) reads versions up to %d: upgrade kratos-trace to replay it",
		e.File, by, e.Version, Version(), FormatVersion)
}

package delve

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// chunk is one call of readOutputLines' emit.
type chunk struct {
	text      string
	continued bool
}

// readAll runs readOutputLines over input and returns the chunks and the
// lines they join into.
func readAll(t *testing.T, r io.Reader, max int) ([]chunk, []string) {
	t.Helper()
	var chunks []chunk
	var lines []string
	var cur strings.Builder
	err := readOutputLines(r, max, func(text string, continued bool) {
		chunks = append(chunks, chunk{text, continued})
		cur.WriteString(text)
		if !continued {
			lines = append(lines, cur.String())
			cur.Reset()
		}
	})
	if err != nil {
		t.Fatalf("readOutputLines: %v", err)
	}
	if cur.Len() > 0 {
		t.Fatalf("the last chunk was marked continued: %q left over", cur.String())
	}
	return chunks, lines
}

func TestReadOutputLines(t *testing.T) {
	long := strings.Repeat("0123456789", 3<<20/10) // 3 MiB, no newline inside
	wide := strings.Repeat("日本語テキスト", 40)          // 3-byte characters
	tests := []struct {
		name  string
		input string
		max   int
		want  []string
	}{
		{"short lines", "a\nbb\n\nccc\n", 16, []string{"a", "bb", "", "ccc"}},
		{"crlf", "a\r\nb\r\n", 16, []string{"a", "b"}},
		{"no final newline", "a\nlast", 16, []string{"a", "last"}},
		{"exactly the chunk size", strings.Repeat("x", 16) + "\n", 16, []string{strings.Repeat("x", 16)}},
		{"one over the chunk size", strings.Repeat("x", 17) + "\n", 16, []string{strings.Repeat("x", 17)}},
		{"3 MiB line then lines", long + "\nafter\n", maxOutputChunk, []string{long, "after"}},
		{"3 MiB line at the end", "before\n" + long, maxOutputChunk, []string{"before", long}},
		{"multi-byte characters across cuts", wide + "\n", 16, []string{wide}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time as well as all at once: a pipe hands over
			// whatever the program wrote so far.
			for _, r := range []io.Reader{strings.NewReader(tt.input), iotest.OneByteReader(strings.NewReader(tt.input))} {
				chunks, lines := readAll(t, r, tt.max)
				if len(lines) != len(tt.want) {
					t.Fatalf("%d lines, want %d", len(lines), len(tt.want))
				}
				for i := range lines {
					if lines[i] != tt.want[i] {
						t.Errorf("line %d: %d bytes, want %d", i, len(lines[i]), len(tt.want[i]))
					}
				}
				for i, c := range chunks {
					if len(c.text) > tt.max {
						t.Errorf("chunk %d has %d bytes, more than %d", i, len(c.text), tt.max)
					}
					if !utf8.ValidString(c.text) {
						t.Errorf("chunk %d splits a character: %q", i, c.text)
					}
				}
			}
		})
	}
}

// TestReadOutputLinesKeepsReading: whatever a line's length, the reader
// drains its input to the end (the old reader stopped at 1 MiB and the
// program died of SIGPIPE).
func TestReadOutputLinesKeepsReading(t *testing.T) {
	var in bytes.Buffer
	in.WriteString(strings.Repeat("y", 5<<20))
	in.WriteString("\n")
	for range 1000 {
		in.WriteString("line\n")
	}
	total := in.Len()
	r := &countingReader{r: &in}
	_, lines := readAll(t, r, maxOutputChunk)
	if r.n != total {
		t.Errorf("read %d of %d bytes", r.n, total)
	}
	if len(lines) != 1001 {
		t.Errorf("%d lines, want 1001", len(lines))
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

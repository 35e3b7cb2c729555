package delve

import (
	"bufio"
	"errors"
	"io"
	"unicode/utf8"
)

// maxOutputChunk bounds the text of one output event. A longer line arrives
// as several events, each but the last marked Continued, so that no line,
// however long, makes the reader stop reading: a reader that stops leaves
// the program writing into a closed pipe, which kills it with SIGPIPE.
const maxOutputChunk = 64 << 10

// readOutputLines reads r to its end and hands every line to emit, without
// its "\n" (or "\r\n"), in chunks of at most max bytes: continued is true
// when more of the same line follows in the next call. Chunks are cut
// between UTF-8 characters where the text is UTF-8, so that no character is
// split across two events. A last line without a newline is handed over at
// the end. Every byte r delivers is handed to emit.
func readOutputLines(r io.Reader, max int, emit func(text string, continued bool)) error {
	br := bufio.NewReaderSize(r, max)
	var pending []byte
	for {
		part, err := br.ReadSlice('\n')
		pending = append(pending, part...)
		switch {
		case err == nil:
			line := pending[:len(pending)-1]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			for len(line) > max {
				k := chunkEnd(line, max)
				emit(string(line[:k]), true)
				line = line[k:]
			}
			emit(string(line), false)
			pending = pending[:0]
		case errors.Is(err, bufio.ErrBufferFull):
			for len(pending) >= max {
				k := chunkEnd(pending, max)
				emit(string(pending[:k]), true)
				pending = append(pending[:0], pending[k:]...)
			}
		default:
			if len(pending) > 0 {
				emit(string(pending), false)
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// chunkEnd is where to cut b to at most max bytes: after the last whole
// UTF-8 character that fits, so that none is split across two events (in
// text that is not UTF-8 there, at max).
func chunkEnd(b []byte, max int) int {
	n := min(len(b), max)
	for k := n - 1; k >= 0 && k > n-1-utf8.UTFMax; k-- {
		if !utf8.RuneStart(b[k]) {
			continue
		}
		if utf8.FullRune(b[k:n]) || k == 0 {
			return n
		}
		return k
	}
	return n
}

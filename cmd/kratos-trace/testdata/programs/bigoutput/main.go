// Command bigoutput writes a line of 3 MiB and then 50 000 short lines, to
// show that a trace loses none of a program's output however it is cut.
// The same bytes are computed by the test that runs it.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	// Three-byte characters, so that a cut in the middle of one would show.
	unit := "0123456789abcdef日本語"
	long := strings.Repeat(unit, 3<<20/len(unit))
	fmt.Fprintln(w, long)
	for i := range 50000 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "write:", err)
		os.Exit(1)
	}
}

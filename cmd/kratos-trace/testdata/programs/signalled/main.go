// Command signalled is killed by a signal of its own: SIGTERM, which it
// does not handle, so the Go runtime lets it end the process.
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

func main() {
	fmt.Println("about to be killed by SIGTERM")
	_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	time.Sleep(10 * time.Second)
	fmt.Println("still alive")
}

//go:build !linux

package delve

import (
	"context"
	"runtime"

	"github.com/go-delve/delve/service/rpc2"
)

// errAttachLinuxOnly is the answer of attach where it is not built: it
// reads /proc to find and check the process, and Delve's native backend to
// attach.
var errAttachLinuxOnly = &UserError{Msg: "kratos-trace attach works on Linux only, not on " + runtime.GOOS, Hint: "start the program under Delve there (dlv attach PID --headless --listen :2345 --api-version 2 --accept-multiclient) and trace it with kratos-trace connect"}

type attachHelper struct{}

func (*attachHelper) tell(string, ...any) {}
func (*attachHelper) close()              {}
func (*attachHelper) socket() string      { return "" }

func inspectAttachTarget(int) (*attachTarget, error) { return nil, errAttachLinuxOnly }

func startAttachHelper(context.Context, *attachTarget) (*attachHelper, error) {
	return nil, errAttachLinuxOnly
}

func checkAttachPtrace(string, bool) error      { return nil }
func continueStopped(int)                       {}
func drainHaltSignal(*rpc2.RPCClient, int)      {}
func FindProcesses(string) ([]Candidate, error) { return nil, errAttachLinuxOnly }

// RunAttachHelperIfAsked does nothing where attach is not built.
func RunAttachHelperIfAsked() {}

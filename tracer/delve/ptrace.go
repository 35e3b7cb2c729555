package delve

import (
	"os"
	"runtime"
	"strings"
)

// ptraceScopeFile is Yama's switch for who may ptrace whom on Linux.
const ptraceScopeFile = "/proc/sys/kernel/yama/ptrace_scope"

// ptraceHint says how to allow a debugger to trace its own child.
const ptraceHint = "allow ptrace: `sudo sysctl kernel.yama.ptrace_scope=1` (or 0), or run as root; in a container add --cap-add=SYS_PTRACE --security-opt seccomp=unconfined"

// checkPtrace refuses early, before a long build, when Yama forbids the
// debugger from tracing the program. scope is the content of
// ptraceScopeFile ("" when there is none) and root whether we run as root.
func checkPtrace(scope string, root bool) error {
	switch strings.TrimSpace(scope) {
	case "3":
		return &UserError{Msg: "ptrace is not permitted on this machine (kernel.yama.ptrace_scope is 3, which no one can change until reboot)", Hint: "reboot with a lower kernel.yama.ptrace_scope, or use `kratos-trace replay` on a recording made elsewhere"}
	case "2":
		if !root {
			return &UserError{Msg: "ptrace is not permitted for this user (kernel.yama.ptrace_scope is 2: only root may trace)", Hint: ptraceHint}
		}
	}
	return nil
}

// preflightPtrace runs checkPtrace on this machine.
func preflightPtrace() error {
	if runtime.GOOS != "linux" {
		return nil
	}
	b, err := os.ReadFile(ptraceScopeFile)
	if err != nil {
		return nil // No Yama: plain ptrace rules apply, a parent may trace its child.
	}
	return checkPtrace(string(b), os.Geteuid() == 0)
}

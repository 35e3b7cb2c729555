//go:build linux

package delve

import (
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// inspectAttachTarget checks that pid is a process kratos-trace can attach
// to, and says in one sentence why not: no such process, this process
// itself, not a Go program, a stripped binary, or one traced already.
func inspectAttachTarget(pid int) (*attachTarget, error) {
	if pid <= 0 {
		return nil, &UserError{Msg: fmt.Sprintf("%d is not a process id", pid), Hint: "give the pid of a running Go program, e.g. from `pgrep -l server`"}
	}
	if pid == os.Getpid() {
		return nil, &UserError{Msg: fmt.Sprintf("pid %d is kratos-trace itself", pid), Hint: "give the pid of the Kratos service to attach to"}
	}
	st, err := readProcStatus(pid)
	if err != nil {
		return nil, err
	}
	t := &attachTarget{pid: pid, comm: st.name}
	if st.state == "Z" {
		return nil, &UserError{Msg: fmt.Sprintf("pid %d (%s) has exited (it is a zombie)", pid, st.name), Hint: "give the pid of a running program"}
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil, &UserError{Msg: fmt.Sprintf("may not read pid %d's executable (%s): permission denied", pid, st.name), Hint: "attach as the user the program runs as, or as root", Err: err}
		}
		return nil, &UserError{Msg: fmt.Sprintf("cannot read pid %d's executable (%s): %v", pid, st.name, err), Hint: "a kernel thread or a process that is exiting cannot be attached to", Err: err}
	}
	t.exe = strings.TrimSuffix(exe, " (deleted)")
	if st.tracerPid != 0 {
		return nil, &UserError{
			Msg:  fmt.Sprintf("pid %d (%s) is already traced by pid %d (%s)", pid, st.name, st.tracerPid, procName(st.tracerPid)),
			Hint: "a process has one debugger at a time: detach the other one (quit dlv, GoLand or VS Code's debug session) and attach again",
		}
	}
	// Read through /proc/PID/exe: the path may have been replaced or
	// removed since the program started.
	path := fmt.Sprintf("/proc/%d/exe", pid)
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, &UserError{
			Msg:  fmt.Sprintf("pid %d (%s, %s) is not a Go program, or one too old to carry build info: kratos-trace attaches to Go programs only", pid, st.name, t.exe),
			Hint: "give the pid of the Kratos service; `pgrep -l NAME` lists processes by name",
			Err:  err,
		}
	}
	t.info = info
	if stripped, err := isStripped(path); err == nil && stripped {
		return nil, &UserError{
			Msg:  fmt.Sprintf("pid %d (%s) runs a stripped binary (built with -ldflags=\"-s -w\"): it has no debug information to read the App from", pid, t.exe),
			Hint: "rebuild it with " + buildLine + " and start it again",
		}
	}
	for _, dep := range info.Deps {
		if dep.Path == KratosModule {
			t.kratos = dep
			if dep.Replace != nil {
				t.kratos = dep.Replace
			}
		}
	}
	t.optimized = true
	for _, s := range info.Settings {
		if s.Key == "-gcflags" && strings.Contains(s.Value, "-N") && strings.Contains(s.Value, "-l") {
			t.optimized = false
		}
	}
	return t, nil
}

// isStripped reports whether the ELF file at path lacks DWARF (go build
// -ldflags=-w, or strip).
func isStripped(path string) (bool, error) {
	f, err := elf.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	return f.Section(".debug_info") == nil && f.Section(".zdebug_info") == nil, nil
}

// serviceName reads the string main.Name from the memory of pid, whose
// executable is at path: the service name kratos-layout builds in with
// -ldflags "-X main.Name=…". It is read through /proc/PID/mem, without
// stopping the program; "" when the program has none or it cannot be read
// (a position-independent executable, which this does not relocate).
func serviceName(pid int, path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC {
		return ""
	}
	syms, err := f.Symbols()
	if err != nil {
		return ""
	}
	for _, sym := range syms {
		if sym.Name == "main.Name" && sym.Size == 16 {
			return readGoString(pid, sym.Value)
		}
	}
	return ""
}

// readGoString reads the string whose header is at addr in pid's memory.
func readGoString(pid int, addr uint64) string {
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		return ""
	}
	defer mem.Close()
	var hdr [16]byte
	if _, err := mem.ReadAt(hdr[:], int64(addr)); err != nil {
		return ""
	}
	ptr, n := binary.LittleEndian.Uint64(hdr[:8]), binary.LittleEndian.Uint64(hdr[8:])
	if ptr == 0 || n == 0 || n > 256 {
		return ""
	}
	buf := make([]byte, n)
	if _, err := mem.ReadAt(buf, int64(ptr)); err != nil {
		return ""
	}
	return string(buf)
}

// procStatus is what /proc/PID/status says that matters here.
type procStatus struct {
	name      string
	state     string // R, S, T, t, Z…
	tracerPid int
}

// readProcStatus reads /proc/PID/status; a process that does not exist is
// a UserError.
func readProcStatus(pid int) (procStatus, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return procStatus{}, &UserError{Msg: fmt.Sprintf("no process with pid %d", pid), Hint: "the program may have exited; `pgrep -l NAME` lists running processes", Err: err}
		}
		return procStatus{}, &UserError{Msg: fmt.Sprintf("cannot read the status of pid %d: %v", pid, err), Err: err}
	}
	return parseProcStatus(string(b)), nil
}

// parseProcStatus reads the Name, State and TracerPid lines of a
// /proc/PID/status text.
func parseProcStatus(text string) procStatus {
	var st procStatus
	for _, line := range strings.Split(text, "\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch key {
		case "Name":
			st.name = value
		case "State":
			st.state, _, _ = strings.Cut(value, " ")
		case "TracerPid":
			_, _ = fmt.Sscan(value, &st.tracerPid)
		}
	}
	return st
}

// procName is the name of pid, or "?" when it cannot be read.
func procName(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// FindProcesses lists the Go programs whose executable's base name, process
// name or Kratos service name (the string main.Name, which kratos-layout
// passes to kratos.Name) is name. kratos-trace itself is left out.
func FindProcesses(name string) ([]Candidate, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	self := os.Getpid()
	var out []Candidate
	goExe := map[string]bool{}
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil || pid == self || fmt.Sprint(pid) != e.Name() {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil {
			continue
		}
		exe = strings.TrimSuffix(exe, " (deleted)")
		path := fmt.Sprintf("/proc/%d/exe", pid)
		isGo, seen := goExe[exe]
		if !seen {
			_, err := buildinfo.ReadFile(path)
			isGo = err == nil
			goExe[exe] = isGo
		}
		if !isGo {
			continue
		}
		c := Candidate{Pid: pid, Exe: exe, Service: serviceName(pid, path)}
		if filepath.Base(exe) == name || procName(pid) == name || c.Service == name {
			out = append(out, c)
		}
	}
	return out, nil
}

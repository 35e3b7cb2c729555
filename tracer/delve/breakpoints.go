package delve

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Delve allows one breakpoint at an address, and a place can mean several
// things at once: the line after the last provider's call is also the
// injector's return (wire.done), and a breakpoint of the user's own can sit
// where a phase already stops (--break main.newApp is also the provider
// main.newApp). bpTable remembers every meaning of each Delve breakpoint
// beyond the first, which s.plan holds.
type bpTable struct {
	// byAddr maps each address a breakpoint of this session covers to its
	// Delve ID.
	byAddr map[uint64]int
	// extra are the further plan entries of a breakpoint, in the order
	// they were armed.
	extra map[int][]planEntry
	// user are the user's breakpoints by Delve ID; one Delve breakpoint can
	// serve several of them (main.newApp and cmd/server/main.go:37).
	user map[int][]*userBreak
	// own holds the Delve IDs created for the user's breakpoints alone,
	// which are cleared when the last user of them goes.
	own map[int]bool
	// named counts the names given to a remote session's user breakpoints.
	named int
}

// userBreak is one breakpoint of the user's own.
type userBreak struct {
	bp  tracer.Breakpoint
	ids []int
}

func newBPTable() bpTable {
	return bpTable{byAddr: map[uint64]int{}, extra: map[int][]planEntry{}, user: map[int][]*userBreak{}, own: map[int]bool{}}
}

// record notes the addresses a new breakpoint covers.
func (t *bpTable) record(id int, addrs []uint64) {
	for _, a := range addrs {
		t.byAddr[a] = id
	}
}

// idsAt returns the IDs of the breakpoints already at addrs, and the
// addresses no breakpoint covers yet.
func (t *bpTable) idsAt(addrs []uint64) (ids []int, free []uint64) {
	seen := map[int]bool{}
	for _, a := range addrs {
		id, ok := t.byAddr[a]
		switch {
		case !ok:
			free = append(free, a)
		case !seen[id]:
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, free
}

// meanings lists what a hit on Delve breakpoint id means: the plan's
// entries, then a break entry for each user breakpoint there.
func (s *Session) meanings(id int) []planEntry {
	var out []planEntry
	if e, ok := s.plan[id]; ok {
		out = append(out, e)
	}
	out = append(out, s.bps.extra[id]...)
	s.insp.mu.Lock()
	defer s.insp.mu.Unlock()
	for _, ub := range s.bps.user[id] {
		out = append(out, planEntry{PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseBreak, Detail: ub.bp.Loc, Function: ub.bp.Function, File: ub.bp.File, Line: ub.bp.Line}})
	}
	return out
}

// armShared gives entry e, whose breakpoint Delve refused because one
// exists at its place, to the breakpoint that is there, and completes it as
// arm does. It reports whether it found one.
func (s *Session) armShared(e *planEntry) bool {
	spec := e.Function
	if spec == "" {
		spec = fmt.Sprintf("%s:%d", s.sources.paths.toRemote(e.File), e.Line)
	}
	locs, _, err := s.client.FindLocation(api.EvalScope{GoroutineID: -1}, spec, true, nil)
	if err != nil || len(locs) == 0 {
		return false
	}
	ids, _ := s.bps.idsAt(locs[0].PCs)
	if len(ids) == 0 {
		return false
	}
	e.File, e.Line = locs[0].File, locs[0].Line
	if e.Function == "" {
		e.Function = e.inFunc
	}
	s.bps.extra[ids[0]] = append(s.bps.extra[ids[0]], *e)
	return true
}

// armUserBreaks sets the breakpoints the user gave before the program runs
// (--break). A location that resolves nowhere ends the trace before the
// program starts, with one sentence saying so.
func (s *Session) armUserBreaks(locs []string) error {
	for _, loc := range locs {
		if _, err := s.addUserBreak(loc); err != nil {
			if s.cfg.BreaksWhereFound {
				// One service of a system: the location may be another's.
				s.status("--break %s: not in this program, no break here (%v)", loc, oneLine(err))
				continue
			}
			return err
		}
	}
	return nil
}

// oneLine is the first line of err's text.
func oneLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}

// addUserBreak resolves loc and sets a breakpoint there, or joins the one
// already there. The caller owns Delve (the run goroutine before the
// program runs, or an inspector call while it is paused).
func (s *Session) addUserBreak(loc string) (tracer.Breakpoint, error) {
	loc = strings.TrimSpace(loc)
	s.insp.mu.Lock()
	for _, ub := range s.insp.breaks {
		if ub.bp.Loc == loc {
			s.insp.mu.Unlock()
			return ub.bp, nil
		}
	}
	s.insp.mu.Unlock()
	found, err := s.resolveLoc(loc)
	if err != nil {
		return tracer.Breakpoint{}, err
	}
	ub := &userBreak{bp: tracer.Breakpoint{Loc: loc, File: found.File, Line: found.Line}}
	if found.Function != nil {
		ub.bp.Function = found.Function.Name()
	}
	ids, free := s.bps.idsAt(found.PCs)
	if len(free) > 0 {
		req := &api.Breakpoint{Addrs: free}
		if s.remote != nil {
			// Named, so that a later session can find and clear it.
			s.bps.named++
			req.Name = fmt.Sprintf("%su%d", remoteBreakpointPrefix, s.bps.named)
		}
		got, err := s.client.CreateBreakpoint(req)
		if err != nil {
			return tracer.Breakpoint{}, &UserError{Msg: fmt.Sprintf("could not set a breakpoint at %s: %s", loc, tracer.OneLine(err.Error(), 0))}
		}
		debugf("user breakpoint %d %s at %s:%d (%d addrs)", got.ID, loc, got.File, got.Line, len(got.Addrs))
		s.bps.record(got.ID, got.Addrs)
		s.bps.own[got.ID] = true
		ids = append(ids, got.ID)
	}
	ub.ids = ids
	s.insp.mu.Lock()
	defer s.insp.mu.Unlock()
	for _, id := range ids {
		s.bps.user[id] = append(s.bps.user[id], ub)
	}
	s.insp.breaks = append(s.insp.breaks, ub)
	return ub.bp, nil
}

// removeUserBreak clears the user's breakpoint at loc; a Delve breakpoint
// that a phase or another of the user's also needs stays.
func (s *Session) removeUserBreak(loc string) error {
	loc = strings.TrimSpace(loc)
	s.insp.mu.Lock()
	var ub *userBreak
	for i, b := range s.insp.breaks {
		if b.bp.Loc == loc {
			ub = b
			s.insp.breaks = append(s.insp.breaks[:i:i], s.insp.breaks[i+1:]...)
			break
		}
	}
	var clear []int
	if ub != nil {
		for _, id := range ub.ids {
			users := s.bps.user[id]
			for i, u := range users {
				if u == ub {
					users = append(users[:i:i], users[i+1:]...)
					break
				}
			}
			s.bps.user[id] = users
			if len(users) == 0 && s.bps.own[id] {
				clear = append(clear, id)
			}
		}
	}
	s.insp.mu.Unlock()
	if ub == nil {
		return fmt.Errorf("no breakpoint of yours at %s", loc)
	}
	for _, id := range clear {
		got, err := s.client.ClearBreakpoint(id)
		if err != nil {
			return fmt.Errorf("clear the breakpoint at %s: %w", loc, err)
		}
		delete(s.bps.own, id)
		for _, a := range got.Addrs {
			delete(s.bps.byAddr, a)
		}
	}
	return nil
}

// fileLinePattern matches FILE:LINE; anything else is a function.
var fileLinePattern = regexp.MustCompile(`^(.+):(\d+)$`)

// checkLoc reports a location that cannot be one, before anything runs.
func checkLoc(loc string) error {
	loc = strings.TrimSpace(loc)
	switch {
	case loc == "":
		return &UserError{Msg: "a breakpoint needs a location", Hint: "give FILE:LINE (e.g. internal/biz/greeter.go:42) or a function (e.g. main.newApp)"}
	case strings.ContainsAny(loc, " \t"):
		return &UserError{Msg: fmt.Sprintf("%q is not a location: it holds a space", loc), Hint: "give FILE:LINE (e.g. internal/biz/greeter.go:42) or a function (e.g. main.newApp)"}
	}
	if m := fileLinePattern.FindStringSubmatch(loc); m != nil {
		if n, err := strconv.Atoi(m[2]); err != nil || n <= 0 {
			return &UserError{Msg: fmt.Sprintf("%s has no line %s", m[1], m[2]), Hint: "lines are numbered from 1"}
		}
		return nil
	}
	if strings.HasSuffix(loc, ".go") || (strings.Contains(loc, ":") && !strings.Contains(loc, "(")) {
		return &UserError{Msg: fmt.Sprintf("%s names no line", loc), Hint: "give FILE:LINE, e.g. internal/biz/greeter.go:42"}
	}
	return nil
}

// CheckBreakLocations checks the form of --break locations before anything
// is built: a location that cannot be one is said at once. Whether it
// exists in the program is known only once the program is loaded.
func CheckBreakLocations(locs []string) error {
	for _, loc := range locs {
		if err := checkLoc(loc); err != nil {
			return err
		}
	}
	return nil
}

// resolveLoc finds where loc is in the program: FILE:LINE, with FILE
// relative to the module root or absolute, or a function, with its package
// name or path. Its errors are one sentence, with a suggestion when a name
// is close.
func (s *Session) resolveLoc(loc string) (api.Location, error) {
	if err := checkLoc(loc); err != nil {
		return api.Location{}, err
	}
	if m := fileLinePattern.FindStringSubmatch(loc); m != nil {
		line, _ := strconv.Atoi(m[2])
		return s.resolveFileLine(loc, m[1], line)
	}
	return s.resolveFunction(loc)
}

// findOne asks Delve for the one place spec names.
func (s *Session) findOne(spec string) (api.Location, error) {
	locs, _, err := s.client.FindLocation(api.EvalScope{GoroutineID: -1}, spec, true, nil)
	if err != nil {
		return api.Location{}, err
	}
	if len(locs) != 1 || len(locs[0].PCs) == 0 {
		return api.Location{}, fmt.Errorf("location %q not found", spec)
	}
	return locs[0], nil
}

// resolveFileLine finds file:line. A relative file is looked for below the
// module root first, then wherever Delve finds a file ending in it.
func (s *Session) resolveFileLine(loc, file string, line int) (api.Location, error) {
	var tries []string
	if filepath.IsAbs(file) {
		tries = append(tries, s.sources.paths.toRemote(file))
	} else {
		if root := s.moduleRoot(); root != "" {
			tries = append(tries, path.Join(root, filepath.ToSlash(file)))
		}
		tries = append(tries, filepath.ToSlash(file))
	}
	var lastErr error
	for _, f := range tries {
		found, err := s.findOne(fmt.Sprintf("%s:%d", f, line))
		if err == nil {
			return found, nil
		}
		lastErr = err
		if strings.Contains(err.Error(), "could not find statement") || strings.Contains(err.Error(), "ambiguous") {
			break
		}
	}
	msg := lastErr.Error()
	switch {
	case strings.Contains(msg, "could not find statement"):
		sentence := fmt.Sprintf("no code at %s: the line holds no statement", loc)
		if next := s.nextCodeLine(tries, line); next > 0 {
			sentence += fmt.Sprintf("; the next line with code is %s:%d", file, next)
		}
		return api.Location{}, &UserError{Msg: sentence, Hint: "break on a line with a statement, or on a function"}
	case strings.Contains(msg, "ambiguous"):
		return api.Location{}, &UserError{Msg: fmt.Sprintf("%s is ambiguous: several files of the program end in %s", loc, file), Hint: "give the path relative to the module root, or an absolute one"}
	}
	sentence := fmt.Sprintf("no file %s in this program", file)
	if near := s.closestFile(file); near != "" {
		sentence += fmt.Sprintf("; did you mean %s:%d?", near, line)
	}
	return api.Location{}, &UserError{Msg: sentence, Hint: "give FILE relative to the module root (e.g. internal/biz/greeter.go) or absolute"}
}

// nextCodeLine finds the first line after line that has code, within a few.
func (s *Session) nextCodeLine(files []string, line int) int {
	if len(files) == 0 {
		return 0
	}
	for l := line + 1; l <= line+8; l++ {
		if _, err := s.findOne(fmt.Sprintf("%s:%d", files[0], l)); err == nil {
			return l
		}
	}
	return 0
}

// closestFile names the program's source file closest to file, shown as
// given (relative to the module root when file is), or "".
func (s *Session) closestFile(file string) string {
	sources, err := s.client.ListSources("")
	if err != nil {
		return ""
	}
	root := s.moduleRoot()
	want := filepath.ToSlash(file)
	var cands []string
	for _, src := range sources {
		shown := src
		if !filepath.IsAbs(file) && root != "" {
			rel, ok := strings.CutPrefix(src, root+"/")
			if !ok {
				continue
			}
			shown = rel
		}
		cands = append(cands, shown)
	}
	return closest(want, cands)
}

// resolveFunction finds a function by name.
func (s *Session) resolveFunction(loc string) (api.Location, error) {
	found, err := s.findOne(loc)
	if err == nil {
		return found, nil
	}
	msg := err.Error()
	if strings.Contains(msg, "ambiguous") {
		return api.Location{}, &UserError{Msg: fmt.Sprintf("%s is ambiguous: %s", loc, trimAmbiguous(msg)), Hint: "give the function with its package, e.g. data.NewData, or its full package path"}
	}
	sentence := "no function " + loc
	if near := s.closestFunctions(loc); near != "" {
		sentence += "; did you mean " + near + "?"
	}
	return api.Location{}, &UserError{Msg: sentence, Hint: "give the function with its package (main.newApp, biz.(*GreeterUsecase).CreateGreeter) or its full package path"}
}

// trimAmbiguous keeps the candidates of Delve's "Location ... ambiguous"
// error.
func trimAmbiguous(msg string) string {
	if i := strings.Index(msg, "ambiguous: "); i >= 0 {
		return "it matches " + strings.TrimSuffix(msg[i+len("ambiguous: "):], "…")
	}
	return msg
}

// closestFunctions names the program's function closest to loc, written
// the way loc is (with the package's name or its path), or, for a name
// without a package, the few functions whose names begin with it; "" when
// none is near.
func (s *Session) closestFunctions(loc string) string {
	fns, err := s.client.ListFunctions("", 0)
	if err != nil {
		return ""
	}
	full, bare := strings.Contains(loc, "/"), !strings.Contains(loc, ".")
	var cands, prefixed []string
	// A name without a package is compared with the functions' names and
	// suggested with its package.
	withPackage := map[string]string{}
	for _, fn := range fns {
		if strings.Contains(fn, "[") || strings.Contains(fn, ".func") {
			continue // generic instances and closures
		}
		shown := shortFunc(fn)
		if full {
			shown = fn
		}
		name := shown
		if bare {
			name = shown[strings.LastIndex(shown, ".")+1:]
			withPackage[name] = shown
			if strings.HasPrefix(name, loc) && !strings.HasPrefix(fn, "runtime.") {
				prefixed = append(prefixed, shown)
			}
		}
		cands = append(cands, name)
	}
	if near := closest(loc, cands); near != "" {
		if bare {
			return withPackage[near]
		}
		return near
	}
	sort.Strings(prefixed)
	switch n := len(prefixed); {
	case n == 0 || n > 3:
		return ""
	case n == 1:
		return prefixed[0]
	default:
		return strings.Join(prefixed[:n-1], ", ") + " or " + prefixed[n-1]
	}
}

// closest returns the candidate nearest to want by edit distance, when it
// is near enough to be a likely typo, or "".
func closest(want string, cands []string) string {
	best, bestD := "", -1
	sort.Strings(cands)
	for _, c := range cands {
		if c == want {
			continue
		}
		d := tracer.EditDistance(want, c)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(want)/4)
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// moduleRoot is the root of the program's main module as the program
// reports its paths, or "" when it is not known.
func (s *Session) moduleRoot() string {
	if s.target != nil && s.target.ModuleDir != "" {
		return filepath.ToSlash(s.sources.paths.toRemote(s.target.ModuleDir))
	}
	if s.remote != nil {
		return s.remote.moduleDir
	}
	return ""
}

package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// The targets of the issues that asked for this benchmark.
const (
	coldTarget      = 1.05 // × raw dlv debug
	warmTarget      = 0.50 // × raw dlv exec of the prebuilt binary
	firstStopTarget = 400 * time.Millisecond
	latencyTarget   = 30 * time.Millisecond
	rssTargetMB     = 150
)

// baseline is the raw dlv run kind is held against: dlv debug, which
// builds, for a cold trace; dlv exec of the prebuilt binary for a warm one.
func baseline(kind runKind) runKind {
	if kind == kindWarm {
		return kindDlvExec
	}
	return kindDlv
}

// results are all measurements of one benchmark run.
type results struct {
	machine    machine
	dlvVersion string
	rounds     int
	pkg        string
	runs       map[runKind][]measurement
	micro      []microResult
	// system and systemDlv are the system row's runs (system.go).
	system    []systemMeasurement
	systemDlv []systemMeasurement
	loadAfter string
	took      time.Duration
}

func (r *results) add(kind runKind, m measurement) {
	if r.runs == nil {
		r.runs = map[runKind][]measurement{}
	}
	r.runs[kind] = append(r.runs[kind], m)
}

// walls returns the wall times of kind.
func (r *results) walls(kind runKind) []time.Duration {
	return r.collect(kind, func(m measurement) time.Duration { return m.wall })
}

// collect returns one duration of each run of kind.
func (r *results) collect(kind runKind, f func(measurement) time.Duration) []time.Duration {
	var d []time.Duration
	for _, m := range r.runs[kind] {
		d = append(d, f(m))
	}
	return d
}

// ratio is the median wall time of kind over its raw dlv's.
func (r *results) ratio(kind runKind) float64 {
	dlv := median(r.walls(baseline(kind)))
	if dlv == 0 {
		return math.NaN()
	}
	return float64(median(r.walls(kind))) / float64(dlv)
}

// pairedRatios are each round's kind over that round's raw dlv.
func (r *results) pairedRatios(kind runKind) []float64 {
	var out []float64
	dlv := r.runs[baseline(kind)]
	for i, m := range r.runs[kind] {
		if i < len(dlv) && dlv[i].wall > 0 {
			out = append(out, float64(m.wall)/float64(dlv[i].wall))
		}
	}
	return out
}

// latencies are the per-stop latencies of every kratos-trace run.
func (r *results) latencies() []time.Duration {
	var d []time.Duration
	for _, k := range []runKind{kindCold, kindWarm} {
		for _, m := range r.runs[k] {
			d = append(d, m.latencies...)
		}
	}
	return d
}

// peakRSSKB is the largest VmHWM of kind's runs.
func (r *results) peakRSSKB(kinds ...runKind) int64 {
	return r.peak(func(m measurement) int64 { return m.hwmKB }, kinds)
}

// peakAllRSSKB is the largest summed VmHWM of every kratos-trace process
// (its own and its watchdog) of kind's runs.
func (r *results) peakAllRSSKB(kinds ...runKind) int64 {
	return r.peak(func(m measurement) int64 { return m.allHWMKB }, kinds)
}

// peak is the largest of what of kinds' runs.
func (r *results) peak(what func(measurement) int64, kinds []runKind) int64 {
	var peak int64
	for _, k := range kinds {
		for _, m := range r.runs[k] {
			peak = max(peak, what(m))
		}
	}
	return peak
}

type targetCheck struct {
	ok   bool
	text string
}

// checks evaluates each target.
func (r *results) checks() (cold, warm, firstStop, latency, rss targetCheck) {
	cr, wr := r.ratio(kindCold), r.ratio(kindWarm)
	fs := median(r.collect(kindWarm, func(m measurement) time.Duration { return m.firstStop }))
	lat := median(r.latencies())
	mb := float64(r.peakRSSKB(kindCold, kindWarm)) * 1024 / 1e6
	return targetCheck{cr <= coldTarget, fmt.Sprintf("≤ %.2f× dlv debug", coldTarget)},
		targetCheck{wr <= warmTarget, fmt.Sprintf("≤ %.2f× dlv exec", warmTarget)},
		targetCheck{fs > 0 && fs <= firstStopTarget, fmt.Sprintf("≤ %.1f s", firstStopTarget.Seconds())},
		targetCheck{lat > 0 && lat < latencyTarget, fmt.Sprintf("median < %d ms", latencyTarget.Milliseconds())},
		targetCheck{mb > 0 && mb < rssTargetMB, fmt.Sprintf("< %d MB", rssTargetMB)}
}

func (r *results) targetsMet() bool {
	a, b, c, d, e := r.checks()
	f, g, _, _ := r.systemChecks()
	return a.ok && b.ok && c.ok && d.ok && e.ok && f.ok && g.ok
}

func (c targetCheck) mark() string {
	if c.ok {
		return "met"
	}
	return "**missed**"
}

// markdown is the Speed section of docs/BENCHMARKS.md.
func (r *results) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	coldC, warmC, firstC, latC, rssC := r.checks()
	m := r.machine

	w("## Speed\n\n")
	w("<!-- Written by bench/run; edit bench/speed/report.go instead. -->\n\n")
	w("How long a whole headless trace of the demo takes next to doing the same by\n")
	w("hand in Delve, and how quickly each stop arrives. `bench/run` measures it all\n")
	w("in one run on one machine and rewrites this section:\n\n")
	w("```sh\nbench/run              # -rounds 5 by default; bench/run -h for the flags\n```\n\n")
	w("- **raw dlv**: `dlv debug --init script` and `dlv exec --init script` (Delve\n")
	w("  %s, installed with `go install` at go.mod's version) with a breakpoint on\n", r.dlvVersion)
	w("  every resolved phase location of `kratos-trace phases`, `stack %d` and the\n", stackDepth)
	w("  values kratos-trace reads printed at each hit with `on` (the config `Scan`\n")
	w("  decodes, the App's servers, the server being started or stopped, `args`,\n")
	w("  `locals` and the two watches below), `continue` to the end and `exit`;\n")
	w("  SIGTERM is sent when it stops at app.running. `dlv exec` runs the\n")
	w("  prebuilt debug binary, the very file a warm trace takes from the cache.\n")
	w("- **cold**: `kratos-trace run --headless --json --watch %s` with an empty\n", strings.Join(benchWatches, " --watch "))
	w("  build cache, held against `dlv debug`, which builds too; **warm**: the\n")
	w("  same with the debug build cached, held against `dlv exec`, which builds\n")
	w("  nothing. It sends SIGTERM at app.running, as headless does without\n")
	w("  `--hold`.\n")
	w("- Those that build, build `%s` with `-gcflags=all=-N -l` into a\n", r.pkg)
	w("  fresh path and link it. The go command's compile cache is warm for them,\n")
	w("  as after any earlier build of the program: untimed builds come first, one\n")
	w("  as dlv builds (it sets `CGO_CFLAGS=-O0 -g`, which changes every package\n")
	w("  above `net`). kratos-trace links with `-compressdwarf=false`, which Delve\n")
	w("  then need not inflate.\n")
	w("- Each round runs the four in a rotated order; times are wall clock from\n")
	w("  start to exit, and the tables give medians over the rounds.\n\n")
	w("Machine: %d cores (%s), %.0f GiB RAM, %s, %s.\n", m.cores, m.cpu, m.memGiB, m.os, m.goVersion)
	w("Load average %s before and %s after: the machine is shared with other\n", m.loadBefore, r.loadAfter)
	w("builds, so single runs vary; compare the ratios. %d rounds; the run took %s.\n\n", r.rounds, r.took.Round(time.Second))

	w("| run | median | min – max | ÷ raw dlv (per round) | target | |\n|---|---|---|---|---|---|\n")
	row := func(name string, kind runKind, c *targetCheck) {
		d := r.walls(kind)
		ratio, target, mark := "1.00", "", ""
		if kind != kindDlv && kind != kindDlvExec {
			ratio = fmt.Sprintf("**%.2f** (%s)", r.ratio(kind), ratioRange(r.pairedRatios(kind)))
			target, mark = c.text, c.mark()
		}
		w("| %s | %s | %s – %s | %s | %s | %s |\n", name, seconds(median(d)), seconds(slices.Min(d)), seconds(slices.Max(d)), ratio, target, mark)
	}
	row("raw `dlv debug --init`", kindDlv, nil)
	row("raw `dlv exec --init` of the prebuilt binary", kindDlvExec, nil)
	row("kratos-trace, cold (empty cache)", kindCold, &coldC)
	row("kratos-trace, warm (cached build)", kindWarm, &warmC)
	w("\n")
	fs := median(r.collect(kindWarm, func(m measurement) time.Duration { return m.firstStop }))
	w("| first stop | median | target | |\n|---|---|---|---|\n")
	w("| kratos-trace warm, start → the first stop (flag.Parse) on stdout | %s | %s | %s |\n", seconds(fs), firstC.text, firstC.mark())
	w("| raw `dlv exec`, start → its first stop, for comparison | %s | | |\n\n",
		seconds(median(r.collect(kindDlvExec, func(m measurement) time.Duration { return m.firstStop }))))

	lat := r.latencies()
	w("| per stop and memory | value | target | |\n|---|---|---|---|\n")
	w("| stop latency, halt → event with its values: median / p95 / max (%d stops) | %s / %s / %s | %s | %s |\n",
		len(lat), millis(median(lat)), millis(percentile(lat, 95)), millis(slices.Max(append(lat, 0))), latC.text, latC.mark())
	w("| peak RSS of kratos-trace (VmHWM of its process), largest over all runs | %s | %s | %s |\n", formatKB(r.peakRSSKB(kindCold, kindWarm)), rssC.text, rssC.mark())
	w("| peak RSS of kratos-trace's processes (its own and the watchdog, summed), largest over all runs | %s | | |\n", formatKB(r.peakAllRSSKB(kindCold, kindWarm)))
	w("| peak RSS of raw dlv, for comparison | %s | | |\n\n", formatKB(r.peakRSSKB(kindDlv, kindDlvExec)))

	w("%s", r.systemMarkdown())
	w("Where the time goes (medians):\n\n")
	w("| | dlv debug | dlv exec | cold | warm |\n|---|---|---|---|---|\n")
	for _, step := range []struct {
		name  string
		noDlv bool // dlv does not report this step
		f     func(measurement) time.Duration
	}{
		{"start → debug binary ready (target resolved and build keyed, by the warm index or the go command, then linked or taken from the cache)", true,
			func(m measurement) time.Duration { return m.binaryReady }},
		{"start → program launched under Delve (kratos-trace: breakpoints set; dlv: prompt up, before its script sets them)", false,
			func(m measurement) time.Duration { return m.launched }},
		{"start → first stop (flag.Parse)", false,
			func(m measurement) time.Duration { return m.firstStop }},
	} {
		dlv, dlvExec := "–", "–"
		if !step.noDlv {
			dlv = seconds(median(r.collect(kindDlv, step.f)))
			dlvExec = seconds(median(r.collect(kindDlvExec, step.f)))
		}
		w("| %s | %s | %s | %s | %s |\n", step.name, dlv, dlvExec, seconds(median(r.collect(kindCold, step.f))), seconds(median(r.collect(kindWarm, step.f))))
	}
	w("| stops reported | %d | %d | %d | %d |\n\n", medianInt(r, kindDlv), medianInt(r, kindDlvExec), medianInt(r, kindCold), medianInt(r, kindWarm))

	if more := medianInt(r, kindDlv) - medianInt(r, kindWarm); more > 0 {
		w("Raw dlv stops %d more times: its breakpoints also hit where kratos-trace\n", more)
		w("passes without stopping (a phase the program skips, such as app.register\n")
		w("without a registrar) and, at the wire.done line, in the injector's cleanup\n")
		w("closure, which kratos-trace's breakpoint filters out.\n\n")
	}
	w("The stop latency is timed inside kratos-trace (the `stop-latency` lines of\n")
	w("`KRATOS_TRACE_DEBUG=1`): from Delve's Continue returning to the event handed\n")
	w("to the printer, with the stack, the source and the values read: at every\n")
	w("stop the arguments and locals of the stopped function (one level deep) and\n")
	w("the two watches; the Bootstrap once, at config.scan, and the servers where\n")
	w("they can have changed: at wire.done and after buildInstance.")
	if slow := r.slowestStops(3); slow != "" {
		w("\nThe slowest stops are the ones that read values (median): %s.", slow)
	}
	w("\n\nPeak RSS is the VmHWM of kratos-trace's own process, sampled every 10 ms;\n")
	w("the go command, the linker and the traced program are other processes.\n\n")
	if len(r.micro) > 0 {
		ops := map[string]time.Duration{}
		for _, mr := range r.micro {
			ops[mr.name] = mr.op
		}
		w("The cache on its own (Go benchmarks in `tracer/delve/internal/gobuild`).\n")
		w("An unchanged tree is recognised by the warm index's stamps alone; a\n")
		w("first run, or a run after an edit, computes the key beside the build\n")
		w("rather than before it.")
		if key, link := ops["BenchmarkBuildKey"], ops["BenchmarkDebugRelink"]; key > 0 && link > 0 {
			w("\nThe key costs %.0f%% of the link it saves.", 100*float64(key)/float64(link))
		}
		w("\n\n")
		w("| benchmark | what | time/op |\n|---|---|---|\n")
		what := map[string]string{
			"BenchmarkWarmLookup":  "an unchanged tree recognised: the target and the build looked up in the warm index (stats, no go command)",
			"BenchmarkBuildKey":    "the key the slow way: `go env` + `go list -deps` + hashing the module's files",
			"BenchmarkDebugRelink": "a debug build with every package compiled: the link the cache saves",
			"BenchmarkCacheHit":    "a warm hit: the warm index, a hard link out of the cache, a build-info check",
		}
		for _, mr := range r.micro {
			w("| `%s` | %s | %s |\n", mr.name, what[mr.name], millis(mr.op))
		}
		w("\n")
	}
	return b.String()
}

// slowestStops names the n stops with the highest median latency.
func (r *results) slowestStops(n int) string {
	by := map[string][]time.Duration{}
	for _, k := range []runKind{kindCold, kindWarm} {
		for _, m := range r.runs[k] {
			for i, d := range m.latencies {
				name := stopName(m.phaseLatency[i])
				by[name] = append(by[name], d)
			}
		}
	}
	type stop struct {
		name string
		d    time.Duration
	}
	var list []stop
	for name, ds := range by {
		list = append(list, stop{name, median(ds)})
	}
	slices.SortFunc(list, func(a, b stop) int { return int(b.d - a.d) })
	var parts []string
	for i := 0; i < n && i < len(list); i++ {
		parts = append(parts, fmt.Sprintf("%s %s", list[i].name, millis(list[i].d)))
	}
	return strings.Join(parts, ", ")
}

// stopName drops the kind and the address from a latency line's label:
// "stop server.start grpc 127.0.0.1:9000" → "server.start grpc".
func stopName(label string) string {
	f := strings.Fields(label)
	if len(f) > 1 {
		f = f[1:]
	}
	if n := len(f); n > 1 && strings.Contains(f[n-1], ":") {
		f = f[:n-1]
	}
	return strings.Join(f, " ")
}

func medianInt(r *results, kind runKind) int {
	var d []time.Duration
	for _, m := range r.runs[kind] {
		d = append(d, time.Duration(m.stops))
	}
	return int(median(d))
}

// median of d, 0 for none.
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile is the nearest-rank p-th percentile of d, 0 for none.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[max(rank, 1)-1]
}

func ratioRange(r []float64) string {
	if len(r) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f – %.2f", slices.Min(r), slices.Max(r))
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func millis(d time.Duration) string {
	if d >= 10*time.Millisecond {
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f ms", float64(d)/1e6)
}

// writeSpeedSection replaces the "## Speed" section of the markdown file at
// path with section (which starts with that heading), or appends it. The
// other sections are left as they are.
func writeSpeedSection(path, section string) error {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	updated := replaceSection(string(b), "## Speed", section)
	return os.WriteFile(path, []byte(updated), 0o644)
}

// replaceSection replaces the section of doc that starts with the line
// heading and ends before the next heading of the same level.
func replaceSection(doc, heading, section string) string {
	section = strings.TrimRight(section, "\n") + "\n"
	start := -1
	if strings.HasPrefix(doc, heading+"\n") {
		start = 0
	} else if i := strings.Index(doc, "\n"+heading+"\n"); i >= 0 {
		start = i + 1
	}
	if start < 0 {
		if doc != "" {
			doc = strings.TrimRight(doc, "\n") + "\n\n"
		}
		return doc + section
	}
	end := len(doc)
	if i := strings.Index(doc[start+len(heading):], "\n## "); i >= 0 {
		end = start + len(heading) + i + 1
		section += "\n"
	}
	return doc[:start] + section + doc[end:]
}

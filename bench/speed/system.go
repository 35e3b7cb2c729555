package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The system row: a warm `kratos-trace run --system --headless` of the demo
// system (etcd, the greeter, the gateway that calls it through discovery)
// to both services' app.running, through a request to the gateway
// (`gateway: GET /gateway/bench`) and the shutdown, held against two raw
// `dlv exec --init` sessions doing the same: etcd started and waited for,
// the greeter's dlv, the gateway's once the greeter is at app.running, the
// same request sent once the gateway is there, SIGTERM to the gateway and
// then to the greeter, both exits waited for, etcd stopped. Its ports are
// free ones, so that it runs beside another demo.

// systemSetup is what the system row's runs share.
type systemSetup struct {
	file                string // the system file
	etcdPort, etcdPeer  int
	gatewayHTTP         int
	cache               string // the warm build cache of both services
	services            [2]systemService
	requestPath         string
	kratosTraceRequest  string
	etcdDataDir         string
	etcdCommandTemplate func(dataDir string) []string
}

// systemService is one service of the system for its raw dlv session.
type systemService struct {
	name    string
	pkgDir  string
	confDir string
	bin     string // its debug build, for dlv exec
	script  string // its dlv init script
	running location
}

// systemMeasurement is one system run.
type systemMeasurement struct {
	wall time.Duration
	// hwmKB is the peak RSS of kratos-trace's processes (its own and each
	// service's Delve server), summed; dlv's summed over both sessions.
	hwmKB int64
}

// setUpSystem writes the configs and the system file, builds both services
// for dlv and their init scripts, and warms the system's build cache with
// one untimed run.
func (b *bench) setUpSystem(ctx context.Context) (*systemSetup, error) {
	ports := make([]int, 5)
	for i := range ports {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		ports[i] = p
	}
	ss := &systemSetup{etcdPort: ports[0], etcdPeer: ports[1], gatewayHTTP: ports[2], requestPath: "/gateway/bench",
		cache: filepath.Join(b.work, "cache-system")}
	etcdAddr := fmt.Sprintf("127.0.0.1:%d", ss.etcdPort)
	greeterConf := demoConfigYAML(ports[3], ports[4]) + fmt.Sprintf(`registry:
  etcd:
    endpoints: [%s]
    dial_timeout: 1s
`, etcdAddr)
	gatewayConf := fmt.Sprintf(`server:
  http:
    addr: 127.0.0.1:%d
    timeout: 2s
registry:
  etcd:
    endpoints: [%s]
    dial_timeout: 1s
`, ss.gatewayHTTP, etcdAddr)
	demo := filepath.Join(b.repo, "demo")
	for i, svc := range []struct{ name, pkg, conf string }{
		{"greeter", filepath.Join(demo, "cmd", "server"), greeterConf},
		{"gateway", filepath.Join(demo, "gateway", "cmd", "server"), gatewayConf},
	} {
		// A directory of its own: kratos reads every file of a config
		// directory, and the debug build and init script sit beside it.
		dir := filepath.Join(b.work, "system-"+svc.name, "conf")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(svc.conf), 0o644); err != nil {
			return nil, err
		}
		ss.services[i] = systemService{name: svc.name, pkgDir: svc.pkg, confDir: dir}
	}
	ss.etcdDataDir = filepath.Join(b.work, "system-etcd")
	etcdArgs := func(dataDir string) []string {
		return []string{"etcd", "--name", "bench", "--data-dir", dataDir,
			"--listen-client-urls", "http://" + etcdAddr, "--advertise-client-urls", "http://" + etcdAddr,
			"--listen-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", ss.etcdPeer),
			"--initial-advertise-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", ss.etcdPeer),
			"--initial-cluster", fmt.Sprintf("bench=http://127.0.0.1:%d", ss.etcdPeer), "--log-level", "error"}
	}
	ss.etcdCommandTemplate = etcdArgs
	var file strings.Builder
	file.WriteString("services:\n")
	for i, svc := range ss.services {
		fmt.Fprintf(&file, "  - name: %s\n    package: %s\n    args: [\"-conf\", %q]\n", svc.name, svc.pkgDir, svc.confDir)
		if i > 0 {
			fmt.Fprintf(&file, "    after: [%s]\n", ss.services[i-1].name)
		}
	}
	file.WriteString("processes:\n  - name: etcd\n    command: [")
	for i, a := range etcdArgs("{tmp}/etcd") {
		if i > 0 {
			file.WriteString(", ")
		}
		fmt.Fprintf(&file, "%q", a)
	}
	fmt.Fprintf(&file, "]\n    ready: tcp %s\n", etcdAddr)
	ss.file = filepath.Join(b.work, "kratos-trace.yaml")
	if err := os.WriteFile(ss.file, []byte(file.String()), 0o644); err != nil {
		return nil, err
	}
	ss.kratosTraceRequest = "gateway: GET " + ss.requestPath

	for i := range ss.services {
		svc := &ss.services[i]
		svc.bin = filepath.Join(b.work, "system-"+svc.name, "debug")
		if _, err := goOutput(ctx, svc.pkgDir, nil, "build", "-gcflags=all=-N -l", "-o", svc.bin, "."); err != nil {
			return nil, fmt.Errorf("build %s: %w", svc.name, err)
		}
		out, err := commandOutput(ctx, svc.pkgDir, []string{"KRATOS_TRACE_CACHE_DIR=" + ss.cache}, b.kt, "phases", "--json", ".")
		if err != nil {
			return nil, fmt.Errorf("kratos-trace phases of %s: %w", svc.name, err)
		}
		plan, err := parsePlan(out)
		if err != nil {
			return nil, err
		}
		script, running, err := dlvInitScript(plan)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", svc.name, err)
		}
		svc.running = running
		svc.script = filepath.Join(b.work, "system-"+svc.name, "init.dlv")
		if err := os.WriteFile(svc.script, []byte(script), 0o644); err != nil {
			return nil, err
		}
	}
	b.logf("warming the system's build cache with one untimed run")
	if _, err := b.runSystemKratosTrace(ctx, ss, "system-warmup"); err != nil {
		return nil, err
	}
	return ss, nil
}

// runSystemKratosTrace runs the system headless with the warm cache and the
// request, to its end.
func (b *bench) runSystemKratosTrace(ctx context.Context, ss *systemSetup, name string) (systemMeasurement, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.kt, "run", "--headless", "--json", "--system", ss.file, "--request", ss.kratosTraceRequest)
	cmd.Dir = b.work
	cmd.Env = append(os.Environ(), "KRATOS_TRACE_CACHE_DIR="+ss.cache)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	var logBuf strings.Builder
	replied := false
	// Each service's Delve server is a process of its own, kratos-trace's
	// binary started again: the peak RSS is that of all of them.
	stopSampling := make(chan struct{})
	peak := sampleExeHWM(b.kt, stopSampling)
	res, err := runCommand(cmd, func(at time.Duration, stream, line string) {
		logBuf.WriteString(line + "\n")
		if stream == "stdout" && strings.Contains(line, `"request.reply"`) && strings.Contains(line, `"code":200,`) {
			replied = true
		}
	})
	close(stopSampling)
	_ = os.WriteFile(filepath.Join(b.work, name+".log"), []byte(logBuf.String()), 0o644)
	if err != nil {
		return systemMeasurement{}, err
	}
	if res.exitErr != nil || !replied {
		return systemMeasurement{}, fmt.Errorf("kratos-trace's system run failed (%v, reply 200: %v); the end of its output:\n%s", res.exitErr, replied, tail(logBuf.String(), 15))
	}
	return systemMeasurement{wall: res.wall, hwmKB: max(res.hwmKB, peak())}, nil
}

// sampleExeHWM sums the peak resident sets (VmHWM) of every process that
// runs the executable exe, polled every 10 ms until stop is closed; the
// returned function gives the sum once sampling has stopped.
func sampleExeHWM(exe string, stop <-chan struct{}) func() int64 {
	peaks := map[int]int64{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			for _, pid := range allPids() {
				if !runsExe(pid, exe) {
					continue
				}
				// A child that kratos-trace starts (the go command, the
				// program under a Delve server) shares its parent's memory
				// between clone and exec, with the exe and VmHWM of the
				// parent: such a one has a single thread, as no Go process
				// of kratos-trace has once it holds any memory.
				status := fmt.Sprintf("/proc/%d/status", pid)
				if readStatusKB(status, "Threads:") <= 1 {
					continue
				}
				if kb := readStatusKB(status, "VmHWM:"); kb > peaks[pid] {
					peaks[pid] = kb
				}
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		<-done
		var sum int64
		for _, kb := range peaks {
			sum += kb
		}
		return sum
	}
}

// runSystemDlv does what the system run does with etcd and two raw dlv
// exec sessions.
func (b *bench) runSystemDlv(ctx context.Context, ss *systemSetup, name string) (systemMeasurement, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.runTimeout)
	defer cancel()
	start := time.Now()
	dataDir, err := os.MkdirTemp(b.work, "etcd-")
	if err != nil {
		return systemMeasurement{}, err
	}
	defer os.RemoveAll(dataDir)
	args := ss.etcdCommandTemplate(dataDir)
	etcd := exec.Command(args[0], args[1:]...)
	if err := etcd.Start(); err != nil {
		return systemMeasurement{}, fmt.Errorf("start etcd: %w", err)
	}
	defer func() {
		_ = etcd.Process.Signal(syscall.SIGTERM)
		_ = etcd.Wait()
	}()
	if err := waitTCP(ctx, fmt.Sprintf("127.0.0.1:%d", ss.etcdPort)); err != nil {
		return systemMeasurement{}, fmt.Errorf("etcd: %w", err)
	}
	type session struct {
		cmd     *exec.Cmd
		running chan struct{}
		done    chan error
		log     strings.Builder
		hwm     int64
	}
	var mu sync.Mutex
	startDlv := func(svc systemService) *session {
		s := &session{running: make(chan struct{}), done: make(chan error, 1)}
		s.cmd = exec.CommandContext(ctx, b.dlv, "exec", "--allow-non-terminal-interactive=true", "--init", svc.script, svc.bin, "--", "-conf", svc.confDir)
		s.cmd.Dir = svc.pkgDir
		hit := fmt.Sprintf("%s:%d (hits", filepath.Base(svc.running.file), svc.running.line)
		once := sync.Once{}
		exited := false
		go func() {
			res, err := runCommand(s.cmd, func(at time.Duration, stream, line string) {
				mu.Lock()
				s.log.WriteString(line + "\n")
				mu.Unlock()
				if strings.HasPrefix(line, "> [Breakpoint") && strings.Contains(line, hit) {
					once.Do(func() { close(s.running) })
				}
				if strings.Contains(line, "has exited with status 0") {
					exited = true
				}
			})
			s.hwm = res.hwmKB
			if err == nil && !exited {
				err = errors.New("the program did not exit with status 0 under dlv")
			}
			s.done <- err
		}()
		return s
	}
	defer killByExe(ss.services[0].bin)
	defer killByExe(ss.services[1].bin)
	fail := func(what string, s *session) (systemMeasurement, error) {
		mu.Lock()
		defer mu.Unlock()
		out := ""
		if s != nil {
			out = tail(s.log.String(), 15)
		}
		_ = os.WriteFile(filepath.Join(b.work, name+".log"), []byte(out), 0o644)
		return systemMeasurement{}, fmt.Errorf("%s; the end of its output:\n%s", what, out)
	}
	wait := func(s *session, ch chan struct{}, what string) error {
		select {
		case <-ch:
			return nil
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("%s: dlv ended first (%v)", what, err)
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		}
	}
	greeter := startDlv(ss.services[0])
	if err := wait(greeter, greeter.running, "the greeter's app.running"); err != nil {
		return fail(err.Error(), greeter)
	}
	gateway := startDlv(ss.services[1])
	if err := wait(gateway, gateway.running, "the gateway's app.running"); err != nil {
		return fail(err.Error(), gateway)
	}
	if err := getOK(ctx, fmt.Sprintf("http://127.0.0.1:%d%s", ss.gatewayHTTP, ss.requestPath)); err != nil {
		return fail("the request to the gateway: "+err.Error(), gateway)
	}
	for _, s := range []struct {
		sess *session
		svc  systemService
	}{{gateway, ss.services[1]}, {greeter, ss.services[0]}} {
		pid := findByExe(s.sess.cmd.Process.Pid, s.svc.bin)
		if pid <= 0 {
			return fail("the "+s.svc.name+" under dlv was not found to send SIGTERM", s.sess)
		}
		_ = syscall.Kill(pid, syscall.SIGTERM)
		if err := <-s.sess.done; err != nil {
			return fail(s.svc.name+": "+err.Error(), s.sess)
		}
	}
	_ = etcd.Process.Signal(syscall.SIGTERM)
	_ = etcd.Wait()
	return systemMeasurement{wall: time.Since(start), hwmKB: greeter.hwm + gateway.hwm}, nil
}

// waitTCP waits until addr accepts connections.
func waitTCP(ctx context.Context, addr string) error {
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s never accepted a connection", addr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// getOK sends a GET and wants 200.
func getOK(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// Targets of the system row.
const (
	systemTarget    = 0.5 // × the two raw dlv exec sessions
	systemRSSTarget = 2.0 // × kratos-trace's peak RSS tracing the demo alone
)

// systemRounds runs the system row's rounds, kratos-trace and raw dlv in
// turn, the order rotating as the single-service rounds do.
func (b *bench) systemRounds(ctx context.Context, res *results) error {
	ss, err := b.setUpSystem(ctx)
	if err != nil {
		return fmt.Errorf("the system row: %w", err)
	}
	for r := range b.opts.rounds {
		for i := range 2 {
			if (i+r)%2 == 0 {
				m, err := b.runSystemKratosTrace(ctx, ss, fmt.Sprintf("system-%d", r))
				if err != nil {
					return fmt.Errorf("round %d, system: %w", r+1, err)
				}
				b.logf("round %d/%d system        %7.2fs  peak RSS %s", r+1, b.opts.rounds, m.wall.Seconds(), formatKB(m.hwmKB))
				res.system = append(res.system, m)
			} else {
				m, err := b.runSystemDlv(ctx, ss, fmt.Sprintf("system-dlv-%d", r))
				if err != nil {
					return fmt.Errorf("round %d, system under two dlv exec: %w", r+1, err)
				}
				b.logf("round %d/%d system-dlv    %7.2fs  peak RSS %s (both)", r+1, b.opts.rounds, m.wall.Seconds(), formatKB(m.hwmKB))
				res.systemDlv = append(res.systemDlv, m)
			}
		}
	}
	return nil
}

// systemChecks evaluates the system row's targets: the median wall time
// against the two dlv sessions', and the peak RSS against a single
// service's warm trace.
func (r *results) systemChecks() (wall, rss targetCheck, ratio, rssRatio float64) {
	if len(r.system) == 0 || len(r.systemDlv) == 0 {
		return targetCheck{true, ""}, targetCheck{true, ""}, 0, 0
	}
	ratio = median(systemWalls(r.system)).Seconds() / median(systemWalls(r.systemDlv)).Seconds()
	var peak int64
	for _, m := range r.system {
		peak = max(peak, m.hwmKB)
	}
	if one := r.peakAllRSSKB(kindWarm); one > 0 {
		rssRatio = float64(peak) / float64(one)
	}
	return targetCheck{ratio <= systemTarget, fmt.Sprintf("≤ %.1f× two dlv exec", systemTarget)},
		targetCheck{rssRatio > 0 && rssRatio <= systemRSSTarget, fmt.Sprintf("≤ %.0f× one service", systemRSSTarget)},
		ratio, rssRatio
}

func systemWalls(ms []systemMeasurement) []time.Duration {
	d := make([]time.Duration, len(ms))
	for i, m := range ms {
		d[i] = m.wall
	}
	return d
}

// systemMarkdown is the system row's table, or "" when it was not run.
func (r *results) systemMarkdown() string {
	if len(r.system) == 0 || len(r.systemDlv) == 0 {
		return ""
	}
	wallC, rssC, ratio, rssRatio := r.systemChecks()
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	kt, dlv := systemWalls(r.system), systemWalls(r.systemDlv)
	var peak, dlvPeak int64
	for _, m := range r.system {
		peak = max(peak, m.hwmKB)
	}
	for _, m := range r.systemDlv {
		dlvPeak = max(dlvPeak, m.hwmKB)
	}
	w("The demo system (etcd, the greeter, the gateway calling it through\n")
	w("discovery), warm: both services to `app.running` (the gateway after the\n")
	w("greeter), one request `gateway: GET /gateway/bench` followed across both,\n")
	w("then the shutdown in reverse order and etcd stopped; raw dlv does the same\n")
	w("with two `dlv exec --init` sessions (the same phase breakpoints and prints\n")
	w("each, the request sent with an HTTP client, no breakpoints on the layers)\n")
	w("and etcd started and stopped by the benchmark.\n\n")
	w("| system | median | min – max | ÷ two raw dlv | target | |\n|---|---|---|---|---|---|\n")
	w("| two raw `dlv exec --init` sessions | %s | %s – %s | 1.00 | | |\n", seconds(median(dlv)), seconds(slices.Min(dlv)), seconds(slices.Max(dlv)))
	w("| kratos-trace `run --system --headless --request` | %s | %s – %s | **%.2f** | %s | %s |\n\n", seconds(median(kt)), seconds(slices.Min(kt)), seconds(slices.Max(kt)), ratio, wallC.text, wallC.mark())
	w("| system memory | value | target | |\n|---|---|---|---|\n")
	w("| peak RSS of kratos-trace with two services (every process of its binary: its own, the watchdog and each service's Delve server, summed), largest over all runs | %s (%.2f× one service's %s, its own process and the watchdog summed) | %s | %s |\n",
		formatKB(peak), rssRatio, formatKB(r.peakAllRSSKB(kindWarm)), rssC.text, rssC.mark())
	w("| peak RSS of the two raw dlv, summed, for comparison | %s | | |\n\n", formatKB(dlvPeak))
	return b.String()
}

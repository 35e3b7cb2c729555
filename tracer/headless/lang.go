package headless

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
)

// words are the headings and sentences of the text output in one language
// (Options.Lang). What the trace itself says (phase IDs, values, the
// program's output, the Source's reasons) is printed as it is. Strings with
// verbs are fmt formats.
type words struct {
	// phaseHead follows a phase's mark, label and title: since the previous
	// phase, and since the launch.
	phaseHead   string
	bootstrap   string
	servers     string
	skipped     string
	exitStatus  string
	noSource    string
	summary     string
	summaryCols [5]string
	skippedMark string
	exited      string
	killed      string
	leftRunning string
	// killedBy names the signal that killed the program.
	killedBy string
	// holdRunning says the program runs during the hold: the hold time,
	// then holdThenSIGTERM or holdThenLeave.
	holdRunning, holdThenSIGTERM, holdThenLeave string
	serverCols                                  [6]string
	// registry heads the registrar's kind; registryRows label the
	// instance's id, name, version, metadata and endpoints.
	registry     string
	registryRows [5]string
	// The labels of a phase's note, and what separates a label from its
	// text.
	lookAt, read, labelSep string
	// sourcesHead introduces the config sources at config.load; the
	// sources themselves are printed as they are.
	sourcesHead string
	// The words of the parts that have their own files: a stop's values
	// (values.go), a diff (diff.go), a halt or stall (goroutines.go) and
	// requests (request.go).
	values     valueWords
	diff       diffWords
	goroutines goroutineWords
	requests   requestWords
	// clients: discovery and outgoing calls (clients.go).
	clients clientWords
	// app: what the attach stop read of a running App (app.go).
	app appWords
}

// allWords are the words of every language the text output speaks, in one
// table: TestWordsAreComplete fails when a language lacks one of them.
var allWords = map[tracer.Lang]*words{
	tracer.English: {
		phaseHead:       " +%-9s at %s",
		bootstrap:       "Bootstrap (%s):",
		servers:         "Servers:",
		skipped:         "skipped: %s",
		exitStatus:      "exit status %d",
		noSource:        "(no source: %s)",
		summary:         "Summary",
		summaryCols:     [5]string{"#", "PHASE", "LOCATION", "+TIME", "ELAPSED"},
		skippedMark:     " (skipped)",
		exited:          "The program exited with status %d.",
		killed:          "The program ignored SIGTERM and was killed.",
		leftRunning:     "The trace ended at %s; the program was not signalled.",
		killedBy:        "The program was killed by %s.",
		holdRunning:     "▶ running: the program serves for %s (--hold), %s",
		holdThenSIGTERM: "then it gets SIGTERM",
		holdThenLeave:   "then the trace ends and leaves it running",
		serverCols:      [6]string{"KIND", "NETWORK", "ADDRESS", "TIMEOUT", "ENDPOINT", "STATE"},
		registry:        "Registry: %s",
		registryRows:    [5]string{"id", "name", "version", "metadata", "endpoints"},
		lookAt:          "Look at",
		read:            "Read",
		labelSep:        ": ",
		sourcesHead:     "%d config sources, in merge order: %s",
		values:          valueWords{args: "args", locals: "locals", watch: "watch", returned: "↩ %s returned after %s"},
		diff: diffWords{
			sections: map[diff.SectionID]string{
				diff.SectionPhases:    "Phases",
				diff.SectionBootstrap: "Bootstrap",
				diff.SectionServers:   "Servers",
				diff.SectionExit:      "Exit",
				diff.SectionServices:  "Services",
			},
			times:           "Times (changed by ×%g and %s or more%s)",
			same:            "No differences.",
			differ:          "%d difference(s): %s.",
			partial:         "(B is still under way or ended before the exit: what A has beyond it is not compared)",
			masked:          "masked; the hashes differ",
			moved:           "moved",
			movedFrom:       "same value; moved from %s to %s",
			movedCount:      "moved",
			timesNoise:      "; not counted, --times counts them",
			timesNotCounted: "%d time(s) changed beyond the threshold, not counted (--times counts them).",
		},
		goroutines: goroutineWords{
			halt:       "halt after %s",
			stall:      "stall after %s",
			before:     "launch",
			goroutines: "Goroutines (%d), the main one first:",
			waited:     "%s",
			stalled:    "The trace stalled: %s. The program was killed.",
		},
		requests: requestWords{
			request: "request", reply: "reply", failedAt: "failed at", args: "args", results: "returned",
			took: "took", latency: "latency", serverTime: "in the program",
			summary: "Requests", cols: [3]string{"LAYER", "TOOK", "ERROR"},
			followedFrom: "followed from %s (%s), correlated %s", followedInto: "followed into %s, correlated %s",
			notFollowed: "not followed into %s: %s", byTrace: "by trace id %s", byCall: "by the call itself (the one in flight to it)",
			followingInto: "followed into %s",
		},
		clients: clientWords{
			clients:  "Clients:",
			cols:     [5]string{"KIND", "TARGET", "REGISTRY", "TIMEOUT", "ENDPOINTS"},
			dial:     "client %s via %s, timeout %s",
			received: "received %d instance(s)",
			left:     "left the registry: %s",
			joined:   "joined the registry: %s",
			refused:  "refused: %s",
			keeps:    "the client keeps %s",
			call:     "call %s → %s",
			metadata: "metadata",
			picked:   "picked %s",
			lifted:   "the client's timeout (%s) was lifted for this call",
			failed:   "error: %s",
		},
		app: appWords{
			app:       "App:",
			rows:      [5]string{"id", "name", "version", "metadata", "endpoints"},
			instance:  "Instance (no registrar): %s",
			routes:    "Routes (%d):",
			bootstrap: "Bootstrap: %s",
			optimized: "Built with optimisations: values the compiler kept nowhere read as optimised away.",
		},
	},
	tracer.Chinese: {
		phaseHead:       " +%-9s 启动后 %s",
		bootstrap:       "Bootstrap（%s）：",
		servers:         "服务器：",
		skipped:         "已跳过：%s",
		exitStatus:      "退出码 %d",
		noSource:        "（没有源码：%s）",
		summary:         "汇总",
		summaryCols:     [5]string{"#", "阶段", "位置", "+耗时", "启动后"},
		skippedMark:     "（已跳过）",
		exited:          "程序已退出，退出码 %d。",
		killed:          "程序没有响应 SIGTERM，已被强制结束。",
		leftRunning:     "跟踪在 %s 结束；没有向程序发送信号。",
		killedBy:        "程序被信号 %s 结束。",
		holdRunning:     "▶ 运行中：程序继续服务 %s（--hold），%s",
		holdThenSIGTERM: "之后发送 SIGTERM",
		holdThenLeave:   "之后跟踪结束，程序继续运行",
		serverCols:      [6]string{"类型", "网络", "地址", "超时", "端点", "状态"},
		registry:        "注册中心：%s",
		registryRows:    [5]string{"id", "名称", "版本", "元数据", "端点"},
		lookAt:          "看哪里",
		read:            "读源码",
		labelSep:        "：",
		sourcesHead:     "%d 个配置源（按合并顺序）：%s",
		values:          valueWords{args: "参数", locals: "局部变量", watch: "监视", returned: "↩ %s 返回，耗时 %s"},
		diff: diffWords{
			sections: map[diff.SectionID]string{
				diff.SectionPhases:    "阶段",
				diff.SectionBootstrap: "Bootstrap",
				diff.SectionServers:   "服务器",
				diff.SectionExit:      "退出",
				diff.SectionServices:  "服务",
			},
			times:           "耗时（变化达到 ×%g 且 %s 以上%s）",
			same:            "没有差异。",
			differ:          "%d 处差异：%s。",
			partial:         "（B 尚未结束，或在退出前就结束了：A 在那之后的部分不做比较）",
			masked:          "已遮盖；哈希不同",
			moved:           "位置变了",
			movedFrom:       "值相同；来源从 %s 改为 %s",
			movedCount:      "来源变了",
			timesNoise:      "；不计入差异，--times 会计入",
			timesNotCounted: "%d 处耗时变化超过阈值，未计入差异（--times 会计入）。",
		},
		goroutines: goroutineWords{
			halt:       "在 %s 之后暂停",
			stall:      "在 %s 之后卡住",
			before:     "启动",
			goroutines: "goroutine（%d 个，main 在前）：",
			waited:     "已等 %s",
			stalled:    "跟踪卡住了：%s。程序已被结束。",
		},
		requests: requestWords{
			request: "请求", reply: "回复", failedAt: "失败于", args: "参数", results: "返回",
			took: "耗时", latency: "总耗时", serverTime: "程序内",
			summary: "请求", cols: [3]string{"层", "耗时", "错误"},
			followedFrom: "跟随自 %s（%s），关联方式：%s", followedInto: "跟随进入 %s，关联方式：%s",
			notFollowed: "未跟随进入 %s：%s", byTrace: "trace id %s", byCall: "调用本身（唯一发往它的在途调用）",
			followingInto: "跟随进入 %s",
		},
		clients: clientWords{
			clients:  "客户端：",
			cols:     [5]string{"类型", "目标", "注册中心", "超时", "端点"},
			dial:     "客户端 %s，经由 %s，超时 %s",
			received: "收到 %d 个实例",
			left:     "离开了注册中心：%s",
			joined:   "加入了注册中心：%s",
			refused:  "被拒绝：%s",
			keeps:    "客户端保留 %s",
			call:     "调用 %s → %s",
			metadata: "元数据",
			picked:   "选中 %s",
			lifted:   "本次调用解除了客户端超时（%s）",
			failed:   "错误：%s",
		},
		app: appWords{
			app:       "App：",
			rows:      [5]string{"id", "名称", "版本", "元数据", "端点"},
			instance:  "实例（无注册中心）：%s",
			routes:    "路由（%d 条）：",
			bootstrap: "Bootstrap：%s",
			optimized: "程序带优化编译：编译器没有保留的值显示为 optimised away。",
		},
	},
}

// wordsFor returns the words of lang, English for a language without them.
func wordsFor(lang tracer.Lang) *words {
	if w, ok := allWords[lang]; ok {
		return w
	}
	return allWords[tracer.English]
}

// printNote prints the note of ev's phase under its block, the first time
// the phase appears (a provider or a server does not repeat it).
func (p *printer) printNote(ev tracer.Event) {
	if !p.opts.Notes || ev.Kind == tracer.KindStep || p.noted[ev.Phase] {
		return
	}
	note, ok := tracer.NoteFor(ev.Phase, p.opts.Lang)
	if !ok {
		return
	}
	if p.noted == nil {
		p.noted = map[tracer.PhaseID]bool{}
	}
	p.noted[ev.Phase] = true
	wd := wordsFor(p.opts.Lang)
	w := p.opts.Out
	fmt.Fprintf(w, "  ✎ %s\n", note.Explain)
	fmt.Fprintf(w, "    %s%s%s\n", wd.lookAt, wd.labelSep, note.LookAt)
	fmt.Fprintf(w, "    %s%s%s\n", wd.read, wd.labelSep, note.Source)
}

// padCells pads s with spaces to n cells as a terminal draws them, so that
// a column after wide (CJK) characters still lines up.
func padCells(s string, n int) string {
	if w := ansi.StringWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// writeTable writes rows as columns two spaces apart, measured in cells;
// the last column is not padded. For text of narrow characters it is what
// text/tabwriter writes with padding 2.
func writeTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			if i == len(row)-1 {
				b.WriteString(cell)
				break
			}
			b.WriteString(padCells(cell, widths[i]+2))
		}
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// formatServers renders servers as a table with the column titles of wd.
func formatServers(servers []tracer.Server, wd *words) string {
	rows := [][]string{wd.serverCols[:]}
	for _, s := range servers {
		rows = append(rows, []string{s.Kind, dash(s.Network), dash(s.ShownAddress()), dash(s.Timeout), dash(s.Endpoint), string(s.State)})
	}
	var b strings.Builder
	writeTable(&b, rows)
	return b.String()
}

package tui

import (
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// text holds every string the TUI shows that is not the trace's own data
// (phase IDs, values, the program's output), in one language. The views
// take their words from here and nowhere else, so a language is one more
// value of this struct; TestTextsAreComplete checks that none is missing.
// Strings with verbs are fmt formats.
type text struct {
	paneNames [paneCount]string
	// paneShort are the names of the tabs not in front when the full
	// names do not fit the box's title.
	paneShort [paneCount]string
	groups    map[tracer.Group]string

	// The timeline's legend and the notes of its rows.
	legendStopped, legendPaused, legendNoBreak, legendSkipped, legendPending string
	rowExitCode, rowFailed                                                   string

	// What a pane says while it has nothing to show.
	emptyBootstrap, emptyServers, emptyStack, emptyOutput, emptyNotes string
	noLocation, sourceUnavailable, noSnippet                          string

	// The Servers table's column titles, in serverColumns order.
	serverColumns [6]string
	// The registry section of the Servers pane: its row labels (registry,
	// instance, metadata, endpoints) and how far registration got, by
	// registryState.
	registryLabels [4]string
	registryStates [regNone + 1]string

	// Footers and titles of the panes.
	changed, frames, lines, oneLine, scrolled, goroutine string
	// The Output pane: lines dropped to keep its bound, and the rest of a
	// line too long to keep.
	scrolledOut, outputMore string

	// The launch steps in the Source pane.
	starting, startingTarget, runningToFirst, endedBeforeFirst, retryHint, failed string

	// The trace's state in the status bar.
	steppedIn, pausedAt, runningWaiting, runningAfter, running string
	exitedCode, traceEnded, afterLaunch, kratosVersion         string
	killedBy                                                   string

	// Messages about the last key.
	ended, notPaused, unsupported, notRunningYet, breakOn, breakOff, startTrace string
	cmdContinue, cmdStepOver, cmdStepOut, cmdBreak                              string
	// Going back and forth through a trace that holds every stop (a replay).
	endedRewind, atStart, notInTrace, cmdPrevious, cmdJump string

	// The screen below the minimum size.
	tooSmall, tooSmallSize, tooSmallQuit string

	// The Notes pane.
	notesLookAt, notesSource, notesLesson string

	// The keys' help, by binding.
	keyNext, keyStep, keyStepOut, keyTerm, keyPrevious, keyJump          string
	keyUp, keyDown, keyPageUp, keyPageDown, keyTop, keyBottom, keyToggle string
	// Config provenance in the Bootstrap pane (origins.go).
	keyOrigins, noOverrides, moreOverrides                                       string
	keyBreak, keyFocusNext, keyFocusPrev, keyRestart, keyNotes, keyHelp, keyQuit string

	// Inspection (inspect.go): the Variables pane and its sections.
	emptyVariables, noVariables                                string
	sectionWatches, sectionResults, sectionArgs, sectionLocals string
	moreValues, resultsTook, frameTitle, goroutineFrame        string
	// The timeline's rows of breakpoints and halts.
	rowHits, rowHalt, rowStalled, rowCleared string
	// The Goroutines pane.
	emptyGoroutines, goroutineCount string
	goroutineColumns                [5]string
	// The prompt.
	promptTitle, promptBusy, promptHint, badFrame string
	// What the keys of inspection did, or why they could not.
	needsLive, notPausedInspect, alreadyPaused, halting, noExprHere, noWatchHere string
	watching, unwatched, breakpointSet, breakpointCleared                        string
	haltedAt, stalledAt                                                          string
	cmdEval, cmdExpand, cmdFrame, cmdWatch, cmdUnwatch                           string
	cmdBreakpoint, cmdClear, cmdHalt, cmdGoroutine                               string
	// The keys' help.
	keyPrompt, keyHalt, keyWatch, keyUnwatch, keyLineBreak, keyGoTo                               string
	keyPromptRun, keyPromptWatch, keyPromptOlder, keyPromptNewer, keyPromptResult, keyPromptClose string

	// The request picker (picker.go): its key, title, what it says while
	// it reads the routes or finds none, its keys, and what sending did.
	keyRequest, pickerTitle, pickerLoading, pickerEmpty, pickerHelp, pickerEditHelp string
	requestNotHere, cmdRequest, requestSent                                         string
	// A request's reply in Source (requests.go).
	replyLatency, replyInProgram, replyFailedAt string

	// The marks of a comparison with a baseline (baseline.go): a row's
	// few words, the status line's and the Phases pane's footer and legend.
	baselineNew, baselineOnly, baselineMoved, baselineWas, baselineSecret string
	baselineCount, baselineFull, baselineLegend                           string
}

// texts are the TUI's words in every language of tracer.Langs.
var texts = map[tracer.Lang]*text{
	tracer.English: {
		paneNames: [paneCount]string{"Phases", "Source", "Bootstrap", "Variables", "Servers", "Stack", "Goroutines", "Output", "Notes"},
		paneShort: [paneCount]string{"Phases", "Source", "Boot", "Vars", "Srv", "Stack", "Gor", "Out", "Notes"},
		groups: map[tracer.Group]string{
			tracer.GroupMain: "main", tracer.GroupConfig: "config", tracer.GroupWire: "wire",
			tracer.GroupRun: "run", tracer.GroupShutdown: "shutdown",
		},
		legendStopped: "stopped", legendPaused: "paused", legendNoBreak: "no break",
		legendSkipped: "skipped", legendPending: "pending",
		rowExitCode: "code %d", rowFailed: "failed",

		emptyBootstrap:    "The config is decoded into Bootstrap at config.scan; nothing to show before it.",
		emptyServers:      "The servers are known once wireApp has built the App (wire.done).",
		emptyStack:        "The stack of the stopped goroutine shows here at each stop.",
		emptyOutput:       "The program's own stdout and stderr show here.",
		emptyNotes:        "What each phase does, and what to look at, shows here when the trace pauses at it.",
		noLocation:        "This stop has no source location.",
		sourceUnavailable: "The source is not available: %s",
		noSnippet:         "The source is not available here and the trace carries no snippet.",

		serverColumns:  [6]string{"KIND", "NETWORK", "ADDRESS", "TIMEOUT", "ENDPOINT", "STATE"},
		registryLabels: [4]string{"REGISTRY", "INSTANCE", "METADATA", "ENDPOINTS"},
		registryStates: [regNone + 1]string{"unknown", "not registered yet", "registering", "registered", "register failed", "deregistering", "deregistered", "none"},

		changed: "%d changed", frames: "%d frames", lines: "%d lines", oneLine: "1 line",
		scrolled: "scrolled", goroutine: "goroutine %d",
		scrolledOut: "%d scrolled out", outputMore: "(… %s more)",

		starting: "starting", startingTarget: "starting %s", runningToFirst: "running to the first phase",
		endedBeforeFirst: "■ the trace ended before the first phase", retryHint: "r runs the trace again · q quits",
		failed: "failed",

		steppedIn: "▶ stepped in %s", pausedAt: "▶ paused at %s",
		runningWaiting: "● running, waiting for a signal: t sends SIGTERM",
		runningAfter:   "● running after %s", running: "● running",
		exitedCode: "■ exited with code %d", traceEnded: "■ the trace ended",
		killedBy:    "■ killed by %s",
		afterLaunch: " · %s after launch", kratosVersion: " · kratos %s",

		ended: "the trace has ended: r runs it again", notPaused: "the program is running, not paused",
		unsupported: "%s is not supported by this source", notRunningYet: "the program is not running yet",
		breakOn: "break on at %s", breakOff: "break off at %s: it passes without pausing",
		startTrace:  "start the trace: %s",
		cmdContinue: "continue", cmdStepOver: "step over", cmdStepOut: "step out", cmdBreak: "break",
		endedRewind: "the trace has ended: p goes back, r runs it again",
		atStart:     "at the first stop: there is nothing before it",
		notInTrace:  "%s: not in this trace",
		cmdPrevious: "previous", cmdJump: "jump to %s",

		tooSmall: "terminal too small", tooSmallSize: "%dx%d, kratos-trace needs at least %dx%d", tooSmallQuit: "q quits",

		notesLookAt: "Look at", notesSource: "Read", notesLesson: "Lesson",

		keyNext: "next phase", keyStep: "step over", keyStepOut: "step out", keyTerm: "SIGTERM",
		keyPrevious: "previous stop", keyJump: "jump to phase",
		keyUp: "up", keyDown: "down", keyPageUp: "page up", keyPageDown: "page down",
		keyTop: "top", keyBottom: "bottom", keyToggle: "fold",
		keyOrigins: "origins", noOverrides: "set once: it overrode nothing", moreOverrides: "… and %d more it overrode",
		keyBreak: "break on/off", keyFocusNext: "focus", keyFocusPrev: "focus back",
		keyRestart: "restart", keyNotes: "notes", keyHelp: "help", keyQuit: "quit",

		emptyVariables: "The watches, arguments and locals of the stopped frame show here at each stop; : evaluates a Go expression.",
		noVariables:    "No variables here: this stop carries none. : evaluates a Go expression.",
		sectionWatches: "Watches", sectionResults: "Results", sectionArgs: "Arguments", sectionLocals: "Locals",
		moreValues: "… %d more", resultsTook: "%s · took %s", frameTitle: "frame %d · %s", goroutineFrame: "goroutine %d · frame %d · %s",
		rowHits: "×%d", rowHalt: "halt", rowStalled: "stalled", rowCleared: "cleared",
		emptyGoroutines:  "h halts the running program and lists every goroutine here.",
		goroutineCount:   "%d goroutines",
		goroutineColumns: [5]string{"ID", "WHERE", "AT", "WAITING", "RUNTIME"},
		promptTitle:      "Evaluate",
		promptBusy:       "…",
		promptHint:       "a Go expression, or: break LOC · clear LOC · watch EXPR · unwatch EXPR · frame N",
		badFrame:         "frame %s: give the frame's number, as in Stack",
		needsLive:        "%s needs a live program: this trace cannot do it",
		notPausedInspect: "the program is running: h halts it",
		alreadyPaused:    "the program is already paused",
		halting:          "halting the program…",
		noExprHere:       "this value has no expression to watch",
		noWatchHere:      "select a watch to remove it",
		watching:         "watching %s", unwatched: "no longer watching %s",
		breakpointSet: "breakpoint at %s", breakpointCleared: "breakpoint at %s cleared",
		haltedAt: "▶ halted: %d goroutines", stalledAt: "■ stalled: %d goroutines",
		cmdEval: "evaluate", cmdExpand: "expand", cmdFrame: "frame %d", cmdWatch: "watch", cmdUnwatch: "unwatch",
		cmdBreakpoint: "breakpoint", cmdClear: "clear", cmdHalt: "halt", cmdGoroutine: "goroutine",
		keyPrompt: "evaluate", keyHalt: "halt", keyWatch: "watch", keyUnwatch: "unwatch",
		keyLineBreak: "breakpoint", keyGoTo: "go to",
		keyPromptRun: "run", keyPromptWatch: "watch it", keyPromptOlder: "older", keyPromptNewer: "newer",
		keyPromptResult: "into the value", keyPromptClose: "close",

		keyRequest:     "request",
		pickerTitle:    "Request",
		pickerLoading:  "reading the App's routes from the program…",
		pickerEmpty:    "The App serves no HTTP route and no gRPC method kratos-trace can read; type a request below.",
		pickerHelp:     "↑/↓ pick · enter edit · esc close",
		pickerEditHelp: "enter send · esc back to the list · METHOD PATH [BODY] or grpc SERVICE/METHOD JSON",
		requestNotHere: "requests are sent at app.running or at a request's reply",
		cmdRequest:     "request",
		requestSent:    "sent %s",
		replyLatency:   "latency %s", replyInProgram: " · in the program %s", replyFailedAt: "failed at %s %s: %s",

		baselineNew: "new", baselineOnly: "only in the baseline", baselineMoved: "moved", baselineWas: "was %s",
		baselineSecret: "another secret", baselineCount: "%d vs baseline", baselineFull: "vs baseline: %s",
		baselineLegend: "not as in the baseline",
	},
	tracer.Chinese: {
		paneNames: [paneCount]string{"阶段", "源码", "Bootstrap", "变量", "服务器", "调用栈", "协程", "输出", "讲解"},
		paneShort: [paneCount]string{"阶段", "源码", "Boot", "变量", "服务器", "栈", "协程", "输出", "讲解"},
		groups: map[tracer.Group]string{
			tracer.GroupMain: "main", tracer.GroupConfig: "配置", tracer.GroupWire: "wire",
			tracer.GroupRun: "运行", tracer.GroupShutdown: "关闭",
		},
		legendStopped: "停过", legendPaused: "暂停中", legendNoBreak: "不暂停",
		legendSkipped: "已跳过", legendPending: "未到达",
		rowExitCode: "退出码 %d", rowFailed: "失败",

		emptyBootstrap:    "配置在 config.scan 阶段解码进 Bootstrap；在此之前没有内容。",
		emptyServers:      "wireApp 构建好 App（wire.done）之后，这里才会列出服务器。",
		emptyStack:        "每次停下时，这里显示被停住的 goroutine 的调用栈。",
		emptyOutput:       "程序自己的标准输出和标准错误显示在这里。",
		emptyNotes:        "跟踪停在某个阶段时，这里讲解该阶段做了什么、该看哪里。",
		noLocation:        "这次停止没有源码位置。",
		sourceUnavailable: "源码不可用：%s",
		noSnippet:         "这里没有这个源码文件，跟踪记录里也没有代码片段。",

		serverColumns:  [6]string{"类型", "网络", "地址", "超时", "端点", "状态"},
		registryLabels: [4]string{"注册中心", "实例", "元数据", "端点"},
		registryStates: [regNone + 1]string{"未知", "尚未注册", "注册中", "已注册", "注册失败", "注销中", "已注销", "无"},

		changed: "%d 处变化", frames: "%d 帧", lines: "%d 行", oneLine: "1 行",
		scrolled: "已滚动", goroutine: "goroutine %d",
		scrolledOut: "%d 行已移出", outputMore: "（… 还有 %s）",

		starting: "启动中", startingTarget: "正在启动 %s", runningToFirst: "运行到第一个阶段",
		endedBeforeFirst: "■ 跟踪在第一个阶段之前就结束了", retryHint: "r 重新运行 · q 退出",
		failed: "失败",

		steppedIn: "▶ 单步停在 %s", pausedAt: "▶ 暂停在 %s",
		runningWaiting: "● 运行中，等待信号：按 t 发送 SIGTERM",
		runningAfter:   "● 运行中，已过 %s", running: "● 运行中",
		exitedCode: "■ 已退出，退出码 %d", traceEnded: "■ 跟踪已结束",
		killedBy:    "■ 被信号 %s 结束",
		afterLaunch: " · 启动后 %s", kratosVersion: " · kratos %s",

		ended: "跟踪已结束：按 r 重新运行", notPaused: "程序正在运行，没有暂停",
		unsupported: "这个来源不支持“%s”", notRunningYet: "程序还没有开始运行",
		breakOn: "已在 %s 打开断点", breakOff: "已在 %s 关闭断点：程序会直接经过",
		startTrace:  "启动跟踪失败：%s",
		cmdContinue: "继续", cmdStepOver: "单步跳过", cmdStepOut: "单步跳出", cmdBreak: "断点",
		endedRewind: "跟踪已结束：按 p 回退，按 r 重新运行",
		atStart:     "已在第一个停点：前面没有了",
		notInTrace:  "%s：这次跟踪里没有",
		cmdPrevious: "上一停点", cmdJump: "跳到 %s",

		tooSmall: "终端太小", tooSmallSize: "%dx%d，kratos-trace 至少需要 %dx%d", tooSmallQuit: "q 退出",

		notesLookAt: "看哪里", notesSource: "读源码", notesLesson: "课程",

		keyNext: "下一阶段", keyStep: "单步跳过", keyStepOut: "单步跳出", keyTerm: "SIGTERM",
		keyPrevious: "上一停点", keyJump: "跳到该阶段",
		keyUp: "上", keyDown: "下", keyPageUp: "上一页", keyPageDown: "下一页",
		keyTop: "顶部", keyBottom: "底部", keyToggle: "折叠",
		keyOrigins: "来源", noOverrides: "只设置过一次：没有覆盖任何值", moreOverrides: "……还覆盖了另外 %d 个值",
		keyBreak: "断点开关", keyFocusNext: "切换面板", keyFocusPrev: "上一面板",
		keyRestart: "重新开始", keyNotes: "讲解", keyHelp: "帮助", keyQuit: "退出",

		emptyVariables: "每次停下时，这里显示监视表达式，以及当前帧的参数和局部变量；按 : 对 Go 表达式求值。",
		noVariables:    "这里没有变量：这次停止没有携带变量。按 : 对 Go 表达式求值。",
		sectionWatches: "监视", sectionResults: "返回值", sectionArgs: "参数", sectionLocals: "局部变量",
		moreValues: "… 还有 %d 个", resultsTook: "%s · 耗时 %s", frameTitle: "第 %d 帧 · %s", goroutineFrame: "协程 %d · 第 %d 帧 · %s",
		rowHits: "×%d", rowHalt: "手动暂停", rowStalled: "卡住", rowCleared: "已清除",
		emptyGoroutines:  "按 h 暂停正在运行的程序，这里会列出所有协程。",
		goroutineCount:   "%d 个协程",
		goroutineColumns: [5]string{"ID", "位置", "文件", "等待", "运行时"},
		promptTitle:      "求值",
		promptBusy:       "…",
		promptHint:       "输入 Go 表达式，或：break 位置 · clear 位置 · watch 表达式 · unwatch 表达式 · frame 帧号",
		badFrame:         "frame %s：请给出调用栈里的帧号",
		needsLive:        "“%s”需要正在运行的程序：这次跟踪做不到",
		notPausedInspect: "程序正在运行：按 h 暂停",
		alreadyPaused:    "程序已经暂停了",
		halting:          "正在暂停程序…",
		noExprHere:       "这个值没有可监视的表达式",
		noWatchHere:      "先选中一个监视表达式再删除",
		watching:         "开始监视 %s", unwatched: "不再监视 %s",
		breakpointSet: "已在 %s 设置断点", breakpointCleared: "已清除 %s 的断点",
		haltedAt: "▶ 已暂停：%d 个协程", stalledAt: "■ 卡住了：%d 个协程",
		cmdEval: "求值", cmdExpand: "展开", cmdFrame: "第 %d 帧", cmdWatch: "监视", cmdUnwatch: "取消监视",
		cmdBreakpoint: "断点", cmdClear: "清除断点", cmdHalt: "暂停", cmdGoroutine: "协程",
		keyPrompt: "求值", keyHalt: "暂停", keyWatch: "监视", keyUnwatch: "取消监视",
		keyLineBreak: "行断点", keyGoTo: "转到",
		keyPromptRun: "执行", keyPromptWatch: "加入监视", keyPromptOlder: "上一条", keyPromptNewer: "下一条",
		keyPromptResult: "进入结果", keyPromptClose: "关闭",

		keyRequest:     "请求",
		pickerTitle:    "请求",
		pickerLoading:  "正在从程序中读取 App 的路由……",
		pickerEmpty:    "App 没有 kratos-trace 能读取的 HTTP 路由或 gRPC 方法；请在下方输入请求。",
		pickerHelp:     "↑/↓ 选择 · enter 编辑 · esc 关闭",
		pickerEditHelp: "enter 发送 · esc 返回列表 · METHOD PATH [BODY] 或 grpc SERVICE/METHOD JSON",
		requestNotHere: "请求在 app.running 或某个请求的回复处发送",
		cmdRequest:     "请求",
		requestSent:    "已发送 %s",
		replyLatency:   "延迟 %s", replyInProgram: " · 程序内耗时 %s", replyFailedAt: "失败于 %s %s：%s",

		baselineNew: "新增", baselineOnly: "只在基线中", baselineMoved: "位置变了", baselineWas: "原为 %s",
		baselineSecret: "密文不同", baselineCount: "%d 处与基线不同", baselineFull: "与基线相比：%s",
		baselineLegend: "与基线不同",
	},
}

// textFor returns the words of lang, English for a language without them.
func textFor(lang tracer.Lang) *text {
	if t, ok := texts[lang]; ok {
		return t
	}
	return texts[tracer.English]
}

// f formats one of the text's formats.
func f(format string, args ...any) string { return fmt.Sprintf(format, args...) }

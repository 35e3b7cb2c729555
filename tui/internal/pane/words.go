package pane

import (
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Text holds every string the TUI shows that is not the trace's own data
// (phase IDs, values, the program's output), in one language. The views
// take their words from here and nowhere else, so a language is one more
// value of this struct; TestTextsAreComplete checks that none is missing.
// Strings with verbs are fmt formats.
type Text struct {
	PaneNames [Count]string
	// paneShort are the names of the tabs not in front when the full
	// names do not fit the box's title.
	PaneShort [Count]string
	Groups    map[tracer.Group]string

	// The timeline's legend and the notes of its rows.
	LegendStopped, LegendPaused, LegendNoBreak, LegendSkipped, LegendPending string
	RowExitCode, RowFailed                                                   string

	// What a pane says while it has nothing to show.
	EmptyBootstrap, EmptyServers, EmptyStack, EmptyOutput, EmptyNotes string
	NoLocation, SourceUnavailable, NoSnippet                          string

	// The Servers table's column titles, in serverColumns order.
	ServerColumns [6]string
	// The registry section of the Servers pane: its row labels (registry,
	// instance, metadata, endpoints) and how far registration got, by
	// registryState.
	RegistryLabels [4]string
	RegistryStates [8]string // by the Servers pane's registryState
	// The Clients section of the Servers pane: its title, a client with no
	// endpoint yet, and a refused list (with Kratos' reason); the instances
	// that left and joined the registry at the client's last update.
	ClientsTitle, ClientNoEndpoint, ClientRefused string
	ClientLeft, ClientJoined                      string

	// Footers and titles of the panes.
	Changed, Frames, Lines, OneLine, Scrolled, Goroutine string
	// The Output pane: lines dropped to keep its bound, and the rest of a
	// line too long to keep.
	ScrolledOut, OutputMore string

	// The launch steps in the Source pane.
	Starting, StartingTarget, RunningToFirst, EndedBeforeFirst, RetryHint, Failed string

	// The trace's state in the status bar.
	SteppedIn, PausedAt, RunningWaiting, RunningAfter, Running string
	ExitedCode, TraceEnded, AfterLaunch, KratosVersion         string
	KilledBy                                                   string

	// Messages about the last key.
	Ended, NotPaused, Unsupported, NotRunningYet, BreakOn, BreakOff, StartTrace string
	CmdContinue, CmdStepOver, CmdStepOut, CmdBreak                              string
	// Going back and forth through a trace that holds every stop (a replay).
	EndedRewind, AtStart, NotInTrace, CmdPrevious, CmdJump string

	// The screen below the minimum size.
	TooSmall, TooSmallSize, TooSmallQuit string

	// The Notes pane.
	NotesLookAt, NotesSource, NotesLesson string

	// The keys' help, by binding.
	KeyNext, KeyStep, KeyStepOut, KeyTerm, KeyPrevious, KeyJump string
	// KeySystemView and KeyServiceView: m in Phases, to the system's
	// timeline and back; KeyOpenRow is enter on a row of the system's
	// timeline, and TimelineHeading why b and enter do nothing on a
	// request's heading there.
	KeySystemView, KeyServiceView, KeyOpenRow, TimelineHeading           string
	KeyUp, KeyDown, KeyPageUp, KeyPageDown, KeyTop, KeyBottom, KeyToggle string
	// Config provenance in the Bootstrap pane (origins.go).
	KeyOrigins, NoOverrides, MoreOverrides                                       string
	KeyBreak, KeyFocusNext, KeyFocusPrev, KeyRestart, KeyNotes, KeyHelp, KeyQuit string

	// Inspection (inspect.go): the Variables pane and its sections.
	EmptyVariables, NoVariables                                string
	SectionWatches, SectionResults, SectionArgs, SectionLocals string
	MoreValues, ResultsTook, FrameTitle, GoroutineFrame        string
	// The timeline's rows of breakpoints and halts.
	RowHits, RowHalt, RowStalled, RowCleared string
	// The Goroutines pane.
	EmptyGoroutines, GoroutineCount string
	GoroutineColumns                [5]string
	// The prompt.
	PromptTitle, PromptBusy, PromptHint, BadFrame string
	// What the keys of inspection did, or why they could not.
	NeedsLive, NotPausedInspect, AlreadyPaused, Halting, NoExprHere, NoWatchHere string
	Watching, Unwatched, BreakpointSet, BreakpointCleared                        string
	// WatchingIn: a watch of a frame's own variables, kept to its function;
	// WatchFrame: the frame a kept watch's value comes from, beside its type.
	WatchingIn, WatchFrame string
	// ConfigSources heads Bootstrap with config.load's sources.
	ConfigSources string
	// OpenNoModule, OpenNone, OpenMany: open FILE found no module, no
	// file, several files; Opened: the file shown in Source.
	OpenNoModule, OpenNone, OpenMany, Opened           string
	HaltedAt, StalledAt                                string
	CmdEval, CmdExpand, CmdFrame, CmdWatch, CmdUnwatch string
	CmdBreakpoint, CmdClear, CmdHalt, CmdGoroutine     string
	// The keys' help.
	KeyPrompt, KeyHalt, KeyWatch, KeyUnwatch, KeyLineBreak, KeyGoTo                               string
	KeyPromptRun, KeyPromptWatch, KeyPromptOlder, KeyPromptNewer, KeyPromptResult, KeyPromptClose string

	// The request picker (picker.go): its key, title, what it says while
	// it reads the routes or finds none, its keys, and what sending did.
	KeyRequest, PickerTitle, PickerLoading, PickerEmpty, PickerHelp, PickerEditHelp string
	// PickerAbove and PickerBelow count the routes of a long list out of
	// sight; PickerNoRoutes says why a service's routes are missing.
	PickerAbove, PickerBelow, PickerNoRoutes string
	RequestNotHere, CmdRequest, RequestSent  string
	// A request's reply in Source (requests.go).
	ReplyLatency, ReplyInProgram, ReplyFailedAt string

	// The marks of a comparison with a baseline (baseline.go): a row's
	// few words, the status line's and the Phases pane's footer and legend.
	BaselineNew, BaselineOnly, BaselineMoved, BaselineWas, BaselineSecret string
	BaselineCount, BaselineFull, BaselineLegend                           string
}

// Texts are the TUI's words in every language of tracer.Langs.
var Texts = map[tracer.Lang]*Text{
	tracer.English: {
		PaneNames: [Count]string{"Phases", "Source", "Bootstrap", "Variables", "Servers", "Stack", "Goroutines", "Output", "Notes"},
		PaneShort: [Count]string{"Phases", "Source", "Boot", "Vars", "Srv", "Stack", "Gor", "Out", "Notes"},
		Groups: map[tracer.Group]string{
			tracer.GroupMain: "main", tracer.GroupConfig: "config", tracer.GroupWire: "wire",
			tracer.GroupRun: "run", tracer.GroupShutdown: "shutdown",
		},
		LegendStopped: "stopped", LegendPaused: "paused", LegendNoBreak: "no break",
		LegendSkipped: "skipped", LegendPending: "pending",
		RowExitCode: "code %d", RowFailed: "failed",

		EmptyBootstrap:    "The config is decoded into Bootstrap at config.scan; nothing to show before it.",
		EmptyServers:      "The servers are known once wireApp has built the App (wire.done).",
		EmptyStack:        "The stack of the stopped goroutine shows here at each stop.",
		EmptyOutput:       "The program's own stdout and stderr show here.",
		EmptyNotes:        "What each phase does, and what to look at, shows here when the trace pauses at it.",
		NoLocation:        "This stop has no source location.",
		SourceUnavailable: "The source is not available: %s",
		NoSnippet:         "The source is not available here and the trace carries no snippet.",

		ServerColumns:  [6]string{"KIND", "NETWORK", "ADDRESS", "TIMEOUT", "ENDPOINT", "STATE"},
		RegistryLabels: [4]string{"REGISTRY", "INSTANCE", "METADATA", "ENDPOINTS"},
		RegistryStates: [8]string{"unknown", "not registered yet", "registering", "registered", "register failed", "deregistering", "deregistered", "none"},
		ClientsTitle:   "CLIENTS", ClientNoEndpoint: "no endpoint yet", ClientRefused: "refused: %s",
		ClientLeft: "left the registry: %s", ClientJoined: "joined the registry: %s",

		Changed: "%d changed", Frames: "%d frames", Lines: "%d lines", OneLine: "1 line",
		Scrolled: "scrolled", Goroutine: "goroutine %d",
		ScrolledOut: "%d scrolled out", OutputMore: "(… %s more)",

		Starting: "starting", StartingTarget: "starting %s", RunningToFirst: "running to the first phase",
		EndedBeforeFirst: "■ the trace ended before the first phase", RetryHint: "r runs the trace again · q quits",
		Failed: "failed",

		SteppedIn: "▶ stepped in %s", PausedAt: "▶ paused at %s",
		RunningWaiting: "● running, waiting for a signal: t sends SIGTERM",
		RunningAfter:   "● running after %s", Running: "● running",
		ExitedCode: "■ exited with code %d", TraceEnded: "■ the trace ended",
		KilledBy:    "■ killed by %s",
		AfterLaunch: " · %s after launch", KratosVersion: " · kratos %s",

		Ended: "the trace has ended: r runs it again", NotPaused: "the program is running, not paused",
		Unsupported: "%s is not supported by this source", NotRunningYet: "the program is not running yet",
		BreakOn: "break on at %s", BreakOff: "break off at %s: it passes without pausing",
		StartTrace:  "start the trace: %s",
		CmdContinue: "continue", CmdStepOver: "step over", CmdStepOut: "step out", CmdBreak: "break",
		EndedRewind: "the trace has ended: p goes back, r runs it again",
		AtStart:     "at the first stop: there is nothing before it",
		NotInTrace:  "%s: not in this trace",
		CmdPrevious: "previous", CmdJump: "jump to %s",

		TooSmall: "terminal too small", TooSmallSize: "%dx%d, kratos-trace needs at least %dx%d", TooSmallQuit: "q quits",

		NotesLookAt: "Look at", NotesSource: "Read", NotesLesson: "Lesson",

		KeyNext: "next phase", KeyStep: "step over", KeyStepOut: "step out", KeyTerm: "SIGTERM",
		KeyPrevious: "previous stop", KeyJump: "jump to phase",
		KeySystemView: "system timeline", KeyServiceView: "this service", KeyOpenRow: "in its service",
		TimelineHeading: "a request's heading: b and enter act on its rows, each in its own service",
		KeyUp:           "up", KeyDown: "down", KeyPageUp: "page up", KeyPageDown: "page down",
		KeyTop: "top", KeyBottom: "bottom", KeyToggle: "fold",
		KeyOrigins: "origins", NoOverrides: "set once: it overrode nothing", MoreOverrides: "… and %d more it overrode",
		KeyBreak: "break on/off", KeyFocusNext: "focus", KeyFocusPrev: "focus back",
		KeyRestart: "restart", KeyNotes: "notes", KeyHelp: "help", KeyQuit: "quit",

		EmptyVariables: "The watches, arguments and locals of the stopped frame show here at each stop; : evaluates a Go expression.",
		NoVariables:    "No variables here: this stop carries none. : evaluates a Go expression.",
		SectionWatches: "Watches", SectionResults: "Results", SectionArgs: "Arguments", SectionLocals: "Locals",
		MoreValues: "… %d more", ResultsTook: "%s · took %s", FrameTitle: "frame %d · %s", GoroutineFrame: "goroutine %d · frame %d · %s",
		RowHits: "×%d", RowHalt: "halt", RowStalled: "stalled", RowCleared: "cleared",
		EmptyGoroutines:  "h halts the running program and lists every goroutine here.",
		GoroutineCount:   "%d goroutines",
		GoroutineColumns: [5]string{"ID", "WHERE", "AT", "WAITING", "RUNTIME"},
		PromptTitle:      "Evaluate",
		PromptBusy:       "…",
		PromptHint:       "a Go expression, or: break LOC · clear LOC · watch EXPR · unwatch EXPR · frame N · open FILE",
		BadFrame:         "frame %s: give the frame's number, as in Stack",
		NeedsLive:        "%s needs a live program: this trace cannot do it",
		NotPausedInspect: "the program is running: h halts it",
		AlreadyPaused:    "the program is already paused",
		Halting:          "halting the program…",
		NoExprHere:       "this value has no expression to watch",
		NoWatchHere:      "select a watch to remove it",
		Watching:         "watching %s", Unwatched: "no longer watching %s",
		WatchingIn: "watching %s in %s's frame, wherever it is on the stack", WatchFrame: "frame %d · %s",
		ConfigSources: "config %s",
		OpenNoModule:  "open: the program's module is not known yet", OpenNone: "open %s: no file of the module %s has that name",
		OpenMany: "open %s: %d files match (%s): give more of the path", Opened: "%s in Source: b sets a breakpoint on the cursor's line",
		BreakpointSet: "breakpoint at %s", BreakpointCleared: "breakpoint at %s cleared",
		HaltedAt: "▶ halted: %d goroutines", StalledAt: "■ stalled: %d goroutines",
		CmdEval: "evaluate", CmdExpand: "expand", CmdFrame: "frame %d", CmdWatch: "watch", CmdUnwatch: "unwatch",
		CmdBreakpoint: "breakpoint", CmdClear: "clear", CmdHalt: "halt", CmdGoroutine: "goroutine",
		KeyPrompt: "evaluate", KeyHalt: "halt", KeyWatch: "watch", KeyUnwatch: "unwatch",
		KeyLineBreak: "breakpoint", KeyGoTo: "go to",
		KeyPromptRun: "run", KeyPromptWatch: "watch it", KeyPromptOlder: "older", KeyPromptNewer: "newer",
		KeyPromptResult: "into the value", KeyPromptClose: "close",

		KeyRequest:     "request",
		PickerTitle:    "Request",
		PickerLoading:  "reading the App's routes from the program…",
		PickerEmpty:    "The App serves no HTTP route and no gRPC method kratos-trace can read; type a request below.",
		PickerHelp:     "↑/↓ pick · enter edit · esc close",
		PickerEditHelp: "enter send · esc back to the list · METHOD PATH [BODY] or grpc SERVICE/METHOD JSON",
		PickerAbove:    "%d more above",
		PickerBelow:    "%d more below",
		PickerNoRoutes: "✗ %s: no routes: %s",
		RequestNotHere: "requests are sent once the App serves: from app.running until it stops",
		CmdRequest:     "request",
		RequestSent:    "sent %s",
		ReplyLatency:   "latency %s", ReplyInProgram: " · in the program %s", ReplyFailedAt: "failed at %s %s: %s",

		BaselineNew: "new", BaselineOnly: "only in the baseline", BaselineMoved: "moved", BaselineWas: "was %s",
		BaselineSecret: "another secret", BaselineCount: "%d vs baseline", BaselineFull: "vs baseline: %s",
		BaselineLegend: "not as in the baseline",
	},
	tracer.Chinese: {
		PaneNames: [Count]string{"阶段", "源码", "Bootstrap", "变量", "服务器", "调用栈", "协程", "输出", "讲解"},
		PaneShort: [Count]string{"阶段", "源码", "Boot", "变量", "服务器", "栈", "协程", "输出", "讲解"},
		Groups: map[tracer.Group]string{
			tracer.GroupMain: "main", tracer.GroupConfig: "配置", tracer.GroupWire: "wire",
			tracer.GroupRun: "运行", tracer.GroupShutdown: "关闭",
		},
		LegendStopped: "停过", LegendPaused: "暂停中", LegendNoBreak: "不暂停",
		LegendSkipped: "已跳过", LegendPending: "未到达",
		RowExitCode: "退出码 %d", RowFailed: "失败",

		EmptyBootstrap:    "配置在 config.scan 阶段解码进 Bootstrap；在此之前没有内容。",
		EmptyServers:      "wireApp 构建好 App（wire.done）之后，这里才会列出服务器。",
		EmptyStack:        "每次停下时，这里显示被停住的 goroutine 的调用栈。",
		EmptyOutput:       "程序自己的标准输出和标准错误显示在这里。",
		EmptyNotes:        "跟踪停在某个阶段时，这里讲解该阶段做了什么、该看哪里。",
		NoLocation:        "这次停止没有源码位置。",
		SourceUnavailable: "源码不可用：%s",
		NoSnippet:         "这里没有这个源码文件，跟踪记录里也没有代码片段。",

		ServerColumns:  [6]string{"类型", "网络", "地址", "超时", "端点", "状态"},
		RegistryLabels: [4]string{"注册中心", "实例", "元数据", "端点"},
		RegistryStates: [8]string{"未知", "尚未注册", "注册中", "已注册", "注册失败", "注销中", "已注销", "无"},
		ClientsTitle:   "客户端", ClientNoEndpoint: "还没有端点", ClientRefused: "被拒绝：%s",
		ClientLeft: "离开了注册中心：%s", ClientJoined: "加入了注册中心：%s",

		Changed: "%d 处变化", Frames: "%d 帧", Lines: "%d 行", OneLine: "1 行",
		Scrolled: "已滚动", Goroutine: "goroutine %d",
		ScrolledOut: "%d 行已移出", OutputMore: "（… 还有 %s）",

		Starting: "启动中", StartingTarget: "正在启动 %s", RunningToFirst: "运行到第一个阶段",
		EndedBeforeFirst: "■ 跟踪在第一个阶段之前就结束了", RetryHint: "r 重新运行 · q 退出",
		Failed: "失败",

		SteppedIn: "▶ 单步停在 %s", PausedAt: "▶ 暂停在 %s",
		RunningWaiting: "● 运行中，等待信号：按 t 发送 SIGTERM",
		RunningAfter:   "● 运行中，已过 %s", Running: "● 运行中",
		ExitedCode: "■ 已退出，退出码 %d", TraceEnded: "■ 跟踪已结束",
		KilledBy:    "■ 被信号 %s 结束",
		AfterLaunch: " · 启动后 %s", KratosVersion: " · kratos %s",

		Ended: "跟踪已结束：按 r 重新运行", NotPaused: "程序正在运行，没有暂停",
		Unsupported: "这个来源不支持“%s”", NotRunningYet: "程序还没有开始运行",
		BreakOn: "已在 %s 打开断点", BreakOff: "已在 %s 关闭断点：程序会直接经过",
		StartTrace:  "启动跟踪失败：%s",
		CmdContinue: "继续", CmdStepOver: "单步跳过", CmdStepOut: "单步跳出", CmdBreak: "断点",
		EndedRewind: "跟踪已结束：按 p 回退，按 r 重新运行",
		AtStart:     "已在第一个停点：前面没有了",
		NotInTrace:  "%s：这次跟踪里没有",
		CmdPrevious: "上一停点", CmdJump: "跳到 %s",

		TooSmall: "终端太小", TooSmallSize: "%dx%d，kratos-trace 至少需要 %dx%d", TooSmallQuit: "q 退出",

		NotesLookAt: "看哪里", NotesSource: "读源码", NotesLesson: "课程",

		KeyNext: "下一阶段", KeyStep: "单步跳过", KeyStepOut: "单步跳出", KeyTerm: "SIGTERM",
		KeyPrevious: "上一停点", KeyJump: "跳到该阶段",
		KeySystemView: "系统时间线", KeyServiceView: "本服务", KeyOpenRow: "在其服务中查看",
		TimelineHeading: "这是请求的标题行：b 和 enter 作用于它下面的行，各在其所属服务中",
		KeyUp:           "上", KeyDown: "下", KeyPageUp: "上一页", KeyPageDown: "下一页",
		KeyTop: "顶部", KeyBottom: "底部", KeyToggle: "折叠",
		KeyOrigins: "来源", NoOverrides: "只设置过一次：没有覆盖任何值", MoreOverrides: "……还覆盖了另外 %d 个值",
		KeyBreak: "断点开关", KeyFocusNext: "切换面板", KeyFocusPrev: "上一面板",
		KeyRestart: "重新开始", KeyNotes: "讲解", KeyHelp: "帮助", KeyQuit: "退出",

		EmptyVariables: "每次停下时，这里显示监视表达式，以及当前帧的参数和局部变量；按 : 对 Go 表达式求值。",
		NoVariables:    "这里没有变量：这次停止没有携带变量。按 : 对 Go 表达式求值。",
		SectionWatches: "监视", SectionResults: "返回值", SectionArgs: "参数", SectionLocals: "局部变量",
		MoreValues: "… 还有 %d 个", ResultsTook: "%s · 耗时 %s", FrameTitle: "第 %d 帧 · %s", GoroutineFrame: "协程 %d · 第 %d 帧 · %s",
		RowHits: "×%d", RowHalt: "手动暂停", RowStalled: "卡住", RowCleared: "已清除",
		EmptyGoroutines:  "按 h 暂停正在运行的程序，这里会列出所有协程。",
		GoroutineCount:   "%d 个协程",
		GoroutineColumns: [5]string{"ID", "位置", "文件", "等待", "运行时"},
		PromptTitle:      "求值",
		PromptBusy:       "…",
		PromptHint:       "输入 Go 表达式，或：break 位置 · clear 位置 · watch 表达式 · unwatch 表达式 · frame 帧号 · open 文件",
		BadFrame:         "frame %s：请给出调用栈里的帧号",
		NeedsLive:        "“%s”需要正在运行的程序：这次跟踪做不到",
		NotPausedInspect: "程序正在运行：按 h 暂停",
		AlreadyPaused:    "程序已经暂停了",
		Halting:          "正在暂停程序…",
		NoExprHere:       "这个值没有可监视的表达式",
		NoWatchHere:      "先选中一个监视表达式再删除",
		Watching:         "开始监视 %s", Unwatched: "不再监视 %s",
		WatchingIn: "开始监视 %s，在 %s 的帧中求值（无论它在栈的哪一层）", WatchFrame: "第 %d 帧 · %s",
		ConfigSources: "配置 %s",
		OpenNoModule:  "open：还不知道程序的模块", OpenNone: "open %s：模块 %s 里没有这个文件",
		OpenMany: "open %s：有 %d 个文件匹配（%s）：请多给出一些路径", Opened: "%s 已在 Source 中打开：b 在光标所在行设断点",
		BreakpointSet: "已在 %s 设置断点", BreakpointCleared: "已清除 %s 的断点",
		HaltedAt: "▶ 已暂停：%d 个协程", StalledAt: "■ 卡住了：%d 个协程",
		CmdEval: "求值", CmdExpand: "展开", CmdFrame: "第 %d 帧", CmdWatch: "监视", CmdUnwatch: "取消监视",
		CmdBreakpoint: "断点", CmdClear: "清除断点", CmdHalt: "暂停", CmdGoroutine: "协程",
		KeyPrompt: "求值", KeyHalt: "暂停", KeyWatch: "监视", KeyUnwatch: "取消监视",
		KeyLineBreak: "行断点", KeyGoTo: "转到",
		KeyPromptRun: "执行", KeyPromptWatch: "加入监视", KeyPromptOlder: "上一条", KeyPromptNewer: "下一条",
		KeyPromptResult: "进入结果", KeyPromptClose: "关闭",

		KeyRequest:     "请求",
		PickerTitle:    "请求",
		PickerLoading:  "正在从程序中读取 App 的路由……",
		PickerEmpty:    "App 没有 kratos-trace 能读取的 HTTP 路由或 gRPC 方法；请在下方输入请求。",
		PickerHelp:     "↑/↓ 选择 · enter 编辑 · esc 关闭",
		PickerEditHelp: "enter 发送 · esc 返回列表 · METHOD PATH [BODY] 或 grpc SERVICE/METHOD JSON",
		PickerAbove:    "上方还有 %d 条",
		PickerBelow:    "下方还有 %d 条",
		PickerNoRoutes: "✗ %s：没有路由：%s",
		RequestNotHere: "请求在 App 开始服务后发送：从 app.running 直到它停止",
		CmdRequest:     "请求",
		RequestSent:    "已发送 %s",
		ReplyLatency:   "延迟 %s", ReplyInProgram: " · 程序内耗时 %s", ReplyFailedAt: "失败于 %s %s：%s",

		BaselineNew: "新增", BaselineOnly: "只在基线中", BaselineMoved: "位置变了", BaselineWas: "原为 %s",
		BaselineSecret: "密文不同", BaselineCount: "%d 处与基线不同", BaselineFull: "与基线相比：%s",
		BaselineLegend: "与基线不同",
	},
}

// TextFor returns the words of lang, English for a language without them.
func TextFor(lang tracer.Lang) *Text {
	if t, ok := Texts[lang]; ok {
		return t
	}
	return Texts[tracer.English]
}

// Format formats one of the words of Text that are formats.
func Format(format string, args ...any) string { return fmt.Sprintf(format, args...) }

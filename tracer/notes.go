package tracer

import (
	"os"
	"strings"
)

// Lang is a language the phase notes are written in.
type Lang string

// The languages of the notes.
const (
	English Lang = "en"
	Chinese Lang = "zh"
)

// Langs lists every language, the default first.
var Langs = []Lang{English, Chinese}

// Note teaches one phase: what the code does there and why, what to look
// at in the panes, and where in the source to read on.
type Note struct {
	Title   string
	Explain string
	LookAt  string
	Source  string
}

// ParseLang reads a --lang value or a locale such as "zh_CN.UTF-8"; it
// returns false for a language there are no notes in.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "en" || strings.HasPrefix(s, "en_") || strings.HasPrefix(s, "en-") || s == "c" || s == "posix":
		return English, true
	case s == "zh" || strings.HasPrefix(s, "zh_") || strings.HasPrefix(s, "zh-"):
		return Chinese, true
	}
	return English, false
}

// LangFromEnv picks the language from LC_ALL, LC_MESSAGES or LANG, in the
// order POSIX gives them precedence; English when none names a known one.
func LangFromEnv() Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			l, _ := ParseLang(v)
			return l
		}
	}
	return English
}

// NoteFor returns the note of a phase in lang, falling back to English.
func NoteFor(id PhaseID, lang Lang) (Note, bool) {
	byLang, ok := phaseNotes[id]
	if !ok {
		return Note{}, false
	}
	if n, ok := byLang[lang]; ok {
		return n, true
	}
	n, ok := byLang[English]
	return n, ok
}

// SummaryFor returns the one-sentence summary of a phase in lang, for a
// status line: the catalog's Summary in English, its translation otherwise.
// It returns "" for an unknown phase.
func SummaryFor(id PhaseID, lang Lang) string {
	if s, ok := summaries[lang][id]; ok {
		return s
	}
	info, _ := Info(id)
	return info.Summary
}

// TitleFor returns the few words that name a phase in lang: the catalog's
// Title in English, the note's title otherwise. It returns "" for an
// unknown phase.
func TitleFor(id PhaseID, lang Lang) string {
	info, ok := Info(id)
	if !ok {
		return ""
	}
	if lang == English {
		return info.Title
	}
	if n, ok := phaseNotes[id][lang]; ok {
		return n.Title
	}
	return info.Title
}

// TitleOf is TitleFor for one stop of the phase: the wire and wire.done
// stops name the injector the program really has, so an injector called
// initApp reads "initApp" and "initApp returns", not the catalog's wireApp.
func TitleOf(id PhaseID, detail string, lang Lang) string {
	title := TitleFor(id, lang)
	if detail != "" && (id == PhaseWire || id == PhaseWireDone) {
		title = strings.ReplaceAll(title, "wireApp", detail)
	}
	return title
}

// summaries translates PhaseInfo.Summary; English is the catalog itself.
// The client side's are kept beside its notes (notes_client.go).
var summaries = withClientSummaries(lifecycleSummaries)

var lifecycleSummaries = map[Lang]map[PhaseID]string{
	Chinese: {
		PhaseMain:          "程序的 main 函数开始执行；只有不是 Kratos 应用的程序，kratos-trace 才会停在这里。",
		PhaseFlagParse:     "main 解析命令行参数，其中包括配置目录 -conf。",
		PhaseConfigLoad:    "读取配置源（-conf 下的文件）并合并成一棵键值树。",
		PhaseConfigScan:    "合并后的配置被解码进由 conf.proto 生成的 Bootstrap 结构体。",
		PhaseWire:          "main 调用 google/wire 在 wire_gen.go 中生成的注入函数来构建 App。",
		PhaseWireProvider:  "wireApp 调用一个 provider：data、repo、usecase、service，然后是各服务器和 newApp。",
		PhaseAppNew:        "kratos.New 已应用所有选项：App 知道了自己的 id、name、服务器、钩子和注册中心；还没有任何东西在运行。",
		PhaseWireDone:      "App 已构建：它持有服务器和清理函数，还没有监听任何端口。",
		PhaseAppRun:        "main 调用 app.Run，它启动所有组件并阻塞，直到收到信号。",
		PhaseBuildInstance: "Run 收集每个服务器的 endpoint，构建注册用的 ServiceInstance。",
		PhaseBeforeStart:   "按顺序执行 BeforeStart 钩子；任何一个出错都会中止 Run。",
		PhaseServerStart:   "每个服务器的 Start 在独立的 goroutine 中运行，另一个 goroutine 等待 ctx.Done 以停止它。",
		PhaseRegister:      "如果设置了注册中心，实例会被注册到服务发现。",
		PhaseAfterStart:    "每个服务器的 Start 都开始运行后，执行 AfterStart 钩子。",
		PhaseRunning:       "所有服务器都在提供服务；Run 等待 SIGTERM、SIGQUIT 或 SIGINT。",
		PhaseAttach:        "kratos-trace 附加到了一个已经在运行的程序：就地读取它的 App、服务器、实例和路由，然后让它继续运行。",
		PhaseStop:          "收到信号：Stop 执行 BeforeStop 钩子、注销实例并取消 App 的 context。",
		PhaseBeforeStop:    "Stop 按顺序执行 BeforeStop 钩子，此时服务器仍在服务，实例仍处于注册状态。",
		PhaseDeregister:    "如果设置了注册中心，Stop 会在任何服务器停止之前把实例从服务发现中注销。",
		PhaseServerStop:    "被取消的 context 唤醒每个服务器的停止 goroutine，由它调用 Stop。",
		PhaseAfterStop:     "所有服务器都已停止；执行 AfterStop 钩子，然后 Run 返回。",
		PhaseExit:          "main 返回，进程退出。",
		PhaseBreak:         "程序到达了你设置的断点（--break，或在源码面板中设置）。",

		PhaseRequestTransport:  "kratos-trace 发出的请求到达 kratos 的传输层：HTTP 服务器的 filter 或 gRPC 的一元拦截器为它构建 Transport。",
		PhaseRequestMiddleware: "服务器中间件链中的一个中间件运行（recovery、logging、tracing、validate、metadata、ratelimit……），包裹着它之后的一切。",
		PhaseRequestService:    "调用程序 service 层的方法，参数是解码后的请求消息。",
		PhaseRequestBiz:        "service 调用 biz 层：用例，纯业务逻辑。",
		PhaseRequestData:       "biz 层调用 data 层：访问数据库或缓存的 repo。",
		PhaseRequestReply:      "回复回到客户端：HTTP 状态码、头部和正文，或 gRPC 状态和消息。",
	},
}

// phaseNotes is the catalog of notes, written by hand against the source of
// kratos v2.9.2 (app.go, config/config.go, transport/http and grpc); the
// client side's are in notes_client.go.
var phaseNotes = withClientNotes(lifecycleNotes)

var lifecycleNotes = map[PhaseID]map[Lang]Note{
	PhaseMain: {
		English: {
			Title:   "main starts",
			Explain: "The Go runtime has run every package's init and now calls main.main. This program does not link Kratos, so kratos-trace follows only main, flag.Parse and the exit.",
			LookAt:  "Stack: runtime.main calls main.main.",
			Source:  "your main.go, func main",
		},
		Chinese: {
			Title:   "main 开始执行",
			Explain: "Go 运行时已执行完所有包的 init，现在调用 main.main。这个程序没有链接 Kratos，所以 kratos-trace 只跟踪 main、flag.Parse 和进程退出。",
			LookAt:  "调用栈：runtime.main 调用 main.main。",
			Source:  "你的 main.go 中的 func main",
		},
	},
	PhaseFlagParse: {
		English: {
			Title:   "flag.Parse",
			Explain: "main parses the command line. In kratos-layout the only flag is -conf, registered in init() with the default ../../configs, which is why the service is started from cmd/server.",
			LookAt:  "Source: the flag definitions; Stack: main.main called it.",
			Source:  "your main.go: flag.StringVar(&flagconf, \"conf\", …) in init, flag.Parse() in main",
		},
		Chinese: {
			Title:   "flag.Parse",
			Explain: "main 解析命令行参数。kratos-layout 里只有一个 -conf 参数，在 init() 中注册，默认值是 ../../configs，所以服务要在 cmd/server 目录下启动。",
			LookAt:  "源码：参数定义；调用栈：由 main.main 调用。",
			Source:  "你的 main.go：init 中的 flag.StringVar(&flagconf, \"conf\", …)，main 中的 flag.Parse()",
		},
	},
	PhaseConfigLoad: {
		English: {
			Title:   "config.Load",
			Explain: "config.New(config.WithSource(file.NewSource(flagconf), env.NewSource(\"KRATOS_\"))) only describes where config comes from; Load reads every source in order (each file under -conf, in name order, then the environment), merges each over the ones before into one key/value tree, starts watching them and finally resolves ${KEY:default} placeholders. The stop is after the merge, just before that resolve.",
			LookAt:  "The sources, in merge order, with their size or number of keys; Output: a DEBUG line \"config loaded: …\" per key-value. Bootstrap is still empty.",
			Source:  "kratos config/config.go: (*config).Load",
		},
		Chinese: {
			Title:   "config.Load",
			Explain: "config.New(config.WithSource(file.NewSource(flagconf), env.NewSource(\"KRATOS_\"))) 只是声明配置从哪里来；Load 才按顺序真正读取每个配置源（-conf 目录下的文件按文件名排序，然后是环境变量），每个都合并到前面的之上，形成一棵键值树，开始监听变化，最后解析 ${KEY:default} 形式的占位符。停在合并之后、解析占位符之前。",
			LookAt:  "配置源：按合并顺序列出，带大小或键的个数；输出：每个键值一行 DEBUG 日志 \"config loaded: …\"。此时 Bootstrap 仍为空。",
			Source:  "kratos config/config.go：(*config).Load",
		},
	},
	PhaseConfigScan: {
		English: {
			Title:   "config.Scan into Bootstrap",
			Explain: "Scan encodes the merged tree as JSON and decodes it into the Bootstrap struct that protoc generated from internal/conf/conf.proto, so YAML keys map to proto field names and \"1s\" becomes a google.protobuf.Duration. The stop is in main right after Scan returned.",
			LookAt:  "Bootstrap: the decoded values, each with where it came from (file:line, env variable, placeholder default, or unset) and what it overrode.",
			Source:  "kratos config/config.go: (*config).Scan; your internal/conf/conf.proto",
		},
		Chinese: {
			Title:   "config.Scan 解码到 Bootstrap",
			Explain: "Scan 把合并后的配置树编码成 JSON，再解码进由 protoc 根据 internal/conf/conf.proto 生成的 Bootstrap 结构体，因此 YAML 的键对应 proto 字段名，\"1s\" 会变成 google.protobuf.Duration。停在 Scan 返回之后的 main 里。",
			LookAt:  "Bootstrap 面板：解码后的值，每个都标明来源（文件:行、环境变量、占位符默认值或未设置）以及它覆盖了哪些值。",
			Source:  "kratos config/config.go：(*config).Scan；你的 internal/conf/conf.proto",
		},
	},
	PhaseWire: {
		English: {
			Title:   "wireApp",
			Explain: "main calls the injector that google/wire generated from wire.go into wire_gen.go. wire.go only lists the ProviderSets (wire.Build); wire_gen.go is plain Go that calls each constructor in dependency order and returns the App and a cleanup function.",
			LookAt:  "Source: wire_gen.go, one line per provider.",
			Source:  "your cmd/server/wire_gen.go; wire.go has the //go:build wireinject tag and is not compiled",
		},
		Chinese: {
			Title:   "wireApp",
			Explain: "main 调用 google/wire 根据 wire.go 生成到 wire_gen.go 的注入函数。wire.go 只列出 ProviderSet（wire.Build）；wire_gen.go 是普通 Go 代码，按依赖顺序调用每个构造函数，返回 App 和清理函数。",
			LookAt:  "源码：wire_gen.go，每个 provider 一行。",
			Source:  "你的 cmd/server/wire_gen.go；wire.go 带 //go:build wireinject 标签，不参与编译",
		},
	},
	PhaseWireProvider: {
		English: {
			Title:   "a provider",
			Explain: "One constructor that wireApp calls. The layers are built from the bottom up: data (DB and cache clients) → repo → usecase (biz) → service → the gRPC and HTTP servers, which register the services → newApp. Nothing listens yet.",
			LookAt:  "Source: the constructor; Stack: called from wireApp.",
			Source:  "your internal/{data,biz,service,server} and newApp in main.go",
		},
		Chinese: {
			Title:   "一个 provider",
			Explain: "wireApp 调用的一个构造函数。各层自底向上构建：data（数据库和缓存客户端）→ repo → usecase（biz）→ service → 注册了服务的 gRPC 和 HTTP 服务器 → newApp。此时还没有监听任何端口。",
			LookAt:  "源码：构造函数；调用栈：由 wireApp 调用。",
			Source:  "你的 internal/{data,biz,service,server} 以及 main.go 中的 newApp",
		},
	},
	PhaseAppNew: {
		English: {
			Title:   "kratos.New returns",
			Explain: "kratos.New starts from defaults (a fresh UUID as id, SIGTERM/SIGQUIT/SIGINT, a 10s registrar timeout), applies every Option in order (ID, Name, Version, Metadata, Server, Registrar, the hooks…) and is about to return the App with a cancellable context. It is the same whether wire's newApp or your own main calls it. Nothing listens and nothing is registered yet.",
			LookAt:  "Servers: the servers the App was given, all created; Registry: the registrar's type, if there is one.",
			Source:  "kratos app.go: New; options.go: the Option functions",
		},
		Chinese: {
			Title:   "kratos.New 返回",
			Explain: "kratos.New 从默认值开始（新生成的 UUID 作为 id，SIGTERM/SIGQUIT/SIGINT，10 秒的注册超时），按顺序应用每个 Option（ID、Name、Version、Metadata、Server、Registrar、各种钩子……），马上要返回带有可取消 context 的 App。无论是 wire 的 newApp 还是你自己的 main 调用它，都是一样的。此时还没有监听端口，也没有注册任何东西。",
			LookAt:  "服务器面板：App 拿到的服务器，全部处于 created；注册面板：注册中心的类型（如果有）。",
			Source:  "kratos app.go：New；options.go：各个 Option 函数",
		},
	},
	PhaseWireDone: {
		English: {
			Title:   "wireApp returns",
			Explain: "The App is assembled: kratos.New stored the servers, hooks and options in app.opts. The cleanup function wire built closes what the providers opened, in reverse order, when main returns.",
			LookAt:  "Servers: every server is created, none has an endpoint yet.",
			Source:  "your wire_gen.go return; kratos app.go: New",
		},
		Chinese: {
			Title:   "wireApp 返回",
			Explain: "App 组装完成：kratos.New 把服务器、钩子和选项存进 app.opts。wire 生成的 cleanup 函数会在 main 返回时按相反顺序关闭各 provider 打开的资源。",
			LookAt:  "服务器面板：所有服务器都已创建，还没有 endpoint。",
			Source:  "你的 wire_gen.go 中的 return；kratos app.go：New",
		},
	},
	PhaseAppRun: {
		English: {
			Title:   "App.Run",
			Explain: "main calls app.Run, which starts everything and blocks until a signal arrives or a server fails. Everything from here until app.running happens inside Run.",
			LookAt:  "Source: the whole of Run is on screen; follow it phase by phase.",
			Source:  "kratos app.go: (*App).Run",
		},
		Chinese: {
			Title:   "App.Run",
			Explain: "main 调用 app.Run，它启动所有组件并阻塞，直到收到信号或某个服务器出错。从这里到 app.running 的所有阶段都发生在 Run 内部。",
			LookAt:  "源码：Run 的全部代码都在屏幕上，逐个阶段跟着看。",
			Source:  "kratos app.go：(*App).Run",
		},
	},
	PhaseBuildInstance: {
		English: {
			Title:   "buildInstance",
			Explain: "Run builds the registry.ServiceInstance (id, name, version, metadata, endpoints). Without explicit kratos.Endpoint options it asks each server for its Endpoint(), and in v2.9 that call opens the listener — so a busy port fails here, before any Start.",
			LookAt:  "Servers: endpoints appear once this phase is over.",
			Source:  "kratos app.go: (*App).buildInstance; transport/http and grpc: (*Server).Endpoint",
		},
		Chinese: {
			Title:   "buildInstance",
			Explain: "Run 构建 registry.ServiceInstance（id、name、version、metadata、endpoints）。如果没有显式设置 kratos.Endpoint，它会调用每个服务器的 Endpoint()，而在 v2.9 中这一步会打开监听端口——所以端口被占用时会在这里失败，早于任何 Start。",
			LookAt:  "服务器面板：这个阶段结束后 endpoint 会出现。",
			Source:  "kratos app.go：(*App).buildInstance；transport/http 与 grpc：(*Server).Endpoint",
		},
	},
	PhaseBeforeStart: {
		English: {
			Title:   "BeforeStart hooks",
			Explain: "The kratos.BeforeStart hooks run in order, with a context that carries the App (kratos.FromContext). An error from one aborts Run before any server starts.",
			LookAt:  "Output: the demo's hook logs \"hook: before start\".",
			Source:  "kratos app.go: the loop over a.opts.beforeStart in Run",
		},
		Chinese: {
			Title:   "BeforeStart 钩子",
			Explain: "按顺序执行 kratos.BeforeStart 钩子，传入的 context 携带 App（可用 kratos.FromContext 取出）。任何一个钩子返回错误，Run 都会在启动服务器之前中止。",
			LookAt:  "输出：demo 的钩子会打印 \"hook: before start\"。",
			Source:  "kratos app.go：Run 中遍历 a.opts.beforeStart 的循环",
		},
	},
	PhaseServerStart: {
		English: {
			Title:   "a server's Start",
			Explain: "For each server Run launches two goroutines in an errgroup: one waits on ctx.Done() to call Stop, the other calls Start, which serves until stopped. Run waits (wg.Wait) only until every Start goroutine has begun, not until the servers serve; their listeners were already opened in buildInstance.",
			LookAt:  "Stack: a goroutine of its own, Run.func2; Servers: this one is starting.",
			Source:  "kratos app.go: the loop over a.opts.servers in Run; transport/http|grpc: (*Server).Start",
		},
		Chinese: {
			Title:   "服务器 Start",
			Explain: "Run 为每个服务器在 errgroup 中启动两个 goroutine：一个等待 ctx.Done() 后调用 Stop，另一个调用 Start 并一直提供服务直到被停止。Run 的 wg.Wait 只等到每个 Start goroutine 开始运行，并不等到服务器真正开始处理请求；监听端口早在 buildInstance 时就已打开。",
			LookAt:  "调用栈：独立的 goroutine，Run.func2；服务器面板：该服务器处于 starting。",
			Source:  "kratos app.go：Run 中遍历 a.opts.servers 的循环；transport/http|grpc：(*Server).Start",
		},
	},
	PhaseRegister: {
		English: {
			Title:   "registrar.Register",
			Explain: "With a kratos.Registrar option (etcd, consul, nacos…), Run registers the ServiceInstance (id, name, version, metadata, endpoints) with service discovery, bounded by the registrar timeout (10s unless kratos.RegistrarTimeout says otherwise). Without one, as in kratos-layout, this step is skipped. If Register fails (the registry is down or does not answer in time), Run returns the error at once: no AfterStart hook runs, nothing cancels the servers, which keep serving, and nothing is deregistered; kratos-layout's main panics with the error, so the process exits with status 2.",
			LookAt:  "Registry: the instance and the registrar's type; the timeline marks it skipped when there is no registrar, failed with the error when Register fails.",
			Source:  "kratos app.go: if a.opts.registrar != nil in Run",
		},
		Chinese: {
			Title:   "registrar.Register",
			Explain: "如果设置了 kratos.Registrar（etcd、consul、nacos 等），Run 会在注册超时内（默认 10 秒，可用 kratos.RegistrarTimeout 修改）把 ServiceInstance（id、name、version、metadata、endpoints）注册到服务发现。没有设置时（kratos-layout 默认如此）跳过这一步。如果 Register 失败（注册中心宕机或没有按时应答），Run 立即返回这个错误：不执行 AfterStart 钩子，没有任何东西取消服务器，它们继续服务，也不会注销实例；kratos-layout 的 main 会带着这个错误 panic，进程以状态码 2 退出。",
			LookAt:  "注册面板：实例和注册中心的类型；没有注册中心时时间线标记为已跳过，Register 失败时标记为失败并显示错误。",
			Source:  "kratos app.go：Run 中的 if a.opts.registrar != nil",
		},
	},
	PhaseAfterStart: {
		English: {
			Title:   "AfterStart hooks",
			Explain: "The kratos.AfterStart hooks run once every Start goroutine has begun; the App's endpoints are known, so a hook can log or announce them.",
			LookAt:  "Output: the demo's hook logs its endpoints.",
			Source:  "kratos app.go: the loop over a.opts.afterStart in Run",
		},
		Chinese: {
			Title:   "AfterStart 钩子",
			Explain: "每个 Start goroutine 都开始运行后执行 kratos.AfterStart 钩子；此时 App 的 endpoint 已知，钩子可以打印或发布它们。",
			LookAt:  "输出：demo 的钩子会打印 endpoint。",
			Source:  "kratos app.go：Run 中遍历 a.opts.afterStart 的循环",
		},
	},
	PhaseRunning: {
		English: {
			Title:   "running",
			Explain: "signal.Notify subscribed to the App's signals (SIGTERM, SIGQUIT, SIGINT by default) and a goroutine waits for one; Run now blocks in eg.Wait(). The service answers requests. Send SIGTERM to walk the shutdown.",
			LookAt:  "Servers: all listening. Try curl 127.0.0.1:8000/helloworld/you in another terminal.",
			Source:  "kratos app.go: signal.Notify and eg.Wait() in Run",
		},
		Chinese: {
			Title:   "运行中",
			Explain: "signal.Notify 订阅了 App 的信号（默认 SIGTERM、SIGQUIT、SIGINT），一个 goroutine 等待信号；Run 阻塞在 eg.Wait()。服务可以处理请求了。发送 SIGTERM 即可走完关闭流程。",
			LookAt:  "服务器面板：全部处于 listening。可在另一个终端执行 curl 127.0.0.1:8000/helloworld/you。",
			Source:  "kratos app.go：Run 中的 signal.Notify 和 eg.Wait()",
		},
	},
	PhaseAttach: {
		English: {
			Title:   "attached",
			Explain: "kratos-trace attached to a program that was already running (kratos-trace attach PID|NAME) and paused it once, to read what its App holds: the id, name, version, metadata and endpoints, the servers and where they listen, the registered instance and registrar, the routes and gRPC methods, the Bootstrap if main.main still holds it, and the goroutines. The boot happened before the attach and is not traced; from here on it is as at app.running: follow a request, set breakpoints, halt, or send SIGTERM to walk the shutdown. Quitting detaches and leaves the program running as it was.",
			LookAt:  "Servers: their states and addresses; the phase's block: the App, its instance and routes; Goroutines: where each one waits (the main goroutine in App.Run's eg.Wait()).",
			Source:  "kratos app.go: (*App).Run blocked in eg.Wait(); the App's opts and instance",
		},
		Chinese: {
			Title:   "已附加",
			Explain: "kratos-trace 附加到了一个已经在运行的程序（kratos-trace attach PID|NAME），并让它暂停一次，读取 App 持有的内容：id、name、version、metadata 和 endpoint，各服务器及其监听地址，已注册的实例和注册中心，路由和 gRPC 方法，main.main 中仍能找到的 Bootstrap，以及所有 goroutine。启动发生在附加之前，不会被追踪；从这里开始与 app.running 相同：可以跟踪请求、设置断点、暂停，或发送 SIGTERM 走完关闭流程。退出时会分离，程序照常运行。",
			LookAt:  "服务器面板：状态和地址；本阶段的信息块：App、实例和路由；goroutine 面板：每个 goroutine 在哪里等待（主 goroutine 在 App.Run 的 eg.Wait() 中）。",
			Source:  "kratos app.go：阻塞在 eg.Wait() 的 (*App).Run；App 的 opts 和 instance",
		},
	},
	PhaseStop: {
		English: {
			Title:   "App.Stop",
			Explain: "The signal goroutine received SIGTERM and calls Stop: the BeforeStop hooks run, the instance is deregistered if there is a registrar, and the App's context is cancelled — which is what wakes every server's stop goroutine.",
			LookAt:  "Stack: the signal goroutine; Output: \"hook: before stop\".",
			Source:  "kratos app.go: (*App).Stop",
		},
		Chinese: {
			Title:   "App.Stop",
			Explain: "信号 goroutine 收到 SIGTERM 后调用 Stop：执行 BeforeStop 钩子，如有注册中心则注销实例，然后取消 App 的 context——正是这一步唤醒了每个服务器的停止 goroutine。",
			LookAt:  "调用栈：信号 goroutine；输出：\"hook: before stop\"。",
			Source:  "kratos app.go：(*App).Stop",
		},
	},
	PhaseBeforeStop: {
		English: {
			Title:   "BeforeStop hooks",
			Explain: "Stop first runs the kratos.BeforeStop hooks in order, while the servers still serve and the instance is still registered: the place to stop taking work. A hook's error does not stop the others; it is kept as Stop's result only if no deregistration follows, and then Run returns it instead of running the AfterStop hooks.",
			LookAt:  "Output: the demo's hook logs \"hook: before stop\"; Servers: still listening.",
			Source:  "kratos app.go: the loop over a.opts.beforeStop in Stop",
		},
		Chinese: {
			Title:   "BeforeStop 钩子",
			Explain: "Stop 首先按顺序执行 kratos.BeforeStop 钩子，此时服务器仍在服务，实例仍处于注册状态：这里适合停止接收新的工作。某个钩子出错不会阻止其他钩子执行；只有在之后没有注销步骤时，这个错误才会成为 Stop 的返回值，此时 Run 会直接返回它，而不执行 AfterStop 钩子。",
			LookAt:  "输出：demo 的钩子会打印 \"hook: before stop\"；服务器面板：仍处于 listening。",
			Source:  "kratos app.go：Stop 中遍历 a.opts.beforeStop 的循环",
		},
	},
	PhaseDeregister: {
		English: {
			Title:   "registrar.Deregister",
			Explain: "With a registrar and a registered instance, Stop removes the instance from service discovery, bounded by the registrar timeout, before it cancels the App's context: clients stop picking this instance while its servers still answer. A failing Deregister makes Stop return early, without cancelling the context, so the servers are not stopped. Without a registrar this step is skipped.",
			LookAt:  "Registry: the instance being removed (with etcd, its key under /microservices/ disappears).",
			Source:  "kratos app.go: if a.opts.registrar != nil && instance != nil in Stop",
		},
		Chinese: {
			Title:   "registrar.Deregister",
			Explain: "如果设置了注册中心并且实例已注册，Stop 会在注册超时内把实例从服务发现中注销，然后才取消 App 的 context：客户端不再选中这个实例，而它的服务器仍在应答。Deregister 失败时 Stop 提前返回，不会取消 context，服务器也就不会停止。没有注册中心时跳过这一步。",
			LookAt:  "注册面板：正在注销的实例（使用 etcd 时，它在 /microservices/ 下的键会消失）。",
			Source:  "kratos app.go：Stop 中的 if a.opts.registrar != nil && instance != nil",
		},
	},
	PhaseServerStop: {
		English: {
			Title:   "a server's Stop",
			Explain: "ctx.Done() fired, so the server's stop goroutine wakes and calls Stop with a context that the App's cancellation does not reach (context.WithoutCancel) and that has a deadline only when kratos.StopTimeout was set: the HTTP server shuts down gracefully, the gRPC server calls GracefulStop, and either is forced to close if the deadline passes. Start then returns and its goroutine ends.",
			LookAt:  "Servers: this one becomes stopped.",
			Source:  "kratos app.go: the stop goroutine in Run; transport/http|grpc: (*Server).Stop",
		},
		Chinese: {
			Title:   "服务器 Stop",
			Explain: "ctx.Done() 触发，服务器的停止 goroutine 被唤醒并调用 Stop。传给 Stop 的 context 不会随 App 一起被取消（context.WithoutCancel），只有设置了 kratos.StopTimeout 才带超时：HTTP 服务器优雅关闭（Shutdown），gRPC 服务器调用 GracefulStop，超时后强制关闭。随后 Start 返回，它的 goroutine 结束。",
			LookAt:  "服务器面板：该服务器变为 stopped。",
			Source:  "kratos app.go：Run 中的停止 goroutine；transport/http|grpc：(*Server).Stop",
		},
	},
	PhaseAfterStop: {
		English: {
			Title:   "AfterStop hooks",
			Explain: "eg.Wait() has returned: every goroutine of the errgroup is done. The AfterStop hooks run and Run returns; back in main the deferred cleanup from wireApp closes the data layer.",
			LookAt:  "Output: \"hook: after stop\", then \"closing the data resources\".",
			Source:  "kratos app.go: the loop over a.opts.afterStop in Run",
		},
		Chinese: {
			Title:   "AfterStop 钩子",
			Explain: "eg.Wait() 已返回：errgroup 中的所有 goroutine 都已结束。执行 AfterStop 钩子后 Run 返回；回到 main 后，wireApp 返回的 cleanup 通过 defer 关闭数据层。",
			LookAt:  "输出：\"hook: after stop\"，然后是 \"closing the data resources\"。",
			Source:  "kratos app.go：Run 中遍历 a.opts.afterStop 的循环",
		},
	},
	PhaseExit: {
		English: {
			Title:   "exit",
			Explain: "main returned (or panicked) and the process exited with its status: 0 after a clean shutdown, 2 after a panic.",
			LookAt:  "The timeline shows how long each phase took.",
			Source:  "your main.go",
		},
		Chinese: {
			Title:   "退出",
			Explain: "main 返回（或 panic），进程以相应状态码退出：正常关闭为 0，panic 为 2。",
			LookAt:  "时间线显示每个阶段花了多长时间。",
			Source:  "你的 main.go",
		},
	},
	PhaseBreak: {
		English: {
			Title:   "your breakpoint",
			Explain: "The program reached a breakpoint of your own: a FILE:LINE or a function you gave with --break, a script's break, or a line you marked in the Source pane. It is not a lifecycle phase: it sits in the timeline where it happened, among the phases, and n goes on from it to the next stop.",
			LookAt:  "Variables: the arguments and locals of the function you stopped in; your watches; the Stack, to see who called it.",
			Source:  "the file and line of the stop",
		},
		Chinese: {
			Title:   "你的断点",
			Explain: "程序到达了你自己设置的断点：用 --break 给出的 FILE:LINE 或函数、脚本中的 break，或在源码面板中标记的行。它不是生命周期阶段：它按发生的时间出现在时间线的各阶段之间，按 n 会从这里继续到下一个停止点。",
			LookAt:  "变量：所停函数的参数和局部变量；你的监视表达式；调用栈，看是谁调用了它。",
			Source:  "停止处的文件和行",
		},
	},
	PhaseRequestTransport: {
		English: {
			Title:   "transport entry",
			Explain: "kratos-trace sent a request from outside, as any client would, and the App's server took it. Over HTTP the router matched the route and kratos' filter builds a Transport (operation, path template, headers) and puts it in the context, with the server's timeout; over gRPC kratos' unary interceptor does the same for the method. Everything below runs inside this call, and it returns only once the reply is written.",
			LookAt:  "Variables: the HTTP request (method, URL) or the gRPC request message; Stack: net/http's or grpc-go's goroutine for this connection.",
			Source:  "kratos transport/http/server.go: (*Server).filter; transport/grpc/interceptor.go: unaryServerInterceptor",
		},
		Chinese: {
			Title:   "传输层入口",
			Explain: "kratos-trace 像普通客户端一样从外部发出请求，App 的服务器接收了它。HTTP 下路由器匹配到路由，kratos 的 filter 构建 Transport（operation、路径模板、头部）放进 context，并带上服务器的超时；gRPC 下 kratos 的一元拦截器为该方法做同样的事。下面的一切都在这次调用里运行，写完回复后它才返回。",
			LookAt:  "变量：HTTP 请求（方法、URL）或 gRPC 请求消息；调用栈：net/http 或 grpc-go 为这个连接开的 goroutine。",
			Source:  "kratos transport/http/server.go：(*Server).filter；transport/grpc/interceptor.go：unaryServerInterceptor",
		},
	},
	PhaseRequestMiddleware: {
		English: {
			Title:   "middleware",
			Explain: "The server's middleware chain (http.Middleware or grpc.Middleware in internal/server) wraps the handler: each middleware is a function around the next, so the first one listed runs first and returns last. recovery turns a panic below it into a 500 error; logging writes one line per request with its code and latency after the handler returns.",
			LookAt:  "Detail: the middleware's name, from its package; Variables: the request it passes on.",
			Source:  "kratos middleware/middleware.go: Chain; middleware/recovery, middleware/logging",
		},
		Chinese: {
			Title:   "中间件",
			Explain: "服务器的中间件链（internal/server 中的 http.Middleware 或 grpc.Middleware）包裹着处理函数：每个中间件都是套在下一个外面的函数，所以排在最前的最先运行、最后返回。recovery 把它下面的 panic 变成 500 错误；logging 在处理函数返回后为每个请求写一行日志，带上状态码和耗时。",
			LookAt:  "详情：中间件的名字，取自它的包；变量：它传下去的请求。",
			Source:  "kratos middleware/middleware.go：Chain；middleware/recovery、middleware/logging",
		},
	},
	PhaseRequestService: {
		English: {
			Title:   "service method",
			Explain: "The innermost handler calls the service method that implements the proto's rpc: the service layer turns the API's request message into a call on the use case and the use case's result into the API's reply. It is the same method for HTTP and gRPC.",
			LookAt:  "Variables: the request message (e.g. HelloRequest.name); the return event that follows carries the reply and the error.",
			Source:  "your internal/service: the service type's methods",
		},
		Chinese: {
			Title:   "service 方法",
			Explain: "最内层的处理函数调用实现 proto 中 rpc 的 service 方法：service 层把 API 的请求消息转成对用例的调用，再把用例的结果转成 API 的回复。HTTP 和 gRPC 调用的是同一个方法。",
			LookAt:  "变量：请求消息（例如 HelloRequest.name）；随后的返回事件带着回复和错误。",
			Source:  "你的 internal/service：service 类型的方法",
		},
	},
	PhaseRequestBiz: {
		English: {
			Title:   "biz call",
			Explain: "The service calls the use case in the biz layer: business rules, independent of the transport and of storage. It reaches the data layer only through the repo interface it declares, which wire bound to the data layer's implementation at boot.",
			LookAt:  "Variables: the biz value passed in; a biz error returned here becomes the reply's status.",
			Source:  "your internal/biz: the use case's methods",
		},
		Chinese: {
			Title:   "biz 调用",
			Explain: "service 调用 biz 层的用例：业务规则，与传输层和存储无关。它只通过自己声明的 repo 接口访问 data 层，wire 在启动时把这个接口绑定到 data 层的实现上。",
			LookAt:  "变量：传入的 biz 值；这里返回的业务错误会变成回复的状态。",
			Source:  "你的 internal/biz：用例的方法",
		},
	},
	PhaseRequestData: {
		English: {
			Title:   "data call",
			Explain: "The use case calls the repo, the data layer's implementation of its interface: here the database (and the cache) are queried. A slow request usually spends its time here.",
			LookAt:  "Variables: what the repo was asked for; its return event: what it returned and how long it took.",
			Source:  "your internal/data: the repo's methods",
		},
		Chinese: {
			Title:   "data 调用",
			Explain: "用例调用 repo，即 data 层对其接口的实现：在这里查询数据库（和缓存）。慢请求的时间通常花在这里。",
			LookAt:  "变量：repo 被要求做什么；它的返回事件：返回了什么、花了多长时间。",
			Source:  "你的 internal/data：repo 的方法",
		},
	},
	PhaseRequestReply: {
		English: {
			Title:   "reply",
			Explain: "The reply is back at the client kratos-trace used: for HTTP the status, headers and body that kratos' response encoder wrote (or its error encoder, from a kratos error's code); for gRPC the status and the reply message. A failed request names the layer where it failed.",
			LookAt:  "Reply: status, latency, body; the layers' return events show where the time went.",
			Source:  "kratos transport/http/codec.go: DefaultResponseEncoder, DefaultErrorEncoder; errors/errors.go",
		},
		Chinese: {
			Title:   "回复",
			Explain: "回复回到了 kratos-trace 使用的客户端：HTTP 是 kratos 的响应编码器写出的状态码、头部和正文（出错时由错误编码器按 kratos 错误的 code 写出）；gRPC 是状态和回复消息。失败的请求会指出它在哪一层失败。",
			LookAt:  "回复：状态、耗时、正文；各层的返回事件显示时间花在哪里。",
			Source:  "kratos transport/http/codec.go：DefaultResponseEncoder、DefaultErrorEncoder；errors/errors.go",
		},
	},
}

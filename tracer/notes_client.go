package tracer

import "maps"

// withClientNotes returns the lifecycle's notes with the client side's:
// discovery and outgoing calls.
func withClientNotes(lifecycle map[PhaseID]map[Lang]Note) map[PhaseID]map[Lang]Note {
	out := maps.Clone(lifecycle)
	maps.Copy(out, clientNotes)
	return out
}

// withClientSummaries returns the lifecycle's translated summaries with
// the client side's.
func withClientSummaries(lifecycle map[Lang]map[PhaseID]string) map[Lang]map[PhaseID]string {
	out := map[Lang]map[PhaseID]string{}
	for lang, byPhase := range lifecycle {
		out[lang] = maps.Clone(byPhase)
		maps.Copy(out[lang], clientSummaries[lang])
	}
	return out
}

// clientSummaries translates the client side's PhaseInfo.Summary.
var clientSummaries = map[Lang]map[PhaseID]string{
	Chinese: {
		PhaseDiscoveryDial:           "某个 provider 为另一个服务构建 Kratos 客户端；discovery:///NAME 形式的目标会得到一个在注册中心里监听 NAME 的 resolver。",
		PhaseDiscoveryUpdate:         "客户端的 resolver 从注册中心收到该服务的实例列表；Kratos 拒绝空列表，保留原来的 endpoint。",
		PhaseRequestClient:           "请求的代码通过 Kratos 客户端调用另一个服务：选择器挑出一个 endpoint，客户端的中间件运行，回复返回。",
		PhaseRequestClientMiddleware: "这次出站调用的客户端中间件之一运行（recovery、logging、tracing、metadata……），包裹着调用；它属于客户端的链，而不是服务器的。",
	},
}

// clientNotes teach the client side of a Kratos service, written against
// kratos v2.9.2 (transport/grpc/client.go, transport/grpc/resolver/discovery,
// transport/http/client.go and resolver.go; v2.8 has the same shape).
var clientNotes = map[PhaseID]map[Lang]Note{
	PhaseDiscoveryDial: {
		English: {
			Title:   "client dial",
			Explain: "A provider (usually NewData) builds a client for another service with grpc.DialInsecure or http.NewClient. The options are applied: the endpoint, the registry given with WithDiscovery, the per-call timeout (2s by default) and the client's middleware. A discovery:///NAME endpoint gets a resolver built on the registry, which starts watching NAME: no connection is made yet, the instances arrive at discovery.update. A plain host:port endpoint is dialled directly, without discovery.",
			LookAt:  "Detail: the transport and the target; Servers: the Clients section, with the registry's type and the timeout.",
			Source:  "kratos transport/grpc/client.go: dial; transport/grpc/resolver/discovery/builder.go: Build; transport/http/client.go: NewClient",
		},
		Chinese: {
			Title:   "客户端 dial",
			Explain: "某个 provider（通常是 NewData）用 grpc.DialInsecure 或 http.NewClient 为另一个服务构建客户端。此时选项已应用：endpoint、WithDiscovery 给出的注册中心、每次调用的超时（默认 2 秒）和客户端中间件。discovery:///NAME 形式的 endpoint 会得到一个基于注册中心的 resolver，它开始监听 NAME：此时还没有建立连接，实例会在 discovery.update 时到达。普通的 host:port 则直接拨号，不经过服务发现。",
			LookAt:  "详情：传输方式和目标；服务器面板：客户端一节，带注册中心类型和超时。",
			Source:  "kratos transport/grpc/client.go：dial；transport/grpc/resolver/discovery/builder.go：Build；transport/http/client.go：NewClient",
		},
	},
	PhaseDiscoveryUpdate: {
		English: {
			Title:   "resolver update",
			Explain: "The resolver's watcher returned the service's instance list from the registry (at once after the dial, then at every change: an instance registers, is deregistered, or its lease expires). Kratos keeps the instances with an endpoint of the client's scheme (grpc:// or http://), drops duplicates, takes a subset of at most 25, and hands the endpoints to the balancer. An empty list is refused (\"Zero endpoint found, refused to write\"): the client keeps the endpoints it had, and calls to them fail until an instance comes back.",
			LookAt:  "The instances received (id, version, endpoints); refused or not; Servers: the endpoints the client sees now.",
			Source:  "kratos transport/grpc/resolver/discovery/resolver.go: (*discoveryResolver).watch and update; transport/http/resolver.go: (*resolver).update",
		},
		Chinese: {
			Title:   "resolver 更新",
			Explain: "resolver 的 watcher 从注册中心返回了该服务的实例列表（dial 之后立即返回一次，之后每次变化都会返回：实例注册、注销或租约过期）。Kratos 只保留带有客户端协议（grpc:// 或 http://）endpoint 的实例，去掉重复的，最多取 25 个的子集，再把 endpoint 交给负载均衡器。空列表会被拒绝（\"Zero endpoint found, refused to write\"）：客户端保留原有的 endpoint，对它们的调用会失败，直到有实例回来。",
			LookAt:  "收到的实例（id、版本、endpoint）；是否被拒绝；服务器面板：客户端现在看到的 endpoint。",
			Source:  "kratos transport/grpc/resolver/discovery/resolver.go：(*discoveryResolver).watch 和 update；transport/http/resolver.go：(*resolver).update",
		},
	},
	PhaseRequestClient: {
		English: {
			Title:   "outgoing call",
			Explain: "While the request is followed, its code (usually the data layer) calls another service through a Kratos client. The gRPC client's interceptor (the HTTP client's invoke) builds a client Transport, applies the client's timeout, runs the client's middleware around the call, and the selector picks one endpoint among those the resolver gave. kratos-trace lifts the client's timeout for the call, as it lifts the servers', so that a pause here does not cut it off, and puts it back when the call returns.",
			LookAt:  "The method, the target, the metadata sent (credentials masked); the return event: the endpoint picked, the reply or the error, and how long the call took.",
			Source:  "kratos transport/grpc/client.go: unaryClientInterceptor; transport/http/client.go: (*Client).invoke and do; selector/default_selector.go: Select",
		},
		Chinese: {
			Title:   "出站调用",
			Explain: "在跟踪请求时，请求的代码（通常是 data 层）通过 Kratos 客户端调用另一个服务。gRPC 客户端的拦截器（HTTP 客户端的 invoke）构建客户端 Transport、应用客户端超时、在调用外面运行客户端中间件，选择器从 resolver 给出的 endpoint 中挑出一个。kratos-trace 会像对服务器那样为这次调用解除客户端超时，让在这里的暂停不会把调用切断，调用返回后再恢复。",
			LookAt:  "方法、目标、发送的元数据（凭据已遮盖）；返回事件：挑中的 endpoint、回复或错误，以及调用耗时。",
			Source:  "kratos transport/grpc/client.go：unaryClientInterceptor；transport/http/client.go：(*Client).invoke 和 do；selector/default_selector.go：Select",
		},
	},
	PhaseRequestClientMiddleware: {
		English: {
			Title:   "client middleware",
			Explain: "A middleware of the outgoing call's client (grpc.WithMiddleware or http.WithMiddleware when the client was built) runs around the call: recovery, logging.Client, tracing.Client, metadata.Client. The same recovery middleware serves servers and clients; here it wraps the client's call, inside the request's own layers, not the server's chain.",
			LookAt:  "Detail: the middleware's name; Stack: the request.client call it runs in.",
			Source:  "kratos middleware/middleware.go: Chain; transport/grpc/client.go: unaryClientInterceptor",
		},
		Chinese: {
			Title:   "客户端中间件",
			Explain: "出站调用所用客户端的中间件（构建客户端时用 grpc.WithMiddleware 或 http.WithMiddleware 给出）包裹着这次调用运行：recovery、logging.Client、tracing.Client、metadata.Client。同一个 recovery 中间件既可用于服务器也可用于客户端；这里它包裹的是客户端的调用，位于请求自己的各层之内，而不是服务器的中间件链。",
			LookAt:  "详情：中间件的名字；调用栈：它所在的 request.client 调用。",
			Source:  "kratos middleware/middleware.go：Chain；transport/grpc/client.go：unaryClientInterceptor",
		},
	},
}

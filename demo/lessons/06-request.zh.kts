# 第 6 课：一个请求的一生，从客户端一路穿过服务的各层再回来。
#
#   kratos-trace run --script demo/lessons/06-request.zh.kts ./demo
#   kratos-trace replay --script demo/lessons/06-request.zh.kts run.jsonl
#
# 请求由 kratos-trace 自己在 App 运行后从程序外部发出。在录制上回放时，录制中
# 必须有同样的请求（内置导览就有）。06-request.kts 是同一课的英文版。

note "第 6 课：跟随一个请求，从 kratos 的传输层经过中间件、service、biz 和 data 层，再回到客户端"

continue
expect phase == app.running
expect servers[http].state == listening
note "App 正在提供服务。kratos-trace 现在像 curl 一样从外部发送 GET /helloworld/kratos，并在它经过的每一层停下"

break request.transport request.middleware request.service request.biz request.data
request GET /helloworld/kratos
expect phase == request.transport
expect detail == "http GET /helloworld/kratos"
expect function contains (*Server).filter
note "路由器匹配到 /helloworld/{name}；kratos 的 HTTP filter 把 Transport（operation、路径模板、头部）放进请求的 context，并带上服务器的超时"

continue
expect phase == request.middleware
expect detail == recovery
note "internal/server 中的中间件链包裹着处理函数：recovery 排在最前，所以最先运行、最后返回，并把它下面的 panic 变成 500"
continue
expect phase == request.middleware
expect detail == logging
note "接着运行 logging；它下面的一切都返回后，它才写下日志"

continue
expect phase == request.service
expect detail == service.GreeterService.SayHello
expect file contains internal/service/greeter.go
note "service 层：生成的 HTTP 处理函数已把路径中的 {name} 解码进 HelloRequest；gRPC 调用的也是同一个 SayHello"

continue
expect phase == request.biz
expect detail == biz.GreeterUsecase.CreateGreeter
note "biz 层：用例，纯业务逻辑；它只通过 GreeterRepo 接口了解存储"

continue
expect phase == request.data
expect detail == data.greeterRepo.Save
note "data 层：wire 在启动时把 GreeterRepo 绑定到 data 的 greeterRepo；这里把问候写进数据库"
continue
expect phase == request.data
expect detail == data.greeterRepo.CountByHello

continue
expect phase == request.reply
expect reply.code == 200
expect reply.body contains "Hello kratos"
expect request.path == /helloworld/kratos
note "回到客户端：200 和 kratos 响应编码器写出的 JSON 正文；每一层都已返回，最内层最先"

sigterm
expect phase == exit
expect exit_code == 0
expect output contains "greeted kratos"
note "run --headless 的汇总里有请求在每一层花的时间；Chrome trace 导出为每个请求单独一条轨道"

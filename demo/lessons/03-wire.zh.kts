# 第 3 课：wire 按依赖顺序，用 provider 构建 App。
#
#   kratos-trace run --script demo/lessons/03-wire.zh.kts ./demo
#   kratos-trace replay --script demo/lessons/03-wire.zh.kts boot.jsonl
#
# 03-wire.kts 是同一课的英文版。

note "第 3 课：wire_gen.go 按照结果被需要的顺序调用每个构造函数"

break wire
continue
expect phase == wire
expect detail == wireApp
expect function == main.wireApp
note "main 调用 wireApp，它是 google/wire 根据 wire.go 生成到 wire_gen.go 的注入函数；wire.go 本身不参与编译"

break wire.provider
continue
note "先构建 data 层：它只需要配置和 logger"
expect detail == data.NewData
continue
expect detail == data.NewGreeterRepo
continue
note "biz 拿到 repo，service 拿到 usecase"
expect detail == biz.NewGreeterUsecase
continue
expect detail == service.NewGreeterService
continue
note "服务器拿到要提供的 service：它们注册了服务，但还没有监听"
expect detail == server.NewGRPCServer
continue
expect detail == server.NewHTTPServer
continue
note "有 etcd 应答时，NewRegistrar 返回 kratos 的 etcd 注册器，否则返回 nil Registrar：App 就不注册到任何地方"
expect detail == server.NewRegistrar
continue
note "newApp 把服务器和注册器组装成一个 kratos.App"
expect detail == main.newApp

clear wire.provider
break wire.done
continue
expect phase == wire.done
print servers
expect servers.count == 2
expect servers[grpc].state == created
expect servers[http].state == created
expect servers[http].endpoint == ""
note "七个 provider，一个 App：服务器都已创建，还没有 endpoint"
quit

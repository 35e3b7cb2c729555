# 第 7 课：注册与发现，两个服务组成的系统：greeter 在 etcd 中注册，
# gateway 在那里找到它并调用它。
#
#   cd demo && kratos-trace run --script lessons/07-discovery.zh.kts --system
#   kratos-trace replay --script demo/lessons/07-discovery.zh.kts system.jsonl
#
# 它在 demo 系统上运行（demo/kratos-trace.yaml：etcd、greeter，然后在
# greeter 到达 app.running 后启动 gateway），而不是单独的 ./demo。检查对
# 任何端口都成立。07-discovery.kts 是同一课的英文版。见 docs/SYSTEMS.md。

note "第 7 课：一个 Kratos 服务如何通过注册中心找到另一个服务"

break app.register
continue
expect service == greeter
expect phase == app.register
expect registrar == etcd
print instance.endpoints
expect instance.name == kratos-trace-demo
expect instance.endpoints contains grpc://127.0.0.1:
note "greeter 把自己的实例注册到 etcd 的 /microservices/kratos-trace-demo/ 下：id、名称、版本和端点，挂在一个租约上；App 不续约，etcd 就会删掉它"

continue
expect service == greeter
expect phase == app.running
note "greeter 已在服务并已注册。gateway 现在才启动：系统文件说它排在 greeter 之后"

break wire.provider
continue
expect service == gateway
expect detail == server.NewRegistry
note "gateway 只创建一个 etcd 注册中心：既注册自己的实例，也用来发现 greeter"

continue
expect service == gateway
expect detail == data.NewGreeterClient
note "它的数据层拨号 discovery:///kratos-trace-demo：kratos 的解析器在 etcd 中监视 greeter 的实例，把它们的端点交给 gRPC 客户端；任何地方都没有配置地址"

clear wire.provider
continue
expect service == gateway
expect phase == app.register
expect instance.name == kratos-trace-gateway
note "gateway 也以自己的名字注册：第三个服务可以用同样的方式找到它"

continue
expect service == gateway
expect phase == app.running
note "两个服务都在服务。试试：curl http://<gateway 的地址>/gateway/you；回答来自 greeter"

break app.deregister
sigterm
expect service == gateway
expect phase == app.deregister
note "SIGTERM 按启动的相反顺序发给各服务：先是 gateway，它在停止服务之前离开 etcd"

continue
expect service == greeter
expect phase == app.deregister
note "然后 greeter 注销：如果 gateway 还在运行，它的解析器此刻会看到一个空的实例列表"

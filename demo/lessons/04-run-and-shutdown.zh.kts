# 第 4 课：App.Run 从第一步到开始提供服务，再从 SIGTERM 优雅关闭到进程退出。
#
#   kratos-trace run --script demo/lessons/04-run-and-shutdown.zh.kts ./demo
#   kratos-trace replay --script demo/lessons/04-run-and-shutdown.zh.kts boot.jsonl
#
# 两个服务器各在自己的 goroutine 里启动和停止，所以这一课不依赖它们的顺序。
# 程序的输出在退出时检查，那时它已全部到达。
# 04-run-and-shutdown.kts 是同一课的英文版。

note "第 4 课：App.Run 做了什么，以及从 SIGTERM 到进程退出之间发生了什么"

break app.run app.build-instance app.before-start server.start app.after-start
continue
expect phase == app.run
expect function contains (*App).Run
expect servers[http].state == created
note "main 调用 app.Run：从这里到 app.running 的一切都发生在它内部"

continue
expect phase == app.build-instance
expect servers[http].endpoint == ""
note "buildInstance 向每个服务器要 Endpoint()；在 kratos v2.9 中这一步会打开监听端口，所以端口被占用时会在这里失败"

continue
expect phase == app.before-start
print servers
expect servers[http].endpoint contains http://127.0.0.1:
expect servers[grpc].endpoint contains grpc://127.0.0.1:
expect servers[http].state == created
note "现在 endpoint 已知；接下来执行 BeforeStart 钩子，任何一个出错都会中止 Run"

continue
expect phase == server.start
expect function contains (*App).Run.func2
expect detail contains 127.0.0.1:
note "每个服务器的 Start 在自己的 goroutine 中运行；另一个 goroutine 等待 ctx.Done() 后调用 Stop"
continue
expect phase == server.start
expect detail contains 127.0.0.1:

continue
expect phase == app.after-start
note "Register 已执行或被跳过：有 etcd 应答时（见 README），demo 会把实例注册到那里，app.register 会暂停并显示实例；没有时 App 没有注册中心。每个 Start 都开始运行后执行 AfterStart 钩子"

# app.running 总会暂停：过了这里，程序只是在等信号。
continue
expect phase == app.running
expect servers[http].state == listening
expect servers[grpc].state == listening
print servers[http].address
note "服务已经启动。实时运行时可以试试：curl http://<http 地址>/helloworld/you"
sleep 300ms

break app.stop app.before-stop server.stop app.after-stop
sigterm
expect phase == app.stop
expect function contains (*App).Stop
note "信号 goroutine 收到了 SIGTERM，调用了 Stop"

continue
expect phase == app.before-stop
expect function contains (*App).Stop
expect servers[http].state == listening
note "Stop 先执行 BeforeStop 钩子，此时服务器仍在服务；然后注销实例（没有注册中心时跳过），再取消 App 的 context"

continue
expect phase == server.stop
note "被取消的 context 唤醒每个服务器的停止 goroutine，顺序不固定"
continue
expect phase == server.stop

continue
expect phase == app.after-stop
expect servers[http].state == stopped
expect servers[grpc].state == stopped
note "所有服务器都已停止；执行 AfterStop 钩子，然后 Run 返回"

continue
expect phase == exit
expect exit_code == 0
expect output contains "hook: before start"
expect output contains "server listening on"
expect output contains "hook: before stop"
expect output contains "hook: after stop"
expect output contains "closing the data resources"
note "main 里 defer 的 cleanup 关闭了数据库：这就是 wire 生成的清理函数"

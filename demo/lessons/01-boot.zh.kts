# 第 1 课：从 main() 到提供服务的 App，再到正常退出。
#
#   kratos-trace run --script demo/lessons/01-boot.zh.kts ./demo
#   kratos-trace replay --script demo/lessons/01-boot.zh.kts boot.jsonl
#
# 概览：第 2 到第 4 课分别细看每个部分。检查对配置里的任何端口都成立，
# 所以用别的配置录制的记录也能通过。程序的输出在退出时检查，那时它已全部到达。
# 01-boot.kts 是同一课的英文版。

note "第 1 课：Kratos 服务如何一步一步启动"

break flag.parse
continue
expect phase == flag.parse
note "main() 先解析命令行参数：-conf 指明配置在哪里"

break config.scan
continue
expect phase == config.scan
note "config.Scan 已把 YAML 解码进 Bootstrap，也就是由 conf.proto 生成的结构体"
print bootstrap.server
expect bootstrap.server.http.addr contains 127.0.0.1:
expect bootstrap.server.grpc.addr contains 127.0.0.1:

break wire.done
continue
expect phase == wire.done
note "wireApp 已调用所有 provider：App 持有它的服务器，但还没有监听任何端口"
print servers
expect servers.count == 2
expect servers[http].state == created
expect servers[grpc].state == created

# app.running 总会暂停：过了这里，服务只是在等信号。
continue
expect phase == app.running
note "两个服务器都在监听了；App.Run 正在等待 SIGTERM"
expect servers[http].state == listening
expect servers[grpc].state == listening

sigterm
expect phase == exit
expect exit_code == 0
expect output contains "server listening on"
note "SIGTERM 让 App 优雅地停止，main 返回：退出码 0"

# 第 2 课：配置从哪里来，又变成了什么。
#
#   kratos-trace run --script demo/lessons/02-config.zh.kts ./demo
#   kratos-trace replay --script demo/lessons/02-config.zh.kts boot.jsonl
#
# 检查对 demo 的 configs/config.yaml 成立，也对超时和驱动相同、端口不同的
# 任何配置成立。02-config.kts 是同一课的英文版。

note "第 2 课：从 -conf 到 Bootstrap 结构体"

break flag.parse
continue
expect phase == flag.parse
expect function == flag.Parse
note "main 调用 flag.Parse：-conf（在 init 中注册，默认 ../../configs）指向一个配置文件或一个配置目录"

break config.load
continue
expect phase == config.load
expect function contains (*config).Load
note "config.New 只是声明了配置源；Load 才读取 -conf 下的每个文件，合并成一棵键值树，并监听文件变化"

break config.scan
continue
expect phase == config.scan
expect function == main.main
print bootstrap
note "Scan 把配置树转成 JSON，再解码进由 internal/conf/conf.proto 生成的 Bootstrap：YAML 的键就是 proto 字段名"
expect bootstrap.server.http.addr contains 127.0.0.1:
expect bootstrap.server.grpc.addr contains 127.0.0.1:
note "YAML 里的 \"1s\" 变成了 google.protobuf.Duration"
expect bootstrap.server.http.timeout == 1s
expect bootstrap.server.grpc.timeout == 1s
expect bootstrap.data.database.driver == sqlite
note "接下来 main 把 bc.Server 和 bc.Data 交给 wireApp：见第 3 课"

# 程序退出后，它的输出才全部到达：运行到那里。
continue
sigterm
expect phase == exit
expect output contains "config loaded"
note "Kratos 以 DEBUG 级别记录了加载的每个文件"

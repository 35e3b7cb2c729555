# 第 5 课：这个值从哪里来？
#
#   kratos-trace run --script demo/lessons/05-where-from.zh.kts ./demo
#   KRATOS_GRPC_TIMEOUT=3s kratos-trace run --script demo/lessons/05-where-from.zh.kts ./demo
#   kratos-trace replay --script demo/lessons/05-where-from.zh.kts boot.jsonl
#
# 检查对 demo 自己的 configs/（先 config.yaml，后 zz-override.yaml）以及同样结构的
# 配置目录都成立，无论是否设置了 KRATOS_GRPC_TIMEOUT。英文版见 05-where-from.kts。

note "第 5 课：每个配置值从哪里来"

break config.load
continue
expect phase == config.load
expect function contains (*config).Load
note "config.load 停在所有配置源都已加载并合并之后：先是 -conf 下的文件（按文件名排序），再是 KRATOS_ 开头的环境变量；占位符此时还没有解析"

break config.scan
continue
expect phase == config.scan
print bootstrap.server.http.addr
print bootstrap.server.http.addr.origin
expect bootstrap.server.http.addr.origin contains zz-override.yaml
print bootstrap.server.http.addr.overrides
expect bootstrap.server.http.addr.overrides contains config.yaml
note "zz-override.yaml 在 config.yaml 之后读取，按键逐个覆盖：它替换了 http.addr，被替换的值连同所在行一起保留"

print bootstrap.server.http.timeout.origin
expect bootstrap.server.http.timeout.origin contains config.yaml
note "http.timeout 只写在 config.yaml 里：合并两个 map 时，后来者没有设置的键都会保留"

print bootstrap.server.grpc.timeout.origin
expect bootstrap.server.grpc.timeout.origin contains "${GRPC_TIMEOUT:"
note "grpc.timeout 写作 ${GRPC_TIMEOUT:...}：所有配置源合并之后，Kratos 查找键 GRPC_TIMEOUT（环境变量 KRATOS_GRPC_TIMEOUT 去掉前缀后就是它），找不到时使用 ':' 后面的默认值"

print bootstrap.server.http.network.origin
expect bootstrap.server.http.network.origin == unset
note "没有任何配置源设置 http.network：它保持零值，HTTP 服务器使用自己的默认值 tcp"
quit

# Lesson 5: where does this value come from?
#
#   kratos-trace run --script demo/lessons/05-where-from.kts ./demo
#   KRATOS_GRPC_TIMEOUT=3s kratos-trace run --script demo/lessons/05-where-from.kts ./demo
#   kratos-trace replay --script demo/lessons/05-where-from.kts boot.jsonl
#
# The checks hold for the demo's configs/ (config.yaml, then zz-override.yaml)
# and for a config directory of the same shape, with or without
# KRATOS_GRPC_TIMEOUT set. 05-where-from.zh.kts is the same lesson in Chinese.

note "Lesson 5: where each config value comes from"

break config.load
continue
expect phase == config.load
expect function contains (*config).Load
note "config.load stops once every source is loaded and merged: the files of -conf in name order, then the KRATOS_ environment variables; the placeholders are not resolved yet"

break config.scan
continue
expect phase == config.scan
print bootstrap.server.http.addr
print bootstrap.server.http.addr.origin
expect bootstrap.server.http.addr.origin contains zz-override.yaml
print bootstrap.server.http.addr.overrides
expect bootstrap.server.http.addr.overrides contains config.yaml
note "zz-override.yaml is read after config.yaml and wins, key by key: it replaced http.addr, and the value it replaced is kept with its line"

print bootstrap.server.http.timeout.origin
expect bootstrap.server.http.timeout.origin contains config.yaml
note "http.timeout is in config.yaml only: merging two maps keeps every key the later one does not set"

print bootstrap.server.grpc.timeout.origin
expect bootstrap.server.grpc.timeout.origin contains "${GRPC_TIMEOUT:"
note "grpc.timeout is written ${GRPC_TIMEOUT:...}: after every source is merged, Kratos looks the key GRPC_TIMEOUT up (the variable KRATOS_GRPC_TIMEOUT sets it, prefix removed) and uses the default after ':' when it is absent"

print bootstrap.server.http.network.origin
expect bootstrap.server.http.network.origin == unset
note "No source sets http.network: it keeps its zero value, and the HTTP server falls back to its own default, tcp"
quit

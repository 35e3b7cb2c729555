# Lesson 2: where the config comes from, and what it becomes.
#
#   kratos-trace run --script demo/lessons/02-config.kts ./demo
#   kratos-trace replay --script demo/lessons/02-config.kts boot.jsonl
#
# The checks hold for the demo's configs/config.yaml and for any config
# with the same timeouts and driver, whatever its ports.
# 02-config.zh.kts is the same lesson in Chinese.

note "Lesson 2: from -conf to the Bootstrap struct"

break flag.parse
continue
expect phase == flag.parse
expect function == flag.Parse
note "main calls flag.Parse: -conf (default ../../configs, registered in init) names a file or a directory of config files"

break config.load
continue
expect phase == config.load
expect function contains (*config).Load
note "config.New only described the source; Load reads every file under -conf, merges them into one key/value tree and watches them"

break config.scan
continue
expect phase == config.scan
expect function == main.main
print bootstrap
note "Scan turned the tree into JSON and decoded it into Bootstrap, generated from internal/conf/conf.proto: YAML keys are proto field names"
expect bootstrap.server.http.addr contains 127.0.0.1:
expect bootstrap.server.grpc.addr contains 127.0.0.1:
note "\"1s\" in the YAML became a google.protobuf.Duration"
expect bootstrap.server.http.timeout == 1s
expect bootstrap.server.grpc.timeout == 1s
expect bootstrap.data.database.driver == sqlite
note "main hands bc.Server and bc.Data to wireApp next: lesson 3"

# The program's output has all arrived once it has exited: run there.
continue
sigterm
expect phase == exit
expect output contains "config loaded"
note "Kratos logged each file it loaded, at DEBUG level"

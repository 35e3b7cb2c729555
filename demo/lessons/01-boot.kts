# Lesson 1: from main() to a serving App, and a clean exit.
#
#   kratos-trace run --script demo/lessons/01-boot.kts ./demo
#   kratos-trace replay --script demo/lessons/01-boot.kts boot.jsonl
#
# An overview: lessons 2 to 4 look closer at each part. The checks hold for
# any ports in the config, so the lesson also passes on a recording made
# with another config. The program's output is checked at the exit, when
# all of it has arrived. 01-boot.zh.kts is the same lesson in Chinese.

note "Lesson 1: how a Kratos service boots, phase by phase"

break flag.parse
continue
expect phase == flag.parse
note "main() parses its flags first: -conf says where the config lives"

break config.scan
continue
expect phase == config.scan
note "config.Scan has decoded the YAML into Bootstrap, the struct generated from conf.proto"
print bootstrap.server
expect bootstrap.server.http.addr contains 127.0.0.1:
expect bootstrap.server.grpc.addr contains 127.0.0.1:

break wire.done
continue
expect phase == wire.done
note "wireApp has called every provider: the App holds its servers, and nothing listens yet"
print servers
expect servers.count == 2
expect servers[http].state == created
expect servers[grpc].state == created

# app.running always pauses: past it the service only waits for a signal.
continue
expect phase == app.running
note "Both servers listen now; App.Run waits for SIGTERM"
expect servers[http].state == listening
expect servers[grpc].state == listening

sigterm
expect phase == exit
expect exit_code == 0
expect output contains "server listening on"
note "SIGTERM stopped the App gracefully and main returned: exit status 0"

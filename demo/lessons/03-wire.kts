# Lesson 3: wire builds the App from providers, in dependency order.
#
#   kratos-trace run --script demo/lessons/03-wire.kts ./demo
#   kratos-trace replay --script demo/lessons/03-wire.kts boot.jsonl
#
# 03-wire.zh.kts is the same lesson in Chinese.

note "Lesson 3: wire_gen.go calls each constructor in the order their results are needed"

break wire
continue
expect phase == wire
expect detail == wireApp
expect function == main.wireApp
note "main calls wireApp, the injector google/wire generated from wire.go into wire_gen.go; wire.go itself is not compiled"

break wire.provider
continue
note "The data layer first: it needs only the config and a logger"
expect detail == data.NewData
continue
expect detail == data.NewGreeterRepo
continue
note "biz gets the repo, the service gets the use case"
expect detail == biz.NewGreeterUsecase
continue
expect detail == service.NewGreeterService
continue
note "The servers get the service they serve: they register it, but do not listen yet"
expect detail == server.NewGRPCServer
continue
expect detail == server.NewHTTPServer
continue
note "NewRegistrar returns kratos' etcd registrar when an etcd answers, or a nil Registrar: then the App registers nowhere"
expect detail == server.NewRegistrar
continue
note "newApp ties the servers and the registrar into a kratos.App"
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
note "Seven providers, one App: the servers are created, none has an endpoint yet"
quit

# Lesson 2: wire builds the App from providers, in dependency order.
#
#   kratos-trace run --script demo/lessons/02-wire.kts ./demo

note "Lesson 2: wire_gen.go calls each constructor in the order their results are needed"

break wire
continue
expect phase == wire
expect detail == wireApp
note "main calls wireApp, the injector google/wire generated from wire.go"

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
note "The servers get the service they serve"
expect detail == server.NewGRPCServer
continue
expect detail == server.NewHTTPServer
continue
note "newApp ties the servers into a kratos.App"
expect detail == main.newApp

clear wire.provider
break wire.done
continue
expect phase == wire.done
expect servers.count == 2
print servers
note "Seven providers, one App: that is all wire does"
quit

# Lesson 6: the life of a request, from the client down through the layers
# of the service and back.
#
#   kratos-trace run --script demo/lessons/06-request.kts ./demo
#   kratos-trace replay --script demo/lessons/06-request.kts run.jsonl
#
# kratos-trace sends the request itself, from outside the program, once the
# App is running. On a recording, the recording must hold the same request
# (the built-in tour does). 06-request.zh.kts is the same lesson in Chinese.

note "Lesson 6: one request, followed from kratos' transport through the middleware, service, biz and data layers, and back to the client"

continue
expect phase == app.running
expect servers[http].state == listening
note "The App serves. kratos-trace now sends GET /helloworld/kratos from outside, as curl would, and stops at every layer it crosses"

break request.transport request.middleware request.service request.biz request.data
request GET /helloworld/kratos
expect phase == request.transport
expect detail == "http GET /helloworld/kratos"
expect function contains (*Server).filter
note "The router matched /helloworld/{name}; kratos' HTTP filter puts a Transport (the operation, the path template, the headers) into the request's context, with the server's timeout"

continue
expect phase == request.middleware
expect detail == recovery
note "The middleware chain from internal/server wraps the handler: recovery is listed first, so it runs first and returns last, and turns a panic below it into a 500"
continue
expect phase == request.middleware
expect detail == logging
note "logging runs next; it writes its line once everything below it has returned"

continue
expect phase == request.service
expect detail == service.GreeterService.SayHello
expect file contains internal/service/greeter.go
note "The service layer: the generated HTTP handler decoded {name} from the path into a HelloRequest; the same SayHello serves gRPC"

continue
expect phase == request.biz
expect detail == biz.GreeterUsecase.CreateGreeter
note "The biz layer: the use case, pure business logic; it knows storage only through its GreeterRepo interface"

continue
expect phase == request.data
expect detail == data.greeterRepo.Save
note "The data layer: wire bound GreeterRepo to data's greeterRepo at boot; here the greeting is written to the database"
continue
expect phase == request.data
expect detail == data.greeterRepo.CountByHello

continue
expect phase == request.reply
expect reply.code == 200
expect reply.body contains "Hello kratos"
expect request.path == /helloworld/kratos
note "Back at the client: 200 and the JSON body kratos' response encoder wrote; every layer has returned, innermost first"

sigterm
expect phase == exit
expect exit_code == 0
expect output contains "greeted kratos"
note "A request's time per layer is in the summary of run --headless; the Chrome trace export gives each request a track"

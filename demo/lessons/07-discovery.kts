# Lesson 7: registration and discovery, in a system of two services: the
# greeter registers in etcd, the gateway finds it there and calls it.
#
#   cd demo && kratos-trace run --script lessons/07-discovery.kts --system
#   kratos-trace replay --script demo/lessons/07-discovery.kts system.jsonl
#
# It runs on the demo system (demo/kratos-trace.yaml: etcd, the greeter,
# then the gateway once the greeter is at app.running), not on ./demo
# alone. The checks hold for any ports. 07-discovery.zh.kts is the same
# lesson in Chinese. See docs/SYSTEMS.md.

note "Lesson 7: how one Kratos service finds another through a registry"

break app.register
continue
expect service == greeter
expect phase == app.register
expect registrar == etcd
print instance.endpoints
expect instance.name == kratos-trace-demo
expect instance.endpoints contains grpc://127.0.0.1:
note "The greeter registers its instance in etcd under /microservices/kratos-trace-demo/: id, name, version and endpoints, on a lease that etcd drops unless the App keeps it alive"

continue
expect service == greeter
expect phase == app.running
note "The greeter serves and is registered. The gateway starts only now: the system file says it comes after the greeter"

break wire.provider
continue
expect service == gateway
expect detail == server.NewRegistry
note "The gateway makes one etcd registry: the registrar of its own instance, and the discovery it looks the greeter up in"

continue
expect service == gateway
expect detail == data.NewGreeterClient
note "Its data layer dials discovery:///kratos-trace-demo: kratos' resolver watches the greeter's instances in etcd and hands the gRPC client their endpoints; no address is configured anywhere"

clear wire.provider
continue
expect service == gateway
expect phase == app.register
expect instance.name == kratos-trace-gateway
note "The gateway registers too, under its own name: a third service could find it the same way"

continue
expect service == gateway
expect phase == app.running
note "Both serve. Try: curl http://<the gateway's address>/gateway/you; the answer comes from the greeter"

break app.deregister
sigterm
expect service == gateway
expect phase == app.deregister
note "SIGTERM goes to the services in the reverse of their start: the gateway first, which leaves etcd before it stops serving"

continue
expect service == greeter
expect phase == app.deregister
note "Then the greeter deregisters: had the gateway still run, its resolver would now see an empty list of instances"

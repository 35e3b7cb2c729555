# Lesson 4: App.Run from the first step to serving, then a graceful
# shutdown from SIGTERM to the exit.
#
#   kratos-trace run --script demo/lessons/04-run-and-shutdown.kts ./demo
#   kratos-trace replay --script demo/lessons/04-run-and-shutdown.kts boot.jsonl
#
# The two servers start, and stop, in goroutines of their own, so the
# lesson does not count on their order. The program's output is checked at
# the exit, when all of it has arrived. 04-run-and-shutdown.zh.kts is the
# same lesson in Chinese.

note "Lesson 4: what App.Run does, and what happens between SIGTERM and the exit"

break app.run app.build-instance app.before-start server.start app.after-start
continue
expect phase == app.run
expect function contains (*App).Run
expect servers[http].state == created
note "main calls app.Run: everything from here to app.running happens inside it"

continue
expect phase == app.build-instance
expect servers[http].endpoint == ""
note "buildInstance asks each server for its Endpoint(); in kratos v2.9 that opens the listener, so a busy port fails here"

continue
expect phase == app.before-start
print servers
expect servers[http].endpoint contains http://127.0.0.1:
expect servers[grpc].endpoint contains grpc://127.0.0.1:
expect servers[http].state == created
note "The endpoints are known now; the BeforeStart hooks run next, and an error from one would abort Run"

continue
expect phase == server.start
expect function contains (*App).Run.func2
expect detail contains 127.0.0.1:
note "Each server's Start runs in a goroutine of its own; a twin goroutine waits on ctx.Done() to call Stop"
continue
expect phase == server.start
expect detail contains 127.0.0.1:

continue
expect phase == app.after-start
note "Register ran, or was skipped: with an etcd answering (see the README) the demo registers its instance there, and app.register pauses showing it; without one the App has no registrar. The AfterStart hooks run once every Start has begun"

# app.running always pauses: past it the program only waits for a signal.
continue
expect phase == app.running
expect servers[http].state == listening
expect servers[grpc].state == listening
print servers[http].address
note "The service is up. In a live run, try: curl http://<the http address>/helloworld/you"
sleep 300ms

break app.stop app.before-stop server.stop app.after-stop
sigterm
expect phase == app.stop
expect function contains (*App).Stop
note "The signal goroutine received SIGTERM and called Stop"

continue
expect phase == app.before-stop
expect function contains (*App).Stop
expect servers[http].state == listening
note "Stop runs the BeforeStop hooks first, while the servers still serve; then it deregisters the instance (skipped without a registrar) and cancels the App's context"

continue
expect phase == server.stop
note "The cancelled context wakes each server's stop goroutine, in no fixed order"
continue
expect phase == server.stop

continue
expect phase == app.after-stop
expect servers[http].state == stopped
expect servers[grpc].state == stopped
note "Every server has stopped; the AfterStop hooks run and Run returns"

continue
expect phase == exit
expect exit_code == 0
expect output contains "hook: before start"
expect output contains "server listening on"
expect output contains "hook: before stop"
expect output contains "hook: after stop"
expect output contains "closing the data resources"
note "main's deferred cleanup closed the database: wire's cleanup function at work"

# Lesson 3: a graceful shutdown, from SIGTERM to exit.
#
#   kratos-trace run --script demo/lessons/03-shutdown.kts ./demo

note "Lesson 3: what happens between SIGTERM and the process exit"

continue
expect phase == app.running
expect servers[http].state == listening
note "The service is up. In a live run, try: curl http://<the http addr>/helloworld/you"
print servers[http].address
sleep 300ms

break app.stop server.stop app.after-stop
sigterm
expect phase == app.stop
note "The signal reached App.Run: Stop runs the BeforeStop hooks and cancels the App's context"

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
# The output is complete at the exit: check the hooks' log lines here.
expect output contains "hook: before stop"
expect output contains "hook: after stop"
expect output contains "closing the data resources"
note "main's deferred cleanup closed the database: wire's cleanup function at work"

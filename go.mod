module github.com/kratos-trace/kratos-trace

go 1.26

package replay

import (
	"runtime/debug"
	"sync"
)

// version is kratos-trace's version as a release build sets it:
//
//	go build -ldflags "-X github.com/kratos-trace/kratos-trace/tracer/replay.version=v0.2.0" ./cmd/kratos-trace
//
// When it is empty, Version reads the module version the go command stamped
// into the binary.
var version string

var buildVersion = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	if v == "(devel)" {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return v + " " + s.Value[:12]
			}
		}
	}
	return v
})

// Version is the version of kratos-trace written into a recording's header:
// the one set with -ldflags, else the one in the binary's build info, else
// "(devel)".
func Version() string {
	if version != "" {
		return version
	}
	return buildVersion()
}

package tracer

// OriginKind says what kind of place a config value came from.
type OriginKind string

// The kinds of origin of a Bootstrap leaf.
const (
	// OriginFile: a config file; Source, Line and Column say where.
	OriginFile OriginKind = "file"
	// OriginEnv: an environment source; Key names the variable.
	OriginEnv OriginKind = "env"
	// OriginPlaceholder: a ${KEY:default} placeholder, resolved from
	// another key (Resolved is that key's own origin).
	OriginPlaceholder OriginKind = "placeholder"
	// OriginDefault: a placeholder whose key was not set, so its default
	// was used.
	OriginDefault OriginKind = "default"
	// OriginUnset: no source set the value; it is the type's zero value.
	OriginUnset OriginKind = "unset"
	// OriginOther: a source kratos-trace does not know; Source names its
	// type.
	OriginOther OriginKind = "other"
)

// Origin is where a config value came from.
type Origin struct {
	Kind OriginKind `json:"kind"`
	// Source is the file as the program opened it (relative where
	// possible), the env source's prefix, or another source's type.
	Source string `json:"source,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Key is the key in the merged config that set the value, or the
	// environment variable.
	Key string `json:"key,omitempty"`
	// Placeholder is the ${KEY:default} text the value was resolved from.
	Placeholder string `json:"placeholder,omitempty"`
	// Resolved is, for a placeholder, the origin of the key that resolved it.
	Resolved *Origin `json:"resolved,omitempty"`
}

// Override is a value that a later source replaced.
type Override struct {
	Value  string `json:"value"`
	Origin Origin `json:"origin"`
}

// ConfigSource is one config source as config.Load read it, in merge order.
type ConfigSource struct {
	// Kind is "file", "env", or the source's Go type for others.
	Kind string `json:"kind"`
	// Name is the file path as the program opened it, or the env prefix.
	Name   string `json:"name"`
	Format string `json:"format,omitempty"`
	// Size is the content's length in bytes; Keys the number of keys.
	Size int `json:"size,omitempty"`
	Keys int `json:"keys,omitempty"`
	// Content is the source's text as loaded (redacted in recordings).
	Content string `json:"content,omitempty"`
}

package tracer

import (
	"maps"
	"slices"
)

// ServiceInstance is the instance an App registers with service discovery,
// as read from the program (kratos' registry.ServiceInstance).
type ServiceInstance struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Version   string            `json:"version"`
	Metadata  map[string]string `json:"metadata"`
	Endpoints []string          `json:"endpoints,omitempty"`
}

// MetadataPairs is the metadata as "key=value" texts, sorted by key, as
// every view lists it.
func (s *ServiceInstance) MetadataPairs() []string {
	pairs := make([]string, 0, len(s.Metadata))
	for _, k := range slices.Sorted(maps.Keys(s.Metadata)) {
		pairs = append(pairs, k+"="+s.Metadata[k])
	}
	return pairs
}

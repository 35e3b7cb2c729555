package tracer

// ServiceInstance is the instance an App registers with service discovery,
// as read from the program (kratos' registry.ServiceInstance).
type ServiceInstance struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Version   string            `json:"version,omitempty"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	Endpoints []string          `json:"endpoints,omitempty"`
}

package script

import (
	"fmt"
	"strings"
)

// instanceFields are the fields of the registered ServiceInstance.
var instanceFields = []string{"id", "name", "version", "metadata", "endpoints"}

// parseInstancePath parses instance.FIELD, the ServiceInstance that
// app.register and app.deregister carry.
func parseInstancePath(p Path, rest string) (Path, error) {
	field, ok := strings.CutPrefix(rest, ".")
	if !ok || !contains(instanceFields, field) {
		return p, &PathError{len("instance"), fmt.Sprintf("write instance.FIELD; its fields are %s", strings.Join(instanceFields, ", "))}
	}
	p.Field = field
	return p, nil
}

// instanceValue returns a field of the last instance the trace showed:
// endpoints one a line, metadata as sorted key=value lines.
func (st *state) instanceValue(p Path) (string, error) {
	in := st.instance
	if in == nil {
		return "", fmt.Errorf("%s: no instance is known yet; app.register shows it when the App has a registrar", p)
	}
	switch p.Field {
	case "id":
		return in.ID, nil
	case "name":
		return in.Name, nil
	case "version":
		return in.Version, nil
	case "endpoints":
		return strings.Join(in.Endpoints, "\n"), nil
	}
	return strings.Join(in.MetadataPairs(), "\n"), nil
}

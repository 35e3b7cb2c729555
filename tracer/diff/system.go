package diff

// byService splits a boot's events by service, in the order the services
// first appear. The events without a service are a service of their own
// ("") only when they hold a phase: the system's own events do not, a
// single service's trace compared with a system's does.
func byService(boot Boot) (order []string, boots map[string]Boot) {
	boots = map[string]Boot{}
	ownPhase := false
	for _, ev := range boot.Events {
		if ev.Service == "" && ev.IsPhase() {
			ownPhase = true
		}
	}
	for _, ev := range boot.Events {
		if ev.Service == "" && !ownPhase {
			continue
		}
		sb, ok := boots[ev.Service]
		if !ok {
			order = append(order, ev.Service)
			sb = Boot{Name: boot.Name, Redacted: boot.Redacted, HashKey: boot.HashKey}
		}
		sb.Events = append(sb.Events, ev)
		boots[ev.Service] = sb
	}
	return order, boots
}

// compareSystems compares two systems service by service: a services
// section with the services only one of them has, then, for each service
// both have (in A's order, then B's), the sections a diff of that service
// alone has, marked with the service.
func compareSystems(a, b Boot, opts Options) *Result {
	orderA, bootsA := byService(a)
	orderB, bootsB := byService(b)
	res := &Result{A: a.Name, B: b.Name, Partial: opts.Partial, TimesCount: opts.CountTimes && !opts.NoTimes}
	services := Section{ID: SectionServices}
	var sections []Section
	for _, svc := range orderA {
		sb, ok := bootsB[svc]
		if !ok {
			if !opts.Partial {
				services.Changes = append(services.Changes, Change{Op: Removed, Path: serviceName(svc), Before: newStream(bootsA[svc]).outcome()})
			}
			continue
		}
		r := compareOne(bootsA[svc], sb, opts)
		res.Threshold = r.Threshold
		for _, s := range r.Sections {
			s.Service = serviceName(svc)
			sections = append(sections, s)
		}
	}
	for _, svc := range orderB {
		if _, ok := bootsA[svc]; !ok {
			services.Changes = append(services.Changes, Change{Op: Added, Path: serviceName(svc), After: newStream(bootsB[svc]).outcome()})
		}
	}
	if res.Threshold == nil && !opts.NoTimes {
		th := opts.Threshold
		if th == (Threshold{}) {
			th = DefaultThreshold()
		}
		res.Threshold = &th
	}
	res.Sections = append([]Section{services}, sections...)
	res.Same = !res.Differs()
	return res
}

// serviceName names a service in a system's diff; the events of a single
// service's trace, compared with a system, have none.
func serviceName(svc string) string {
	if svc == "" {
		return "(single service)"
	}
	return svc
}

package intel

import "fmt"

// Text encodings of the enums that are stored with items, decisions and
// actions, so that JSON and other text formats carry names, not numbers.

func unmarshalEnum[T ~uint8](what string, b []byte, n int, str func(T) string) (T, error) {
	for i := range n {
		if str(T(i)) == string(b) {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q", ErrInvalid, what, b)
}

// MarshalText encodes the metric by name ("none", "nps", "csat").
func (m Metric) MarshalText() ([]byte, error) {
	if m > MetricCSAT {
		return nil, fmt.Errorf("%w: metric %d", ErrInvalid, uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes a metric name.
func (m *Metric) UnmarshalText(b []byte) error {
	v, err := unmarshalEnum("metric", b, int(MetricCSAT)+1, Metric.String)
	if err == nil {
		*m = v
	}
	return err
}

// MarshalText encodes the grantee kind by name ("person", "team", "role").
func (k GranteeKind) MarshalText() ([]byte, error) {
	if k > GrantRole {
		return nil, fmt.Errorf("%w: grantee kind %d", ErrInvalid, uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a grantee kind name.
func (k *GranteeKind) UnmarshalText(b []byte) error {
	v, err := unmarshalEnum("grantee kind", b, int(GrantRole)+1, GranteeKind.String)
	if err == nil {
		*k = v
	}
	return err
}

// MarshalText encodes the status by name ("open", "in_progress", "done",
// "cancelled").
func (s ActionStatus) MarshalText() ([]byte, error) {
	if s > ActionCancelled {
		return nil, fmt.Errorf("%w: action status %d", ErrInvalid, uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes an action status name.
func (s *ActionStatus) UnmarshalText(b []byte) error {
	v, err := unmarshalEnum("action status", b, int(ActionCancelled)+1, ActionStatus.String)
	if err == nil {
		*s = v
	}
	return err
}

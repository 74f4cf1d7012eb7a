package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// CheckSession is checkSession for the external tests (the fuzz test).
var CheckSession = checkSession

// checkSession says whether a session is what the store can keep and give back: Conv survives a JSON
// round trip unchanged, and its state decodes into its flow's own type, strictly.
func checkSession(s Session) error {
	raw, err := json.Marshal(s.Conv)
	if err != nil {
		return fmt.Errorf("encode conv: %w", err)
	}
	var back Conv
	if err := json.Unmarshal(raw, &back); err != nil {
		return fmt.Errorf("decode conv %s: %w", raw, err)
	}
	if !reflect.DeepEqual(normConv(back), normConv(s.Conv)) {
		return fmt.Errorf("conv changed in a round trip: %+v became %+v", s.Conv, back)
	}
	if s.Conv.Flow == "" {
		if len(s.Conv.State) != 0 || s.Conv.Step != "" {
			return fmt.Errorf("idle conv with a step or state: %+v", s.Conv)
		}
		return nil
	}
	f := registry.flow(s.Conv.Flow)
	if f == nil {
		return fmt.Errorf("conv of unknown flow %q", s.Conv.Flow)
	}
	if _, isGlobal := f.(globalFlow); isGlobal {
		return fmt.Errorf("conversation of the global flow %q", s.Conv.Flow)
	}
	st := f.State()
	if st == nil {
		if len(s.Conv.State) != 0 {
			return fmt.Errorf("flow %q keeps no state but has %s", f.Name(), s.Conv.State)
		}
		return nil
	}
	if len(s.Conv.State) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(s.Conv.State))
	dec.DisallowUnknownFields()
	if err := dec.Decode(st); err != nil {
		return fmt.Errorf("state of %q does not decode into %T: %s: %w", f.Name(), st, s.Conv.State, err)
	}
	return nil
}

// normConv makes an empty State and a nil one the same: JSON cannot tell them apart.
func normConv(c Conv) Conv {
	if len(c.State) == 0 {
		c.State = nil
	}
	return c
}

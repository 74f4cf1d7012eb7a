package main

import (
	"io"
	"strings"
	"testing"
)

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args string
		err  string
	}{
		{"-bot /tmp/alumnibot -redis redis://x", ""},
		{"-redis redis://x", "-bot is required"},
		{"-bot b", "-redis is required"},
		{"-bot b -redis r -replicas 0", "-replicas"},
		{"-bot b -redis r -kill-at 1", "-kill-at"},
		{"-bot b -redis r -replicas 2 -chatters 10", "-chatters needs -replicas 1"},
		{"-bot b -redis r extra", "unexpected"},
		{"-bot b -redis r -mode load", ""},
		{"-bot b -redis r -mode ld", "-mode must be job or load"},
	} {
		o, err := parseFlags(strings.Fields(tc.args), io.Discard)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.err == "" && (o.recipients != 10000 || o.limit != 30 || o.replicas != 1):
			t.Errorf("%q: defaults %+v", tc.args, o)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: err %v, want %q", tc.args, err, tc.err)
		}
	}
}

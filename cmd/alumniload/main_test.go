package main

import (
	"io"
	"strings"
	"testing"
)

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		listen  string // when valid
		wantErr string // when not
	}{
		{args: nil, listen: "127.0.0.1:8081"},
		{args: []string{"-inprocess", "-redis", "redis://x"}, listen: "127.0.0.1:0"},
		{args: []string{"-listen", "[::1]:9000"}, listen: "[::1]:9000"},
		{args: []string{"-listen", "localhost:9000"}, listen: "localhost:9000"},
		{args: []string{"-listen", "0.0.0.0:8081"}, wantErr: "loopback only"},
		{args: []string{"-listen", ":8081"}, wantErr: "loopback only"},
		{args: []string{"-listen", "192.168.1.2:8081"}, wantErr: "loopback only"},
		{args: []string{"-inprocess"}, wantErr: "-inprocess needs -redis"},
		{args: []string{"-alumni", "0"}, wantErr: "at least 1"},
		{args: []string{"extra"}, wantErr: "unexpected arguments"},
	} {
		o, err := parseFlags(tc.args, io.Discard)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want one saying %q", tc.args, err, tc.wantErr)
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.wantErr == "" && o.listen != tc.listen:
			t.Errorf("%q: listen %q, want %q", tc.args, o.listen, tc.listen)
		}
	}
}

func TestRedactURL(t *testing.T) {
	if got := redactURL("redis://user:secret@host:6379/0"); got != "redis://***@host:6379/0" {
		t.Errorf("redactURL = %q", got)
	}
	if got := redactURL("unix:///tmp/redis.sock"); got != "unix:///tmp/redis.sock" {
		t.Errorf("redactURL = %q", got)
	}
}

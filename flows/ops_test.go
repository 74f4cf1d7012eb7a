package flows

import (
	"context"
	"testing"
)

func TestOpsNumberCallsOfOneUpdate(t *testing.T) {
	if got := NextOp(context.Background()); got != "" {
		t.Fatalf("NextOp outside an update = %q, want empty", got)
	}
	for attempt := range 2 { // a re-run of the update draws the same ids
		ctx := WithOps(context.Background(), 42, 7001)
		for _, want := range []string{"42:7001:1", "42:7001:2"} {
			if got := NextOp(ctx); got != want {
				t.Fatalf("attempt %d: NextOp = %q, want %q", attempt, got, want)
			}
		}
	}
}

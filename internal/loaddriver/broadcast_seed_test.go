package loaddriver_test

import (
	"os"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/loaddriver"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/store"
)

// Seeding 100,000 alumni for cmd/alumnicast takes well under a minute, and the audience index counts
// every one. Opt-in (ALUMNIBOT_BIG=1): it writes about 200,000 keys.
func TestSeedAlumni100k(t *testing.T) {
	if os.Getenv("ALUMNIBOT_BIG") == "" {
		t.Skip("set ALUMNIBOT_BIG=1 to run")
	}
	rs := redistest.Start(t)
	rdb, err := store.Open(rs.URL, 16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	st := store.New(rdb, "seed:")
	const n = 100_000
	start := time.Now()
	if err := loaddriver.SeedAlumni(t.Context(), st, 5_000_000, n, "91", "", 16); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("seeded %d alumni in %v", n, took)
	size, err := st.AudienceSize(t.Context(), flows.Audience{Kind: flows.AudProvince, Province: "91"})
	if err != nil || size != n {
		t.Fatalf("audience = %d, %v; want %d", size, err, n)
	}
	if took > time.Minute {
		t.Errorf("seeding took %v, over a minute", took)
	}
}

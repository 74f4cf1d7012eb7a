package loaddriver

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// A real announcement for the broadcast driver: N onboarded, active alumni seeded through the store's
// Commit (so the audience index is written as onboarding writes it), and a job for exactly them
// created as the /siaran confirmation creates one (store.CreateBroadcast). The bot's broadcast runner
// then builds its recipient list, feeds the bulk lane and keeps the organizer's progress message, and
// the bulk lane sends each alumnus the text — what the console's "as typed" announcement sends.

// JobText is how the job's message starts; the driver counts the messages that start with it.
const JobText = "Pengumuman uji alumnicast "

// Committer is the store's Commit and Delivered (flows.Sessions).
type Committer interface {
	Commit(ctx context.Context, c flows.Commit) error
	Delivered(ctx context.Context, ds ...flows.Delivery) error
}

// BroadcastCreator creates a confirmed job (flows.Broadcasts).
type BroadcastCreator interface {
	CreateBroadcast(ctx context.Context, b flows.Broadcast, now time.Time) (flows.Broadcast, error)
}

// seedUpdate is the update id of the seeded alumni's one commit.
const seedUpdate = 1

// SeedAlumni onboards n alumni, chat ids first..first+n-1, all active in province prov, through
// Commit with workers in parallel (each commit is two scripts: the profile and the audience index);
// their commits' records are dropped as delivered in batches. Seeding twice is harmless (the second
// commit is "applied").
func SeedAlumni(ctx context.Context, st Committer, first int64, n int, prov, regency string, workers int) error {
	if workers <= 0 {
		workers = 16
	}
	now := time.Now()
	next := make(chan int64, 1024)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var done []flows.Delivery
			flush := func() error {
				if len(done) == 0 {
					return nil
				}
				err := st.Delivered(ctx, done...)
				done = done[:0]
				return err
			}
			for u := range next {
				p := &flows.Profile{Name: "Alumni " + strconv.FormatInt(u-first+1, 10), Province: prov, Regency: regency,
					Wave: 1 + int(u%50), Lang: locales.ID, ConsentAt: now, CreatedAt: now, Active: true}
				err := st.Commit(ctx, flows.Commit{User: u, Update: seedUpdate, Next: flows.Session{Profile: p},
					Result: []byte(`{}`), Now: now})
				if err != nil && err != flows.ErrApplied {
					errs <- fmt.Errorf("seed alumnus %d: %w", u, err)
					for range next { // drain so the producer ends
					}
					return
				}
				if done = append(done, flows.Delivery{User: u, Update: seedUpdate}); len(done) == 500 {
					if err := flush(); err != nil {
						errs <- err
						for range next {
						}
						return
					}
				}
			}
			if err := flush(); err != nil {
				errs <- err
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- first + int64(i)
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

// Job is the announcement the driver creates: sent now, as text, by organizer to the province's
// active alumni.
func Job(id string, organizer int64, prov string) flows.Broadcast {
	return flows.Broadcast{ID: id, Organizer: organizer, Lang: locales.ID, Text: JobText + id,
		Audience: flows.Audience{Kind: flows.AudProvince, Province: prov}, Zone: prov}
}

// StartJob is a BroadcastConfig.Start that creates the job; the bot's runner does the rest.
func StartJob(st BroadcastCreator, b flows.Broadcast) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if _, err := st.CreateBroadcast(ctx, b, time.Now()); err != nil {
			return fmt.Errorf("create the announcement: %w", err)
		}
		return nil
	}
}

// StartLoad is a BroadcastConfig.Start that queues n entries of the load driver's own kind
// (bot.LoadKind) straight into a bulk stream, 5,000 a call: the bulk lane alone, no job.
func StartLoad(queue func(ctx context.Context, entries []map[string]string) error, first int64, n int) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		const chunk = 5000
		for i := 0; i < n; i += chunk {
			var entries []map[string]string
			for j := i; j < min(i+chunk, n); j++ {
				entries = append(entries, map[string]string{
					"k": bot.LoadKind, "to": strconv.FormatInt(first+int64(j), 10), "ref": "#" + strconv.Itoa(j+1),
				})
			}
			if err := queue(ctx, entries); err != nil {
				return fmt.Errorf("queue recipients: %w", err)
			}
		}
		return nil
	}
}

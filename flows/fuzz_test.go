package flows_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/store"
	"github.com/alumnibot/alumnibot/ticket"
)

// FuzzRouter feeds scripts of random inputs through App.Step into every flow, as a newcomer, an
// onboarded alumnus, an organizer (panitia) of one province and a super-admin, keeping the session
// between inputs as the engine does. After every step: no panic, the session survives the JSON round
// trip the store gives it and its state decodes into its flow's own type, and every button's callback
// data fits Telegram's 64 bytes.
//
// A script is one input per line:
//
//	/cmd payload  a command             b<n>    tap the n-th button of the last replies
//	d<data>       a button with raw data q       /start ci_<token> of a real ticket (a scan)
//	p<caption>    a photo               o       a sticker or the like
//	anything else typed text
func FuzzRouter(f *testing.F) {
	for _, who := range []uint8{whoNew, whoAlumnus, whoPanitia, whoSuper} {
		for _, cmd := range []string{"/start", "/bantuan", "/help", "/profil", "/acara", "/tiket", "/batal",
			"/admin", "/buatacara", "/peserta", "/laporan", "/checkin", "/nope"} {
			f.Add(who, cmd+"\nb0\nb1\nhalo\nb2\nb0")
		}
		for _, script := range []string{
			"/start ev_gorontalo-2027\nb0\nb0\nb0",
			"/start ev_x\nb1",
			"/start ref_1\nVita\nGorontalo\nKota Gorontalo\n12\nb0\nb0",
			"/start ref_77\nb0\nb3\nb0\nb0\n27\nb1\nb0",
			"/start ci_garbage\nb0",
			"q\nb0\nb0",
			"/checkin\nK7MQ2P\nabc\nb0",
			"/admin\nb0\n100002\nJambi\nb0\nb1\nb0\nb0",
			"/admin\nb3\nb0\nb0",
			"/admin\nb1\nb0\nb0",
			"/buatacara\nb0\nTemu Alumni Baru\nb0\nb0\nAula\n-\n10-03-2027\n09.00\n15.00\n100\n-\nb0\nWorkshop\n-\n10.00\n11.00\nb1\nb0",
			"/buatacara\nb1\n-\nb0\n-\n-\n-\n-\n-\n-\n-\nb1\nb0",
			"/peserta gorontalo-2027\nb0\nb1\nb2",
			"/laporan\nb0\nb0\nb1",
			"/acara\nb0\nb0\nb0\nb0\nb1",
			"/tiket\nb0\nb0\nb0",
			"/start ev_gorontalo-2027\nb0\n/tiket\nb0\n/batal\nb0\nb0",
			"/batal\nb0\nb0",
			"/profil\nb0\nNama Baru\nb2\nAceh\nb0\nb3\nb1",
			"dg:0:claim:gorontalo-2027\ndg:0:open:jambi-2027",
			"drp:1:p:gorontalo-2027\ndad:1:grant\ndck:1:in\ndmk:0:pub\ndro:1:yes\ndtk:1:yes",
			"dob:999:p:15\nd\x00zz\nd::::\ndev:-1:pg:-5\ndpf:0:setlang:xx",
			"pfoto\no\n/start\npfoto\no",
			"b0\nb0\nb0\nb0", // double taps
		} {
			f.Add(who, script)
		}
	}
	w := newFuzzWorld(f)
	f.Fuzz(func(t *testing.T, who uint8, script string) {
		w.run(t, who%4, script)
	})
}

const (
	whoNew uint8 = iota
	whoAlumnus
	whoPanitia
	whoSuper
)

// Users of the fuzz world: the one driven by the script, an alumnus holding a seat (whose ticket
// is scanned), a panitia of Gorontalo and a super-admin.
const (
	fzUser    = 501
	fzHolder  = 11
	fzPanitia = 502
	fzSuper   = 503
)

type fuzzWorld struct {
	mu     sync.Mutex // the fuzz engine may run inputs of one process in parallel
	rdb    redis.UniversalClient
	st     *store.Store
	atlas  *area.Atlas
	demo   []flows.Meetup
	signer *ticket.Signer
	now    time.Time
}

func newFuzzWorld(f testing.TB) *fuzzWorld {
	f.Helper()
	atlas, err := area.Load()
	if err != nil {
		f.Fatal(err)
	}
	demo, err := meetupfile.Demo(atlas)
	if err != nil {
		f.Fatal(err)
	}
	signer, err := ticket.NewSigner([]byte("flows fuzz check-in secret, 32 bytes"))
	if err != nil {
		f.Fatal(err)
	}
	rdb := redistest.Start(f).Client(f)
	return &fuzzWorld{rdb: rdb, st: store.New(rdb, ""), atlas: atlas, demo: demo, signer: signer,
		now: time.Date(2027, 2, 3, 1, 30, 0, 0, time.UTC)} // 09.30 WITA on the day of the Gorontalo meetup
}

// reset empties Redis and seeds it: the demo meetups, a panitia of Gorontalo, an alumnus holding a
// seat there. It returns that seat's ticket token.
func (w *fuzzWorld) reset(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	if err := w.rdb.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	for _, m := range w.demo {
		if err := w.st.SaveMeetup(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.st.Grant(ctx, fzPanitia, "75"); err != nil {
		t.Fatal(err)
	}
	p := &flows.Profile{Name: "Vita", Province: "75", Regency: "75.71", Wave: 12, Lang: locales.ID,
		ConsentAt: w.now, CreatedAt: w.now, Active: true}
	if err := w.st.Commit(ctx, flows.Commit{User: fzHolder, Update: 1, Next: flows.Session{Profile: p}, Now: w.now}); err != nil {
		t.Fatal(err)
	}
	seat, err := w.st.Reserve(ctx, "gorontalo-2027", fzHolder, w.now)
	if err != nil || seat.Status != flows.SeatConfirmed {
		t.Fatalf("reserve: %+v %v", seat, err)
	}
	return w.signer.Token("gorontalo-2027", fzHolder, seat.Code)
}

// run plays a script and returns the flow the chat is in after each input.
func (w *fuzzWorld) run(t testing.TB, who uint8, script string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	token := w.reset(t)
	app := &flows.App{Atlas: w.atlas, Meetups: w.st, BotUsername: "alumnibot", Roles: w.st, Grants: w.st,
		Desk: w.st, Tickets: w.signer, Writer: w.st, Reports: w.st, SuperAdmins: map[int64]bool{fzSuper: true}}
	user := int64(fzUser)
	var s flows.Session
	profile := &flows.Profile{Name: "Hujaipah", Province: "75", Regency: "75.71", Wave: 3, Lang: locales.ID,
		ConsentAt: w.now, CreatedAt: w.now, Active: true}
	switch who {
	case whoAlumnus:
		s.Profile = profile
	case whoPanitia:
		user = fzPanitia // no alumnus profile: organizers need none
	case whoSuper:
		user, s.Profile = fzSuper, profile
	}
	if s.Profile != nil { // stored too, as the engine would have: the store indexes places in it
		if err := w.st.Commit(context.Background(), flows.Commit{User: user, Update: 1, Next: s, Now: w.now}); err != nil {
			t.Fatal(err)
		}
	}
	var last flows.Result
	var visited []string
	lines := strings.Split(script, "\n")
	for i, line := range lines[:min(len(lines), 40)] { // bounded: a script is one conversation
		in, ok := fuzzInput(line, last, token)
		if !ok {
			continue
		}
		in.UpdateID, in.UserID, in.FirstName, in.LangCode = int64(i+2), user, "Vita", "id"
		in.Now = w.now.Add(time.Duration(i) * 3 * time.Second) // within the double-tap window of each other
		next, res, err := app.Step(context.Background(), s, in)
		if err != nil {
			t.Logf("input %d %q: %v (session kept, as the engine does)", i, line, err)
			continue
		}
		if err := flows.CheckSession(next); err != nil {
			t.Fatalf("after input %d %q: %v", i, line, err)
		}
		for _, r := range res.Replies {
			for _, row := range r.Buttons {
				for _, b := range row {
					if len(b.Data) > 64 || b.Data == "" && b.URL == "" {
						t.Fatalf("after input %d %q: button %q has callback data %q", i, line, b.Text.ID+b.Text.Raw, b.Data)
					}
				}
			}
		}
		s, last = next, res
		visited = append(visited, s.Conv.Flow)
	}
	return visited
}

// fuzzInput makes one line of a script an Input; false for a line that means nothing (a tap when
// there is no button).
func fuzzInput(line string, last flows.Result, token string) (flows.Input, bool) {
	switch {
	case strings.HasPrefix(line, "/"):
		word, rest, _ := strings.Cut(line[1:], " ")
		return flows.Input{Kind: flows.KindCommand, Command: strings.ToLower(word), Payload: rest}, true
	case line == "q":
		return flows.Input{Kind: flows.KindCommand, Command: "start", Payload: "ci_" + token}, true
	case len(line) > 1 && line[0] == 'b' && isDigits(line[1:]):
		var all []string
		for _, r := range last.Replies {
			for _, row := range r.Buttons {
				for _, b := range row {
					if b.Data != "" {
						all = append(all, b.Data)
					}
				}
			}
		}
		if len(all) == 0 {
			return flows.Input{}, false
		}
		n, _ := strconv.Atoi(line[1:min(len(line), 6)])
		return flows.Input{Kind: flows.KindButton, Data: all[n%len(all)], MessageID: 1}, true
	case strings.HasPrefix(line, "d"):
		return flows.Input{Kind: flows.KindButton, Data: line[1:], MessageID: 1}, true
	case strings.HasPrefix(line, "p"):
		return flows.Input{Kind: flows.KindPhoto, Text: line[1:]}, true
	case line == "o":
		return flows.Input{Kind: flows.KindOther}, true
	}
	return flows.Input{Kind: flows.KindText, Text: line}, true
}

func isDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// TestFuzzScriptsReachEveryFlow keeps the seed corpus honest: its scripts between them open every
// registered conversation, so the fuzzer starts from inside each flow.
func TestFuzzScriptsReachEveryFlow(t *testing.T) {
	seen := map[string]bool{}
	w := newFuzzWorld(t)
	for _, who := range []uint8{whoNew, whoAlumnus, whoPanitia, whoSuper} {
		for _, script := range []string{
			"/start", "/profil", "/acara\nb0", "/tiket", "/batal", "/admin\nb0", "/admin", "q", "/checkin",
			"/buatacara", "/peserta", "dg:0:open:gorontalo-2027", "/start ev_gorontalo-2027\nb0\n/batal",
		} {
			for _, f := range w.run(t, who, script) {
				seen[f] = true
			}
		}
	}
	for _, name := range []string{"ob", "pf", "ev", "tk", "ad", "ro", "ck", "mk", "rp"} {
		if !seen[name] {
			t.Errorf("no seed script reaches flow %q (reached %v)", name, seen)
		}
	}
}

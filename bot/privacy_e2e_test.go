package bot_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/alumnibot/alumnibot/locales"
)

// An alumnus who holds the last seat of a meetup, was checked in there, brought a friend and got a
// role asks for their data, then has it erased: afterwards no key and no value in Redis names them
// (the meetup's counters aside), the friend's profile no longer points at them, and their seat went to
// the first on the waiting list, who is told once.
func TestEraseLeavesNoTraceOfTheAlumnus(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	ctx := context.Background()
	rina := c.Alumnus("Rina", "id")
	deskBot(t, rina)
	m, err := c.Store.Meetup(ctx, "jambi-2027")
	if err != nil {
		t.Fatal(err)
	}
	m.Capacity = 1
	if err := c.Store.SaveMeetup(ctx, *m); err != nil {
		t.Fatal(err)
	}
	vita := c.Alumnus("Vita", "id").Onboard()
	dewi := c.Alumnus("Dewi", "id").Onboard()
	friend := c.Alumnus("Sari", "id")
	friend.Send("/start ref_" + strconv.FormatInt(vita.ID, 10)).Tap("Sari").Send("Jambi").Send("Kota Jambi").Send("27").
		Tap(c.Catalog.Render(locales.ID, locales.Msg("btn.consent_yes")))
	if p := c.Profile(friend); p == nil || p.ReferredBy != vita.ID {
		t.Fatalf("Sari's profile %+v, want referred by Vita", p)
	}
	vita.Send("/start ev_jambi-2027").Tap("🙋 Aku ikut")
	dewi.Send("/start ev_jambi-2027").Tap("⏳ Masuk daftar tunggu")
	seat, err := c.Store.SeatOf(ctx, "jambi-2027", vita.ID)
	if err != nil || seat.Code == "" {
		t.Fatalf("Vita's seat %+v, %v", seat, err)
	}
	rina.Send("/checkin " + seat.Code)
	if err := c.Store.Grant(ctx, vita.ID, "15"); err != nil {
		t.Fatal(err)
	}

	data, err := c.Store.MyData(ctx, vita.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(data)
	for _, want := range []string{"Vita", "jambi-2027", seat.Code, "checked_in_at", "organizer_role", "alumni_you_invited:1"} {
		if !strings.Contains(got, want) {
			t.Errorf("/datasaya's data lacks %q: %s", want, got)
		}
	}
	vita.Send("/datasaya")
	if last, _ := c.API.LastMessage(vita.ID); last.Document != "datasaya.json" {
		t.Fatalf("/datasaya sent %+v, want the file datasaya.json", last)
	}
	vita.Tap("🗑 Hapus dataku").Expect("Yakin mau menghapus semua datamu?").
		Send("mungkin").Expect("Ketuk \"Ya, hapus semua\"").
		Tap("Ya, hapus semua").Expect("Semua datamu sudah kami hapus")

	// Dewi is offered the freed seat, once however often the notices are sent.
	atlas, _ := demoMeetups(t)
	own := onItsOwn{}
	for range 2 {
		own.during(c, func() {
			if err := c.Bot.SendNotices(ctx, c.Store, atlas); err != nil {
				t.Fatal(err)
			}
		}, dewi)
	}
	if n := countMessages(c.API.Chat(dewi.ID), "Ada kursi kosong"); n != 1 {
		t.Errorf("Dewi was offered the seat %d times, want once\n%s", n, dewi.Transcript())
	}
	if p := c.Profile(friend); p == nil || p.ReferredBy != 0 {
		t.Errorf("Sari's profile still points at Vita: %+v", p)
	}
	c.Settle()
	if traces := tracesOf(t, c.Redis.Client(t), vita.ID); len(traces) > 0 {
		t.Errorf("Redis still names Vita (%d):\n%s", vita.ID, strings.Join(traces, "\n"))
	}

	// She can start again: the button leads into onboarding.
	vita.Tap("Mulai lagi").Expect("nama")
	for _, u := range []*e2eUser{vita, dewi, friend, rina} {
		checkShape(t, u, own.is)
	}
}

// tracesOf lists every key whose name or value holds the user id as a whole number, counters aside
// (a meetup's stats hash holds numbers, not people).
func tracesOf(t *testing.T, rdb redis.UniversalClient, user int64) []string {
	t.Helper()
	ctx := context.Background()
	id := strconv.FormatInt(user, 10)
	holds := func(s string) bool {
		for i := strings.Index(s, id); i >= 0; {
			before, after := i == 0 || !isDigit(s[i-1]), i+len(id) == len(s) || !isDigit(s[i+len(id)])
			if before && after {
				return true
			}
			j := strings.Index(s[i+1:], id)
			if j < 0 {
				break
			}
			i += 1 + j
		}
		return false
	}
	var out []string
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.HasSuffix(k, ":stats") {
			continue
		}
		if holds(k) {
			out = append(out, "key "+k)
			continue
		}
		var vals []string
		switch typ, _ := rdb.Type(ctx, k).Result(); typ {
		case "string":
			vals = []string{rdb.Get(ctx, k).Val()}
		case "hash":
			for f, v := range rdb.HGetAll(ctx, k).Val() {
				vals = append(vals, f, v)
			}
		case "set":
			vals = rdb.SMembers(ctx, k).Val()
		case "zset":
			vals = rdb.ZRange(ctx, k, 0, -1).Val()
		case "list":
			vals = rdb.LRange(ctx, k, 0, -1).Val()
		case "stream":
			for _, m := range rdb.XRange(ctx, k, "-", "+").Val() {
				vals = append(vals, fmt.Sprint(m.Values))
			}
		}
		for _, v := range vals {
			if holds(v) {
				out = append(out, fmt.Sprintf("%s: %.200s", k, v))
				break
			}
		}
	}
	return out
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// /datasaya and /hapusdata as golden transcripts: Vita, holding a seat, gets her data as a file,
// opens /hapusdata and keeps her data, then erases it from the file's button (a typed "mungkin" asked
// again), and starts again.
func TestGoldenPrivacyID(t *testing.T) { goldenPrivacy(t, "id", "privacy_id.txt", "mungkin") }
func TestGoldenPrivacyEN(t *testing.T) { goldenPrivacy(t, "en", "privacy_en.txt", "maybe") }

func goldenPrivacy(t *testing.T, lang, golden, unclear string) {
	parallel(t)
	c := e2e.Start(t)
	_, demo := demoMeetups(t)
	for _, m := range demo {
		if err := c.Store.SaveMeetup(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	say := func(id string) string { return c.Catalog.Render(locales.LangFromCode(lang), locales.Msg(id)) }
	vita := c.Alumnus("Vita", lang).Onboard()
	vita.Send("/start ev_jambi-2027").Tap(say("btn.rsvp"))
	vita.Send("/datasaya")
	if last, _ := c.API.LastMessage(vita.ID); last.Document != "datasaya.json" {
		t.Fatalf("/datasaya sent %+v, want the file datasaya.json", last)
	}
	vita.Send("/hapusdata").Tap(say("pd.btn_keep"))
	vita.Tap(say("pd.btn_erase")).Send(unclear).Tap(say("pd.btn_erase_yes")).Tap(say("pd.btn_start_again"))
	if p := c.Profile(vita); p != nil {
		t.Errorf("Vita's profile after erasing: %+v", p)
	}
	checkGolden(t, golden, fromCommand(vita, "/datasaya"))
	checkShape(t, vita, nil)
}

// fromCommand is the chat's transcript from the first time the user typed cmd: onboarding and
// joining are other goldens'.
func fromCommand(u *e2eUser, cmd string) string {
	tr := u.Transcript()
	if i := strings.Index(tr, "user: "+cmd+"\n"); i >= 0 {
		return tr[i:]
	}
	return tr
}

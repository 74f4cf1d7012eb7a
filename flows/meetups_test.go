package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/store"
)

// meetupWorld is the meetup flows over a real store, with the demo meetups (Gorontalo, Jambi).
type meetupWorld struct {
	t     *testing.T
	app   *flows.App
	st    *store.Store
	cat   *locales.Catalog
	now   time.Time
	demo  []flows.Meetup
	users map[int64]*member

	// handle, when set, runs an input instead of App.Step on the member's session (the engine, over
	// the store); failing makes its error expected: it is kept in lastErr instead of failing the test.
	handle  func(flows.Input) (flows.Result, error)
	failing bool
	lastErr error
}

type member struct {
	id   int64
	s    flows.Session
	last flows.Result
	upd  int64
}

func newMeetupWorld(t *testing.T) *meetupWorld {
	t.Helper()
	atlas, err := area.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(redistest.Start(t).Client(t), "")
	demo, err := meetupfile.Demo(atlas)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range demo {
		if err := st.SaveMeetup(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	return &meetupWorld{
		t: t, app: &flows.App{Atlas: atlas, Meetups: st, BotUsername: "alumnibot_test_bot"}, st: st,
		cat: locales.MustLoad(), now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), demo: demo,
		users: map[int64]*member{},
	}
}

// alumnus is an onboarded alumnus of a province.
func (w *meetupWorld) alumnus(id int64, province, regency string) *member {
	m := &member{id: id, s: flows.Session{Profile: &flows.Profile{
		Name: "Alumni", Province: province, Regency: regency, Wave: 27, Lang: locales.ID, Active: true,
	}}}
	// Stored too, as the engine would have: the store indexes the alumnus's places in the profile.
	if err := w.st.Commit(context.Background(), flows.Commit{User: id, Update: -1, Next: m.s, Now: w.now}); err != nil {
		w.t.Fatal(err)
	}
	w.users[id] = m
	return m
}

func (w *meetupWorld) input(m *member, in flows.Input) string {
	w.t.Helper()
	m.upd++
	in.UpdateID, in.UserID, in.Now = m.upd, m.id, w.now
	var err error
	if w.handle != nil {
		var res flows.Result
		if res, err = w.handle(in); err == nil {
			m.last = res
		}
	} else {
		m.s, m.last, err = w.app.Step(context.Background(), m.s, in)
	}
	if err != nil && w.failing {
		w.lastErr = err
		return ""
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return w.render(m.last)
}

func (w *meetupWorld) render(r flows.Result) string {
	var b strings.Builder
	for _, rep := range r.Replies {
		b.WriteString(w.cat.Render(r.Lang, rep.Text))
		b.WriteString("\n")
	}
	return b.String()
}

func (w *meetupWorld) send(m *member, text string) string {
	word, rest, _ := strings.Cut(text, " ")
	return w.input(m, flows.Input{Kind: flows.KindCommand, Command: strings.TrimPrefix(word, "/"), Payload: rest})
}

func (w *meetupWorld) tap(m *member, label string) string {
	w.t.Helper()
	for i := len(m.last.Replies) - 1; i >= 0; i-- {
		for _, row := range m.last.Replies[i].Buttons {
			for _, b := range row {
				if w.cat.Render(m.last.Lang, b.Text) == label && b.Data != "" {
					return w.input(m, flows.Input{Kind: flows.KindButton, Data: b.Data, MessageID: 1})
				}
			}
		}
	}
	w.t.Fatalf("no button %q in:\n%s", label, w.render(m.last))
	return ""
}

func expectIn(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("reply lacks %q:\n%s", w, got)
		}
	}
}

func TestMeetupListDetailAndRSVP(t *testing.T) {
	w := newMeetupWorld(t)
	vita := w.alumnus(1, "75", "75.71") // Gorontalo
	list := w.send(vita, "/acara")
	if strings.Index(list, "Gorontalo") > strings.Index(list, "Jambi") {
		t.Fatalf("home province not first:\n%s", list)
	}
	detail := w.tap(vita, "Temu Alumni Gorontalo")
	expectIn(t, detail, "Rabu, 3 Februari 2027 pukul 09.00–15.00 WITA", "ASTON Gorontalo Hotel & Villas",
		"10.30–12.00 WITA Strategi Digital Marketing — Lembaga Pelatihan Screenesia", "Kursi tersisa: 100 dari 100")
	got := w.tap(vita, "🙋 Aku ikut")
	expectIn(t, got, "✅ Kursimu sudah aman. Kode check-in:", "🎫 Tiket: Temu Alumni Gorontalo\n📅 Rabu, 3 Februari 2027 pukul 09.00–15.00 WITA\n📍 ASTON Gorontalo Hotel & Villas",
		"Tunjukkan QR ini ke panitia di pintu masuk")
	// One tap, one new message (the ticket: one QR photo) plus the edit of the page it was on.
	if r := vita.last.Replies; len(r) != 2 || !r[0].Edit || r[1].Edit || r[1].File == nil || r[1].File.Kind != flows.FileTicketQR {
		t.Errorf("RSVP answered with %+v, want the page edited and the QR ticket", r)
	}
	if strings.Contains(got, "Kursi sudah penuh") {
		t.Errorf("the page tells a seat holder the meetup is full:\n%s", got)
	}
	seat, _ := w.st.SeatOf(context.Background(), "gorontalo-2027", 1)
	expectIn(t, w.send(vita, "/tiket"), "Kode check-in: "+seat.Code)
	// The same button again later (not a double tap): stale, nothing changes.
	vita.last.Replies = []flows.Reply{{Buttons: [][]flows.Button{{{Text: locales.Msg("btn.rsvp"), Data: "ev:0:rsvp"}}}}}
	expectIn(t, w.tap(vita, "🙋 Aku ikut"), "Tombol ini sudah tidak berlaku")
	if av, _ := w.st.Availability(context.Background(), "gorontalo-2027"); av.Confirmed != 1 {
		t.Fatalf("confirmed = %d", av.Confirmed)
	}
}

func TestWaitlistCancelOfferClaim(t *testing.T) {
	ctx := context.Background()
	w := newMeetupWorld(t)
	small := w.demo[1]
	small.ID, small.Capacity = "jambi-kecil", 1
	if err := w.st.SaveMeetup(ctx, small); err != nil {
		t.Fatal(err)
	}
	hujaipah := w.alumnus(1, "15", "15.71")
	vita := w.alumnus(2, "15", "15.71")
	w.send(hujaipah, "/start ev_jambi-kecil")
	expectIn(t, w.tap(hujaipah, "🙋 Aku ikut"), "Kode check-in")
	expectIn(t, w.send(vita, "/start ev_jambi-kecil"), "Kursi sudah penuh")
	got := w.tap(vita, "⏳ Masuk daftar tunggu")
	expectIn(t, got, "Kamu di daftar tunggu nomor 1", "kamu masuk daftar tunggu Temu Alumni Jambi")
	if n := strings.Count(got, "nomor 1"); n != 1 {
		t.Errorf("the waiting-list position said %d times:\n%s", n, got)
	}

	// Hujaipah cancels through /batal; the seat is offered to Vita, and a notice waits in the outbox.
	w.send(hujaipah, "/batal")
	expectIn(t, w.tap(hujaipah, "Temu Alumni Jambi"), "Yakin mau batal ikut Temu Alumni Jambi?")
	expectIn(t, w.tap(hujaipah, "Ya, batalkan"), "kamu batal ikut Temu Alumni Jambi")
	ns, err := w.st.PeekNotices(ctx, "jambi-kecil", 10)
	if err != nil || len(ns) != 1 || ns[0].Kind != flows.NoticeOffer || ns[0].Alumnus != 2 {
		t.Fatalf("outbox = %+v, %v", ns, err)
	}
	if want := w.now.Add(flows.DefaultClaimWindow); !ns[0].Until.Equal(want) {
		t.Fatalf("offer until %s, want %s", ns[0].Until, want)
	}
	// Vita claims from the notice's button (a global one, valid whatever she is doing).
	vita.last = flows.Result{Lang: locales.ID, Replies: []flows.Reply{{Buttons: [][]flows.Button{{
		flows.GlobalButton(locales.Msg("btn.claim"), "claim", "jambi-kecil")}}}}}
	expectIn(t, w.tap(vita, "🎟 Ambil kursi"), "✅ Kursimu sudah aman!", "Tiket: Temu Alumni Jambi", "Kode check-in")
	if r := vita.last.Replies; len(r) != 1 || r[0].File == nil || r[0].File.Kind != flows.FileTicketQR {
		t.Errorf("claim from the notice answered with %+v, want only the QR ticket", r)
	}
	if seat, _ := w.st.SeatOf(ctx, "jambi-kecil", 2); seat.Status != flows.SeatConfirmed {
		t.Fatalf("vita's seat = %+v", seat)
	}
}

func TestOfferRunsOutBeforeClaim(t *testing.T) {
	ctx := context.Background()
	w := newMeetupWorld(t)
	small := w.demo[0]
	small.ID, small.Capacity = "gtlo-kecil", 1
	if err := w.st.SaveMeetup(ctx, small); err != nil {
		t.Fatal(err)
	}
	a, b := w.alumnus(1, "75", "75.71"), w.alumnus(2, "75", "75.71")
	for _, m := range []*member{a, b} {
		w.send(m, "/start ev_gtlo-kecil")
		if m == a {
			w.tap(m, "🙋 Aku ikut")
		} else {
			w.tap(m, "⏳ Masuk daftar tunggu")
		}
	}
	if _, _, err := w.st.CancelRSVP(ctx, "gtlo-kecil", 1, w.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(2 * time.Hour)
	if _, _, err := w.st.ExpireOffers(ctx, "gtlo-kecil", w.now, w.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b.last = flows.Result{Lang: locales.ID, Replies: []flows.Reply{{Buttons: [][]flows.Button{{
		flows.GlobalButton(locales.Msg("btn.claim"), "claim", "gtlo-kecil")}}}}}
	// The offer was withdrawn when it ran out: there is none now, and the answer says so.
	expectIn(t, w.tap(b, "🎟 Ambil kursi"), "Saat ini tidak ada kursi yang sedang ditawarkan untukmu di Temu Alumni Gorontalo")
}

func TestOfferExpiry(t *testing.T) {
	m := flows.Meetup{Start: time.Date(2027, 3, 18, 2, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		now  time.Time
		want time.Time
	}{
		{m.Start.Add(-10 * 24 * time.Hour), m.Start.Add(-10*24*time.Hour + 12*time.Hour)},
		{m.Start.Add(-20 * time.Hour), m.Start.Add(-18 * time.Hour)}, // last day: 2 h
		{m.Start.Add(-time.Hour), m.Start},                           // never past the start
	} {
		if got := flows.OfferExpiry(m, tc.now); !got.Equal(tc.want) {
			t.Errorf("OfferExpiry(now=%s) = %s, want %s", tc.now, got, tc.want)
		}
	}
}

func TestMeetupDeepLinks(t *testing.T) {
	w := newMeetupWorld(t)
	vita := w.alumnus(1, "15", "15.71")
	expectIn(t, w.send(vita, "/start ev_jambi-2027"), "Kamis, 18 Maret 2027 pukul 09.00–15.00 WIB", "Swiss-Belhotel Jambi")
	expectIn(t, w.send(vita, "/start ev_tidak-ada"), "acara itu tidak ada")
}

package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// checkShape fails unless the last answer is what conversation.md asks of one tap or command: one
// new message at most plus at most one edit, at least one of them, every message within 1,000
// characters, and every message with a button on.
func checkShape(t *testing.T, w *meetupWorld, m *member, what string) {
	t.Helper()
	var sent, edits int
	for _, r := range m.last.Replies {
		if r.Edit {
			edits++
		} else {
			sent++
		}
		text := w.cat.Render(m.last.Lang, r.Text)
		if n := utf8.RuneCountInString(text); n > 1000 {
			t.Errorf("%s: a message of %d characters:\n%s", what, n, text)
		}
		if len(r.Buttons) == 0 {
			t.Errorf("%s: a message without a way forward:\n%s", what, text)
		}
	}
	if sent > 1 || edits > 1 || sent+edits == 0 {
		t.Errorf("%s: answered with %d new messages and %d edits:\n%s", what, sent, edits, w.render(m.last))
	}
}

// From the meetup list to a seat with its ticket, the waiting list, an offer taken, the calendar,
// the map pin, the invitation and the tickets: each tap brings one message, plus at most the edit of
// the message tapped, and always a way on.
func TestMeetupTapsAnswerWithOneMessage(t *testing.T) {
	ctx := context.Background()
	w := newMeetupWorld(t)
	jambi := w.demo[1]
	jambi.ID, jambi.Capacity = "jambi-kecil", 1
	jambi.Venue.Lat, jambi.Venue.Lon = -1.6101, 103.6131
	if err := w.st.SaveMeetup(ctx, jambi); err != nil {
		t.Fatal(err)
	}
	hujaipah, vita := w.alumnus(1, "15", "15.71"), w.alumnus(2, "15", "15.71")
	step := func(m *member, what string, do func() string, want ...string) {
		t.Helper()
		got := do()
		checkShape(t, w, m, what)
		expectIn(t, got, want...)
	}
	tap := func(m *member, label string, want ...string) {
		t.Helper()
		step(m, "tap "+label, func() string { return w.tap(m, label) }, want...)
	}
	send := func(m *member, cmd string, want ...string) {
		t.Helper()
		step(m, cmd, func() string { return w.send(m, cmd) }, want...)
	}

	send(hujaipah, "/start ev_jambi-kecil", "🪑 Kursi tersisa: 1 dari 1")
	tap(hujaipah, "🙋 Aku ikut", "✅ Kursimu sudah aman!", "Tunjukkan QR ini ke panitia di pintu masuk")
	if r := hujaipah.last.Replies; r[len(r)-1].File == nil || r[len(r)-1].File.Kind != flows.FileTicketQR {
		t.Fatalf("the ticket is not the QR photo: %+v", r)
	}
	tap(hujaipah, "📍 Lokasi")
	if v := hujaipah.last.Replies[0].Venue; v == nil || v.Lat != -1.6101 || v.Lon != 103.6131 || v.Address == "" {
		t.Fatalf("venue pin = %+v", v)
	}
	tap(hujaipah, "‹ Kembali", "Temu Alumni Jambi")
	tap(hujaipah, "📎 File .ics")
	if f := hujaipah.last.Replies[0].File; f == nil || f.Kind != flows.FileCalendar {
		t.Fatalf("the .ics button sent %+v", hujaipah.last.Replies)
	}
	tap(hujaipah, "‹ Kembali")
	tap(hujaipah, "📤 Ajak teman", "Yuk ikut Temu Alumni Jambi!", "https://t.me/alumnibot_test_bot?start=ev_jambi-kecil")
	send(hujaipah, "/tiket", "🎫 Tiketmu:")
	tap(hujaipah, "🎫 Temu Alumni Jambi", "🎫 Tiket: Temu Alumni Jambi")

	send(vita, "/acara", "Temu Alumni Jambi")
	send(vita, "/start ev_jambi-kecil", "Kursi sudah penuh.")
	tap(vita, "⏳ Masuk daftar tunggu", "⏳ Kamu di daftar tunggu nomor 1.")

	send(hujaipah, "/batal")
	tap(hujaipah, "Temu Alumni Jambi", "Yakin mau batal ikut Temu Alumni Jambi?")
	tap(hujaipah, "Ya, batalkan", "kamu batal ikut Temu Alumni Jambi")

	ns, err := w.st.PeekNotices(ctx, "jambi-kecil", 10)
	if err != nil || len(ns) != 1 {
		t.Fatalf("notices %+v, %v", ns, err)
	}
	vita.last = w.app.NoticeReply(ns[0], &jambi, vita.s.Profile, w.now)
	checkShape(t, w, vita, "the offer notice")
	expectIn(t, w.render(vita.last), "Ambil sebelum besok pukul 04.00 WIB ya.")
	tap(vita, "🎟 Ambil kursi", "✅ Kursimu sudah aman!", "🔑 Kode check-in:")
	if r := vita.last.Replies; len(r) != 1 || r[0].File == nil || r[0].File.Kind != flows.FileTicketQR {
		t.Fatalf("claiming from the notice answered with %+v, want the QR ticket alone", r)
	}
	tap(vita, "📄 Lihat acara", "✅ Kursimu sudah aman. Kode check-in:")
	tap(vita, "Batal ikut", "Yakin mau batal ikut")
	tap(vita, "Tidak jadi", "Tempatmu tetap aman")
	if !vita.last.Replies[0].Edit {
		t.Error("keeping the seat does not answer in place of the question")
	}
}

// Forged or stale buttons are answered with the truth: a claim without an offer is not told the
// time ran out, a cancel without a place is not warned that the seat goes to someone else.
func TestMeetupStaleButtonsTellTheTruth(t *testing.T) {
	w := newMeetupWorld(t)
	vita := w.alumnus(1, "15", "15.71")
	vita.last = flows.Result{Lang: locales.ID, Replies: []flows.Reply{{Buttons: [][]flows.Button{{
		flows.GlobalButton(locales.Msg("btn.claim"), "claim", "jambi-2027")}}}}}
	got := w.tap(vita, "🎟 Ambil kursi")
	checkShape(t, w, vita, "a claim without an offer")
	expectIn(t, got, "tidak ada kursi yang sedang ditawarkan untukmu")
	if strings.Contains(got, "habis") {
		t.Errorf("a claim without an offer is told the time ran out:\n%s", got)
	}

	w.send(vita, "/start ev_jambi-2027")
	nonce := vita.s.Conv.Nonce
	vita.last = flows.Result{Lang: locales.ID, Replies: []flows.Reply{{Buttons: [][]flows.Button{{
		{Text: locales.Msg("btn.cancel_rsvp"), Data: fmt.Sprintf("ev:%d:cancel", nonce)}}}}}}
	got = w.tap(vita, "Batal ikut")
	checkShape(t, w, vita, "a cancel without a place")
	expectIn(t, got, "Kamu sedang tidak ikut Temu Alumni Jambi")
	if strings.Contains(got, "diberikan ke alumni lain") {
		t.Errorf("a cancel without a place warns of a seat passed on:\n%s", got)
	}
}

// A meetup page stays within 1,000 characters whatever the organizer typed: a long description is cut
// with "…", the agenda lists a few workshops and then how many more; the ticket's caption too.
func TestMeetupPageWithinBudget(t *testing.T) {
	ctx := context.Background()
	w := newMeetupWorld(t)
	big := w.demo[1]
	big.ID, big.Capacity = "besar", 1500
	big.Title = strings.Repeat("Temu Alumni ", 7)[:80]
	big.Venue.Name = strings.Repeat("Gedung ", 15)[:100]
	big.Venue.Address = strings.Repeat("Jalan Panjang ", 15)[:200]
	big.Description = strings.Repeat("Deskripsi acara yang panjang sekali. ", 30)[:1000]
	big.Workshops = nil
	for i := range 10 {
		start := big.Start.Add(time.Duration(i) * 30 * time.Minute)
		big.Workshops = append(big.Workshops, flows.Workshop{Title: strings.Repeat("Workshop ", 9)[:80],
			Trainer: strings.Repeat("Pelatih ", 13)[:100], Start: start, End: start.Add(30 * time.Minute)})
	}
	if err := w.st.SaveMeetup(ctx, big); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []locales.Lang{locales.ID, locales.EN} {
		vita := w.alumnus(int64(len(w.users)+1), "15", "15.71")
		vita.s.Profile.Lang = lang
		page := w.send(vita, "/start ev_besar")
		checkShape(t, w, vita, string(lang)+" page")
		more := map[locales.Lang]string{locales.ID: " lainnya", locales.EN: " more"}[lang]
		left := map[locales.Lang]string{locales.ID: "1.500 dari 1.500", locales.EN: "of 1,500"}[lang]
		expectIn(t, page, "…", more, left)
		w.tap(vita, w.cat.Render(lang, locales.Msg("btn.rsvp")))
		checkShape(t, w, vita, string(lang)+" RSVP")
		if c := w.cat.Render(lang, vita.last.Replies[1].Text); utf8.RuneCountInString(c) > 1000 {
			t.Errorf("%s ticket caption of %d characters", lang, utf8.RuneCountInString(c))
		}
	}
}

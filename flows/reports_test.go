package flows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// Organizers of the report tests: a super-admin, an organizer of Jambi only, and an alumnus who is
// neither.
const (
	rpSuper     = 900
	rpJambiOrg  = 901
	rpAlumnus   = 902
	rpJambi     = "jambi-2027"     // demo meetup, Kamis, 18 Maret 2027 09.00 WIB
	rpGorontalo = "gorontalo-2027" // demo meetup, Rabu, 3 Februari 2027 09.00 WITA
)

func newReportWorld(t *testing.T) *meetupWorld {
	t.Helper()
	w := newMeetupWorld(t)
	w.app.Roles, w.app.Reports = w.st, w.st
	w.app.SuperAdmins = map[int64]bool{rpSuper: true}
	if err := w.st.Grant(context.Background(), rpJambiOrg, "15"); err != nil {
		t.Fatal(err)
	}
	return w
}

// rpOrganizer is a chat without an alumnus profile: organizers need none.
func (w *meetupWorld) rpOrganizer(id int64) *member {
	m := &member{id: id}
	w.users[id] = m
	return m
}

// rpRSVP gives an alumnus a stored profile (as onboarding would) and an RSVP for a meetup.
func (w *meetupWorld) rpRSVP(meetup string, id int64, name, regency string, referredBy int64) flows.Seat {
	w.t.Helper()
	ctx := context.Background()
	p := &flows.Profile{Name: name, Province: regency[:2], Regency: regency, Wave: 27, Lang: locales.ID,
		ConsentAt: w.now, CreatedAt: w.now, Active: true, ReferredBy: referredBy}
	if err := w.st.Commit(ctx, flows.Commit{User: id, Update: 1, Next: flows.Session{Profile: p}, Now: w.now}); err != nil {
		w.t.Fatal(err)
	}
	seat, err := w.st.Reserve(ctx, meetup, id, w.now)
	if err != nil {
		w.t.Fatal(err)
	}
	return seat
}

func (w *meetupWorld) rpCheckIn(meetup string, seat flows.Seat, at time.Time) {
	w.t.Helper()
	if ci, err := w.st.CheckIn(context.Background(), meetup, 0, seat.Code, at); err != nil || ci.Status != flows.CheckInOK {
		w.t.Fatalf("check in %s = %+v, %v", seat.Code, ci, err)
	}
}

// rpFiles lists the attachments of the last answer.
func rpFiles(m *member) []flows.Attachment {
	var out []flows.Attachment
	for _, r := range m.last.Replies {
		if r.File != nil {
			out = append(out, *r.File)
		}
	}
	return out
}

func rpExpectNot(t *testing.T, got string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(got, u) {
			t.Fatalf("reply shows %q:\n%s", u, got)
		}
	}
}

func TestParticipantsReport(t *testing.T) {
	w := newReportWorld(t)
	ctx := context.Background()
	small := w.demo[1] // Jambi with 3 seats
	small.ID, small.Capacity = "jambi-kecil", 3
	if err := w.st.SaveMeetup(ctx, small); err != nil {
		t.Fatal(err)
	}
	seats := map[int64]flows.Seat{}
	for i, name := range []string{"Vita", "Hujaipah", "Ani", "Budi", "Citra"} {
		seats[int64(i+1)] = w.rpRSVP("jambi-kecil", int64(i+1), name, "15.71", 0)
	}
	w.rpCheckIn("jambi-kecil", seats[1], w.now)
	if _, _, err := w.st.CancelRSVP(ctx, "jambi-kecil", 2, w.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	org := w.rpOrganizer(rpJambiOrg)
	got := w.send(org, "/peserta")
	expectIn(t, got, "Daftar peserta acara mana yang mau kamu lihat?", "Temu Alumni Jambi — Kamis, 18 Maret 2027")
	rpExpectNot(t, got, "Gorontalo")      // another province's meetup is not offered
	got = w.tap(org, "Temu Alumni Jambi") // the demo meetup (first of the two with that title)
	expectIn(t, got, "📋 Peserta Temu Alumni Jambi\nKamis, 18 Maret 2027 pukul 09.00–15.00 WIB",
		"Dapat kursi: 0 dari 120")
	if fs := rpFiles(org); len(fs) != 1 || fs[0] != (flows.Attachment{Kind: flows.FileParticipantsCSV, Meetup: rpJambi}) {
		t.Fatalf("files = %+v", fs)
	}

	// The picker stays usable: the small meetup's numbers, its CSV, and a caption Telegram accepts.
	got = w.send(org, "/peserta")
	var smallLabel int
	for _, row := range org.last.Replies[0].Buttons {
		if strings.HasSuffix(row[0].Data, ":jambi-kecil") {
			smallLabel++
			got = w.input(org, flows.Input{Kind: flows.KindButton, Data: row[0].Data, MessageID: 1})
		}
	}
	if smallLabel != 1 {
		t.Fatalf("jambi-kecil offered %d times:\n%s", smallLabel, got)
	}
	expectIn(t, got, "Dapat kursi: 2 dari 3\nDitawari kursi: 1\nDaftar tunggu: 1\nHadir: 1\nBatal: 1",
		"Daftar lengkapnya ada di file CSV ini.")
	if fs := rpFiles(org); len(fs) != 1 || fs[0] != (flows.Attachment{Kind: flows.FileParticipantsCSV, Meetup: "jambi-kecil"}) {
		t.Fatalf("files = %+v", fs)
	}
	if n := len(utf16.Encode([]rune(got))); n > 1024 {
		t.Fatalf("caption of %d characters is over Telegram's 1,024", n)
	}
	// From the answer, one tap to the same meetup's report.
	expectIn(t, w.tap(org, "📊 Laporan"), "📊 Laporan Temu Alumni Jambi", "2 alumni dari 1 kabupaten/kota sudah dapat kursi.")
	// And back to the meetups, now to pick a report.
	expectIn(t, w.tap(org, "‹ Acara lain"), "Laporan acara mana yang mau kamu lihat?")
}

func TestSummaryReportByRegency(t *testing.T) {
	w := newReportWorld(t)
	ctx := context.Background()
	type alum struct {
		name, regency string
		referredBy    int64
		came          bool
	}
	alumni := []alum{
		{"Vita", "15.71", 0, true}, {"Ani", "15.71", 0, true}, {"Budi", "15.71", 1, false},
		{"Citra", "15.05", 1, true}, {"Dedi", "15.05", 0, false},
		{"Eka", "15.08", 0, false},
		{"Fajar", "15.71", 0, false},
	}
	seats := map[int64]flows.Seat{}
	for i, a := range alumni {
		seats[int64(i+1)] = w.rpRSVP(rpJambi, int64(i+1), a.name, a.regency, a.referredBy)
	}
	// Fajar cancels: counted as a cancellation, gone from the rows.
	if _, _, err := w.st.CancelRSVP(ctx, rpJambi, 7, w.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	org := w.rpOrganizer(rpJambiOrg)
	w.send(org, "/laporan")
	got := w.tap(org, "Temu Alumni Jambi")
	expectIn(t, got,
		"📊 Laporan Temu Alumni Jambi\nKamis, 18 Maret 2027 pukul 09.00–15.00 WIB\n6 alumni dari 3 kabupaten/kota sudah dapat kursi.",
		"Dapat kursi: 6 dari 120", "Batal: 1", "Hadir: 0", "Lewat ajakan alumni lain: 2 (0 hadir)",
		"Per kabupaten/kota:\n• Kota Jambi: 3 dapat kursi, 0 hadir\n• Kabupaten Muaro Jambi: 2 dapat kursi, 0 hadir\n• Kabupaten Bungo: 1 dapat kursi, 0 hadir")
	if len(rpFiles(org)) != 0 {
		t.Fatalf("/laporan sent a file: %+v", rpFiles(org))
	}

	// On the day: the headline and the order follow who came.
	jambi := w.demo[1]
	w.now = jambi.Start.Add(2 * time.Hour)
	for i, a := range alumni {
		if a.came {
			w.rpCheckIn(rpJambi, seats[int64(i+1)], jambi.Start.Add(-15*time.Minute))
		}
	}
	w.send(org, "/laporan")
	got = w.tap(org, "Temu Alumni Jambi")
	expectIn(t, got, "🎉 3 alumni dari 2 kabupaten/kota hadir.", "Hadir: 3", "Lewat ajakan alumni lain: 2 (1 hadir)",
		"• Kota Jambi: 3 dapat kursi, 2 hadir\n• Kabupaten Muaro Jambi: 2 dapat kursi, 1 hadir\n• Kabupaten Bungo: 1 dapat kursi, 0 hadir")

	// The same in English.
	org.s.Conv = flows.Conv{}
	got = w.input(org, flows.Input{Kind: flows.KindCommand, Command: "laporan", Payload: rpJambi, LangCode: "en"})
	expectIn(t, got, "📊 Report: Temu Alumni Jambi\nThursday, 18 March 2027, 09:00–15:00 WIB", "🎉 3 alumni from 2 regencies and cities came.",
		"• Kota Jambi: 3 with a seat, 2 came")
}

// Organizers of one province see only its meetups; a forged button or a typed id for another
// province's meetup gets the answer an unknown meetup gets, and nothing of the meetup.
func TestReportsRefuseOtherProvinces(t *testing.T) {
	w := newReportWorld(t)
	w.rpRSVP(rpGorontalo, 1, "Rahmat", "75.71", 0)
	org := w.rpOrganizer(rpJambiOrg)
	for _, cmd := range []string{"/peserta", "/laporan"} {
		rpExpectNot(t, w.send(org, cmd), "Gorontalo")
		for _, action := range []string{"p", "l"} {
			forged := fmt.Sprintf("rp:%d:%s:%s", org.s.Conv.Nonce, action, rpGorontalo)
			got := w.input(org, flows.Input{Kind: flows.KindButton, Data: forged, MessageID: 1})
			expectIn(t, got, "Hmm, aku tidak menemukan acara itu di wilayahmu.")
			rpExpectNot(t, got, "Gorontalo", "Rahmat", "Terdaftar")
			if len(rpFiles(org)) != 0 {
				t.Fatalf("forged %q sent a file: %+v", forged, rpFiles(org))
			}
			// An unknown meetup gets the very same answer.
			unknown := fmt.Sprintf("rp:%d:%s:tidak-ada", org.s.Conv.Nonce, action)
			if again := w.input(org, flows.Input{Kind: flows.KindButton, Data: unknown, MessageID: 1}); again != got {
				t.Fatalf("unknown meetup answered\n%s\nbut another province's\n%s", again, got)
			}
		}
		expectIn(t, w.send(org, cmd+" "+rpGorontalo), "Hmm, aku tidak menemukan acara itu di wilayahmu.")
		expectIn(t, w.send(org, cmd+" x}:meetup"), "Hmm, aku tidak menemukan acara itu di wilayahmu.")
		if len(rpFiles(org)) != 0 {
			t.Fatalf("%s %s sent a file", cmd, rpGorontalo)
		}
	}
	// A super-admin sees both.
	admin := w.rpOrganizer(rpSuper)
	expectIn(t, w.send(admin, "/laporan"), "Temu Alumni Gorontalo", "Temu Alumni Jambi")
	expectIn(t, w.tap(admin, "Temu Alumni Gorontalo"), "1 alumni dari 1 kabupaten/kota sudah dapat kursi.")

	// Someone who is no organizer: a polite refusal for the command and for a button.
	alumnus := w.alumnus(rpAlumnus, "75", "75.71")
	expectIn(t, w.send(alumnus, "/peserta"), "khusus untuk panitia")
	alumnus.s.Conv = flows.Conv{Flow: "rp", Step: "pick", Nonce: 4, State: json.RawMessage(`{"which":"peserta"}`)}
	got := w.input(alumnus, flows.Input{Kind: flows.KindButton, Data: "rp:4:p:" + rpGorontalo, MessageID: 1})
	expectIn(t, got, "khusus untuk panitia")
	if len(rpFiles(alumnus)) != 0 || alumnus.s.Conv.Flow != "" {
		t.Fatalf("non-organizer's button: files %+v, conversation %+v", rpFiles(alumnus), alumnus.s.Conv)
	}

	// An organizer whose role is revoked while the picker is open loses access at once.
	w.send(org, "/peserta")
	if _, err := w.st.Revoke(context.Background(), rpJambiOrg); err != nil {
		t.Fatal(err)
	}
	expectIn(t, w.tap(org, "Temu Alumni Jambi"), "khusus untuk panitia")
	if len(rpFiles(org)) != 0 {
		t.Fatalf("revoked organizer got %+v", rpFiles(org))
	}
}

func TestReportPickerPromptsAndEdgeCases(t *testing.T) {
	w := newReportWorld(t)
	org := w.rpOrganizer(rpJambiOrg)
	w.send(org, "/laporan")
	// Typing where buttons are expected: a re-prompt with the picker again.
	got := w.input(org, flows.Input{Kind: flows.KindText, Text: "jambi"})
	expectIn(t, got, "Pilih salah satu tombol di bawah ya.", "Laporan acara mana yang mau kamu lihat?")
	// A button of an older picker is stale and shows the current one.
	old := fmt.Sprintf("rp:%d:l:%s", org.s.Conv.Nonce-1, rpJambi)
	expectIn(t, w.input(org, flows.Input{Kind: flows.KindButton, Data: old, MessageID: 1}),
		"Tombol ini sudah tidak berlaku", "Laporan acara mana yang mau kamu lihat?")

	// Long after the meetups ended, there is nothing to report on.
	w.now = w.demo[1].End.Add(31 * 24 * time.Hour)
	expectIn(t, w.send(org, "/laporan"), "Belum ada acara yang bisa dilaporkan")
	// Within 30 days of its end a meetup is still offered, marked as over.
	w.now = w.demo[1].End.Add(29 * 24 * time.Hour)
	expectIn(t, w.send(org, "/peserta"), "Temu Alumni Jambi — Kamis, 18 Maret 2027 (sudah selesai)")
	// Without a store that can report, the commands are unknown.
	w.app.Meetups = nil
	expectIn(t, w.send(org, "/laporan"), "/bantuan")
}

// A national meetup with alumni from every regency and the longest title: the report is one message
// within 1,000 characters in both languages, the caption of a CSV file with every regency; it shows
// the regencies with the most alumni and sums the rest up in one line.
func TestSummaryReportFitsOneMessage(t *testing.T) {
	w := newReportWorld(t)
	ctx := context.Background()
	national := w.demo[1]
	national.ID, national.Capacity = "nasional", 100000
	national.Title = strings.Repeat("Temu Alumni Nasional Kartu Prakerja ", 6)
	national.End = national.Start.Add(26 * time.Hour) // a date range over two days: the longest "When"
	if err := w.st.SaveMeetup(ctx, national); err != nil {
		t.Fatal(err)
	}
	var id int64
	regencies := 0
	for _, p := range w.app.Atlas.Provinces() {
		for _, g := range w.app.Atlas.Regencies(p.Code) {
			id++
			w.rpRSVP("nasional", id, "Alumni", g.Code, id-1)
			regencies++
		}
	}
	admin := w.rpOrganizer(rpSuper)
	for _, lang := range []string{"id", "en"} {
		admin.s.Conv = flows.Conv{}
		got := w.input(admin, flows.Input{Kind: flows.KindCommand, Command: "laporan", Payload: "nasional", LangCode: lang})
		if n := len(utf16.Encode([]rune(strings.TrimSuffix(got, "\n")))); n > 1000 {
			t.Fatalf("%s report is %d characters:\n%s", lang, n, got)
		}
		if len(admin.last.Replies) != 1 {
			t.Fatalf("%s report is %d messages", lang, len(admin.last.Replies))
		}
		if fs := rpFiles(admin); len(fs) != 1 || fs[0] != (flows.Attachment{Kind: flows.FileRegencyCSV, Meetup: "nasional"}) {
			t.Fatalf("%s report files = %+v", lang, fs)
		}
		expectIn(t, got, fmt.Sprintf("%s alumni", locales.FormatNumber(int64(regencies), locales.LangFromCode(lang))))
		rows := strings.Count(got, "\n• ") - 1
		more := fmt.Sprintf("…dan %d kabupaten/kota lain: %d dapat kursi, 0 hadir\n📎 Rincian semua kabupaten/kota ada di file CSV ini.", regencies-rows, regencies-rows)
		if lang == "en" {
			more = fmt.Sprintf("…and %d more regencies and cities: %d with a seat, 0 came\n📎 Every regency and city is in this CSV file.", regencies-rows, regencies-rows)
		}
		if rows < 1 || rows > 5 {
			t.Errorf("%s report shows %d regencies, want 1 to 5", lang, rows)
		}
		expectIn(t, got, more)
	}
}

// The length bound /laporan relies on holds for every regency name and the largest numbers: the
// worst case the code allows is measured by rendering it.
func TestSummaryLengthBoundHolds(t *testing.T) {
	w := newReportWorld(t)
	cat := locales.MustLoad()
	var longest []flows.RegencyRow
	for _, p := range w.app.Atlas.Provinces() {
		for _, g := range w.app.Atlas.Regencies(p.Code) {
			longest = append(longest, flows.RegencyRow{Regency: g.Code, Name: g.Name})
		}
	}
	slices.SortFunc(longest, func(a, b flows.RegencyRow) int { return len(b.Name) - len(a.Name) })
	const big = 100000
	title := strings.Repeat("W", 120)
	for _, lang := range []locales.Lang{locales.ID, locales.EN} {
		start := time.Date(2027, 9, 15, 9, 0, 0, 0, time.UTC)
		when := locales.FormatDateTimeRange(start, start.Add(26*time.Hour), lang, "WITA")
		for n := 1; n <= 5; n++ {
			rows := make([]flows.RegencyRow, n)
			for i := range rows {
				rows[i] = flows.RegencyRow{Regency: longest[i].Regency, Name: longest[i].Name, Going: big, Came: big, Waiting: big}
			}
			bound := flows.SummaryLength(rows, title, when, big)
			lines := []locales.Text{
				locales.Msg("report.summary_title", "Title", title, "When", when),
				locales.Msg("report.headline_going", "People", big, "Regencies", big),
				{}, locales.Msg("report.counts", "Confirmed", big, "Capacity", big, "Offered", big, "Waitlisted", big, "CheckedIn", big, "Cancelled", big),
				locales.Msg("report.referrals", "Referred", big, "Came", big),
				{}, locales.Msg("report.by_regency_top"),
			}
			for _, r := range rows {
				lines = append(lines, locales.Msg("report.regency_row", "Name", r.Name, "Going", r.Going, "Came", r.Came, "Waiting", r.Waiting))
			}
			lines = append(lines, locales.Msg("report.regency_more", "Count", big, "Going", big, "Came", big, "Waiting", big),
				locales.Msg("report.regency_file"))
			got := len(utf16.Encode([]rune(cat.Render(lang, locales.Lines(lines...)))))
			if got > bound {
				t.Errorf("%s, %d rows: the message is %d characters, over the bound %d", lang, n, got, bound)
			}
		}
	}
}

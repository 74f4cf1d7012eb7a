package flows_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/area"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/internal/redistest"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/meetupfile"
	"github.com/alumnibot/alumnibot/store"
	"github.com/alumnibot/alumnibot/ticket"
)

// desk is the organizer flows over the real engine and a real store: sessions, roles, RSVPs and
// check-ins all live in Redis, so every update re-reads the role as in production. The demo meetups
// are loaded: Gorontalo (3 February 2027, 09.00 WITA) and Jambi (18 March 2027, 09.00 WIB).
type desk struct {
	t      *testing.T
	ctx    context.Context
	st     *store.Store
	app    *flows.App
	eng    *flows.Engine
	cat    *locales.Catalog
	signer *ticket.Signer
	now    time.Time
	upd    int64
	last   map[int64]flows.Result
}

const deskSuper = 1

func newDesk(t *testing.T) *desk {
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
	ctx := context.Background()
	for _, m := range demo {
		if err := st.SaveMeetup(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	signer, err := ticket.NewSigner([]byte("flows test check-in secret, 32 bytes"))
	if err != nil {
		t.Fatal(err)
	}
	app := &flows.App{Atlas: atlas, Meetups: st, Roles: st, Grants: st, Desk: st, Tickets: signer,
		SuperAdmins: map[int64]bool{deskSuper: true}}
	return &desk{
		t: t, ctx: ctx, st: st, app: app, eng: &flows.Engine{App: app, Sessions: st}, cat: locales.MustLoad(),
		signer: signer, now: time.Date(2027, 2, 3, 1, 30, 0, 0, time.UTC), // 09.30 WITA at the Gorontalo meetup
		last: map[int64]flows.Result{},
	}
}

// alumnus saves an onboarded alumnus's profile, as the end of onboarding does.
func (d *desk) alumnus(id int64, name, regency string, wave int) {
	d.t.Helper()
	p := &flows.Profile{Name: name, Province: regency[:2], Regency: regency, Wave: wave, Lang: locales.ID,
		ConsentAt: d.now, CreatedAt: d.now, Active: true}
	d.upd++
	if err := d.st.Commit(d.ctx, flows.Commit{User: id, Update: d.upd, Next: flows.Session{Profile: p}, Now: d.now}); err != nil {
		d.t.Fatal(err)
	}
}

// rsvp confirms an alumnus's seat and returns the check-in code.
func (d *desk) rsvp(meetup string, alumnus int64) string {
	d.t.Helper()
	seat, err := d.st.Reserve(d.ctx, meetup, alumnus, d.now)
	if err != nil || seat.Status != flows.SeatConfirmed {
		d.t.Fatalf("reserve %s for %d: %+v %v", meetup, alumnus, seat, err)
	}
	return seat.Code
}

func (d *desk) input(user int64, in flows.Input) string {
	d.t.Helper()
	d.upd++
	in.UpdateID, in.UserID, in.Now, in.LangCode = d.upd, user, d.now, "id"
	out, err := d.eng.Handle(d.ctx, in)
	if err != nil {
		d.t.Fatal(err)
	}
	d.last[user] = out.Result
	return d.render(out.Result)
}

// render shows replies as the chat would, buttons in brackets.
func (d *desk) render(r flows.Result) string {
	var b strings.Builder
	for _, rep := range r.Replies {
		b.WriteString(d.cat.Render(r.Lang, rep.Text))
		b.WriteString("\n")
		for _, row := range rep.Buttons {
			for _, btn := range row {
				b.WriteString("[" + d.cat.Render(r.Lang, btn.Text) + "]")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func (d *desk) send(user int64, text string) string {
	d.t.Helper()
	if cmd, ok := strings.CutPrefix(text, "/"); ok {
		word, rest, _ := strings.Cut(cmd, " ")
		return d.input(user, flows.Input{Kind: flows.KindCommand, Command: word, Payload: rest})
	}
	return d.input(user, flows.Input{Kind: flows.KindText, Text: text})
}

// button finds the data of the newest button labelled label among the user's last replies.
func (d *desk) button(user int64, label string) string {
	d.t.Helper()
	last := d.last[user]
	for i := len(last.Replies) - 1; i >= 0; i-- {
		for _, row := range last.Replies[i].Buttons {
			for _, b := range row {
				if d.cat.Render(last.Lang, b.Text) == label {
					return b.Data
				}
			}
		}
	}
	d.t.Fatalf("no button %q in:\n%s", label, d.render(last))
	return ""
}

func (d *desk) tap(user int64, label string) string {
	d.t.Helper()
	return d.tapData(user, d.button(user, label))
}

func (d *desk) tapData(user int64, data string) string {
	d.t.Helper()
	return d.input(user, flows.Input{Kind: flows.KindButton, Data: data, MessageID: 1})
}

// checkedIn reports whether an alumnus is checked in at a meetup.
func (d *desk) checkedIn(meetup string, alumnus int64) bool {
	d.t.Helper()
	_, ok, err := d.st.CheckedInAt(d.ctx, meetup, alumnus)
	if err != nil {
		d.t.Fatal(err)
	}
	return ok
}

func deskExpectNot(t *testing.T, got string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(got, u) {
			t.Fatalf("reply has %q:\n%s", u, got)
		}
	}
}

const deskRefused = "khusus untuk panitia acara"

// A super-admin appoints an organizer for Jambi, who can check people in at Jambi but not at
// Gorontalo and cannot reach the super-admin's actions; once revoked, their next command and their
// next button are deskRefused.
func TestGrantedOrganizerChecksInOnlyTheirProvince(t *testing.T) {
	d := newDesk(t)
	const org = 500
	d.alumnus(10, "Hujaipah", "15.71", 27) // Kota Jambi
	d.alumnus(11, "Vita", "75.71", 12)     // Kota Gorontalo
	jambi, gtlo := d.rsvp("jambi-2027", 10), d.rsvp("gorontalo-2027", 11)

	expectIn(t, d.send(deskSuper, "/admin"), "Kamu panitia pusat", "[➕ Tambah panitia][👥 Daftar panitia]")
	expectIn(t, d.tap(deskSuper, "➕ Tambah panitia"), "nomor ID Telegram")
	expectIn(t, d.send(deskSuper, "lima ratus"), "belum berupa nomor ID")
	expectIn(t, d.send(deskSuper, "1"), "1 sudah panitia pusat")
	got := d.send(deskSuper, "500")
	expectIn(t, got, "500 jadi panitia untuk provinsi mana?", "[🇮🇩 Semua provinsi]", "[Jambi]")
	expectIn(t, d.send(deskSuper, "Atlantis"), "belum menemukan provinsi itu")
	expectIn(t, d.send(deskSuper, "jambi"), "Jadikan 500 panitia untuk provinsi Jambi?")
	expectIn(t, d.tap(deskSuper, "Ya, simpan"), "500 sekarang panitia untuk provinsi Jambi")
	if r, err := d.st.OrganizerRole(d.ctx, org); err != nil || !r.Organizer || r.Province != "15" {
		t.Fatalf("role of 500 = %+v, %v", r, err)
	}

	// The organizer needs no alumnus profile. Their menu has no super-admin buttons.
	menu := d.send(org, "/admin")
	expectIn(t, menu, "Kamu mengelola acara di provinsi Jambi", "[✅ Check-in peserta][❌ Batalkan acara]")
	deskExpectNot(t, menu, "Tambah panitia", "Daftar panitia")
	// A forged super-admin button with the right nonce: deskRefused, nothing granted.
	grant := strings.Replace(d.button(org, "❌ Batalkan acara"), ":cancel", ":grant", 1)
	expectIn(t, d.tapData(org, grant), "khusus panitia pusat")
	if orgs, _ := d.st.Organizers(d.ctx); len(orgs) != 1 {
		t.Fatalf("organizers = %+v", orgs)
	}

	expectIn(t, d.send(org, "/checkin "+strings.ToLower(jambi[:3])+" "+jambi[3:]),
		"✅ Hadir: Hujaipah, Kota Jambi, gelombang 27 — Temu Alumni Jambi, dicatat pukul 08.30 WIB.",
		"Ketik kode berikutnya")
	expectIn(t, d.send(org, gtlo), "Kode "+gtlo+" tidak ditemukan di acara yang kamu kelola")
	if !d.checkedIn("jambi-2027", 10) || d.checkedIn("gorontalo-2027", 11) {
		t.Fatal("check-ins are not Jambi only")
	}

	// The super-admin lists organizers and revokes the role, while the organizer's menu is open.
	d.send(org, "/admin")
	expectIn(t, d.send(deskSuper, "/admin"), "Kamu panitia pusat")
	expectIn(t, d.tap(deskSuper, "👥 Daftar panitia"), "Panitia yang ditunjuk (1)", "• 500 — Jambi", "[Cabut 500]")
	expectIn(t, d.tap(deskSuper, "Cabut 500"), "Cabut peran panitia dari 500 (provinsi Jambi)?")
	expectIn(t, d.tap(deskSuper, "Ya, cabut"), "Peran panitia 500 sudah dicabut.")
	expectIn(t, d.tap(org, "❌ Batalkan acara"), deskRefused)
	expectIn(t, d.send(org, "/checkin "+gtlo), deskRefused)
	expectIn(t, d.send(org, "/admin"), deskRefused)
	if d.checkedIn("gorontalo-2027", 11) {
		t.Fatal("a revoked organizer checked someone in")
	}
	expectIn(t, d.send(deskSuper, "/admin"), "Kamu panitia pusat")
	expectIn(t, d.tap(deskSuper, "👥 Daftar panitia"), "Belum ada panitia yang ditunjuk")
}

// An organizer for every province, appointed by button, and the grant's "never mind".
func TestGrantEveryProvinceByButton(t *testing.T) {
	d := newDesk(t)
	d.send(deskSuper, "/admin")
	d.tap(deskSuper, "➕ Tambah panitia")
	d.send(deskSuper, "777")
	expectIn(t, d.tap(deskSuper, "Berikutnya ›"), "[Kalimantan")
	if !d.last[deskSuper].Replies[0].Edit {
		t.Error("the province page is not turned in place")
	}
	expectIn(t, d.tap(deskSuper, "🇮🇩 Semua provinsi"), "Jadikan 777 panitia untuk semua provinsi?")
	expectIn(t, d.tap(deskSuper, "Tidak jadi"), "tidak ada yang diubah")
	if r, _ := d.st.OrganizerRole(d.ctx, 777); r.Organizer {
		t.Fatal("granted after never mind")
	}
	d.send(deskSuper, "/admin")
	d.tap(deskSuper, "➕ Tambah panitia")
	d.send(deskSuper, "777")
	d.tap(deskSuper, "🇮🇩 Semua provinsi")
	expectIn(t, d.tap(deskSuper, "Ya, simpan"), "777 sekarang panitia untuk semua provinsi")
	if r, _ := d.st.OrganizerRole(d.ctx, 777); !r.Organizer || r.Province != "" {
		t.Fatalf("role = %+v", r)
	}
	expectIn(t, d.send(777, "/admin"), "Kamu mengelola acara di semua provinsi")
}

// Someone who is no organizer gets a polite refusal for every organizer command, and neither a
// forged organizer button nor a valid ticket's link changes anything.
func TestNonOrganizerChangesNothing(t *testing.T) {
	d := newDesk(t)
	const vita, eve = 11, 66
	d.alumnus(vita, "Vita", "75.71", 12)
	d.alumnus(eve, "Eve", "75.71", 3)
	code := d.rsvp("gorontalo-2027", vita)

	expectIn(t, d.send(eve, "/admin"), deskRefused)
	expectIn(t, d.send(eve, "/checkin "+code), deskRefused)
	expectIn(t, d.send(eve, "/checkin"), deskRefused)
	expectIn(t, d.send(eve, "/start ci_"+d.signer.Token("gorontalo-2027", vita, code)), deskRefused)
	// Forged buttons of every organizer step, with plausible nonces: none is acted on.
	for n := range 4 {
		for _, data := range []string{"ad:%d:grant", "ad:%d:yes", "ad:%d:rv:500", "ad:%d:mt:gorontalo-2027", "ck:%d:in", "ad:%d:menu"} {
			got := d.tapData(eve, strings.Replace(data, "%d", strconv.Itoa(n), 1))
			deskExpectNot(t, got, "berhasil", "sekarang panitia", "sudah dibatalkan", "Menu panitia")
		}
	}
	if d.checkedIn("gorontalo-2027", vita) {
		t.Fatal("a non-organizer checked someone in")
	}
	if orgs, _ := d.st.Organizers(d.ctx); len(orgs) != 0 {
		t.Fatalf("organizers = %+v", orgs)
	}
	if m, _ := d.st.Meetup(d.ctx, "gorontalo-2027"); m.Status != flows.MeetupPublished {
		t.Fatalf("meetup status %s", m.Status)
	}
}

// Check-in by typed code: accepted in lower case with spaces; a second time it says when they came;
// an unknown code, a cancelled RSVP's code and a malformed one each get a clear answer.
func TestCheckInByCode(t *testing.T) {
	d := newDesk(t)
	d.alumnus(11, "Vita", "75.71", 12)
	d.alumnus(12, "Rahmat", "75.01", 5) // Kabupaten Gorontalo
	vita, rahmat := d.rsvp("gorontalo-2027", 11), d.rsvp("gorontalo-2027", 12)

	expectIn(t, d.send(deskSuper, "/checkin"), "Ketik kode check-in peserta")
	expectIn(t, d.send(deskSuper, "abc"), "belum seperti kode check-in")
	expectIn(t, d.send(deskSuper, " "+strings.ToLower(vita)+" "),
		"✅ Hadir: Vita, Kota Gorontalo, gelombang 12 — Temu Alumni Gorontalo, dicatat pukul 09.30 WITA.")
	d.now = d.now.Add(7 * time.Minute)
	expectIn(t, d.send(deskSuper, vita), "⚠️ Kode "+vita+" sudah dipakai: Vita, Kota Gorontalo, gelombang 12 sudah dicatat hadir pukul 09.30 WITA.")
	expectIn(t, d.send(deskSuper, "/checkin ZZZZZZ"), "Kode ZZZZZZ tidak ditemukan")

	if _, _, err := d.st.CancelRSVP(d.ctx, "gorontalo-2027", 12, d.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	expectIn(t, d.send(deskSuper, rahmat), "Kode "+rahmat+" tidak ditemukan", "kursinya sudah dibatalkan")
	if d.checkedIn("gorontalo-2027", 12) {
		t.Fatal("a cancelled RSVP was checked in")
	}
	expectIn(t, d.tap(deskSuper, "Selesai"), "check-in selesai")
	deskExpectNot(t, d.send(deskSuper, vita), "sudah dipakai", "tidak ditemukan") // no longer waiting for codes

	// Codes of a cancelled meetup are not checked in.
	d.rsvp("jambi-2027", 11)
	d.alumnus(13, "Sari", "15.71", 30)
	sari := d.rsvp("jambi-2027", 13)
	m, _ := d.st.Meetup(d.ctx, "jambi-2027")
	if _, err := d.st.CancelMeetup(d.ctx, *m); err != nil {
		t.Fatal(err)
	}
	expectIn(t, d.send(deskSuper, "/checkin "+sari), "Kode "+sari+" adalah tiket Temu Alumni Jambi, tapi acara itu sudah dibatalkan.")
	if d.checkedIn("jambi-2027", 13) {
		t.Fatal("checked in at a cancelled meetup")
	}
}

// A scanned ticket: a valid token shows whose it is and one tap checks them in; the button does not
// carry the token; an altered token, another meetup's token and a cancelled RSVP's token check nobody in.
func TestScannedTicket(t *testing.T) {
	d := newDesk(t)
	d.alumnus(11, "Vita", "75.71", 12)
	code := d.rsvp("gorontalo-2027", 11)
	token := d.signer.Token("gorontalo-2027", 11, code)

	expectIn(t, d.send(deskSuper, "/start ci_"+token), "Catat hadir: Vita, Kota Gorontalo, gelombang 12 — Temu Alumni Gorontalo?")
	data := d.button(deskSuper, "✅ Catat hadir")
	if strings.Contains(data, token) || strings.Contains(data, code) || len(data) > 64 {
		t.Fatalf("button data %q carries the ticket", data)
	}
	if d.checkedIn("gorontalo-2027", 11) {
		t.Fatal("checked in before the tap")
	}
	expectIn(t, d.tap(deskSuper, "✅ Catat hadir"), "✅ Hadir: Vita, Kota Gorontalo, gelombang 12 — Temu Alumni Gorontalo, dicatat pukul 09.30 WITA.")
	if !d.checkedIn("gorontalo-2027", 11) {
		t.Fatal("not checked in")
	}
	if got := d.tapData(deskSuper, data); got != "" { // a double tap: one effect, one answer
		t.Fatalf("second tap of a double tap answered:\n%s", got)
	}
	d.now = d.now.Add(time.Minute)
	expectIn(t, d.tapData(deskSuper, data), "Tombol ini sudah tidak berlaku") // later: stale
	expectIn(t, d.send(deskSuper, "/start ci_"+token), "sudah dicatat hadir pukul 09.30 WITA")

	// One character changed, at every position: invalid, whatever the organizer.
	d.alumnus(12, "Rahmat", "75.01", 5)
	code2 := d.rsvp("gorontalo-2027", 12)
	token2 := d.signer.Token("gorontalo-2027", 12, code2)
	for i := range token2 {
		d.now = d.now.Add(time.Second) // under the flood limit
		b := []byte(token2)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		expectIn(t, d.send(deskSuper, "/start ci_"+string(b)), "Tiket ini tidak bisa dipakai")
	}
	// Signed for a meetup that is not Gorontalo's (an ended or unknown one), or with another secret.
	expectIn(t, d.send(deskSuper, "/start ci_"+d.signer.Token("gorontalo-2026", 12, code2)), "Tiket ini tidak bisa dipakai")
	other, _ := ticket.NewSigner([]byte("another deployment's secret, 32 b"))
	expectIn(t, d.send(deskSuper, "/start ci_"+other.Token("gorontalo-2027", 12, code2)), "Tiket ini tidak bisa dipakai")
	// A Jambi organizer scanning a Gorontalo ticket.
	if err := d.st.Grant(d.ctx, 500, "15"); err != nil {
		t.Fatal(err)
	}
	expectIn(t, d.send(500, "/start ci_"+token2), "Tiket ini tidak bisa dipakai")
	if d.checkedIn("gorontalo-2027", 12) {
		t.Fatal("a bad ticket checked someone in")
	}

	// The RSVP is cancelled between the scan and the tap, and then scanned again.
	expectIn(t, d.send(deskSuper, "/start ci_"+token2), "Catat hadir: Rahmat, Kabupaten Gorontalo, gelombang 5")
	if _, _, err := d.st.CancelRSVP(d.ctx, "gorontalo-2027", 12, d.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	expectIn(t, d.tap(deskSuper, "✅ Catat hadir"), "Kursi Rahmat, Kabupaten Gorontalo, gelombang 5 di Temu Alumni Gorontalo sudah dibatalkan")
	expectIn(t, d.send(deskSuper, "/start ci_"+token2), "sudah dibatalkan, jadi tiket ini tidak berlaku lagi")
	if d.checkedIn("gorontalo-2027", 12) {
		t.Fatal("a cancelled RSVP was checked in")
	}
}

// Cancelling a meetup closes it and queues exactly one notice per alumnus who held a seat, an offer or
// a waitlist place, even when the cancellation runs twice.
func TestCancelMeetupTellsEveryHolderOnce(t *testing.T) {
	d := newDesk(t)
	m, _ := d.st.Meetup(d.ctx, "jambi-2027")
	m.Capacity = 2
	if err := d.st.SaveMeetup(d.ctx, *m); err != nil {
		t.Fatal(err)
	}
	for a := int64(21); a <= 25; a++ { // 21, 22 confirmed; 23, 24, 25 waitlisted
		if _, err := d.st.Reserve(d.ctx, "jambi-2027", a, d.now); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := d.st.CancelRSVP(d.ctx, "jambi-2027", 21, d.now.Add(time.Hour)); err != nil { // 23 offered
		t.Fatal(err)
	}
	if err := d.st.Grant(d.ctx, 500, "15"); err != nil {
		t.Fatal(err)
	}
	d.send(500, "/admin")
	got := d.tap(500, "❌ Batalkan acara")
	expectIn(t, got, "Acara mana yang mau dibatalkan?", "[Temu Alumni Jambi]")
	deskExpectNot(t, got, "Gorontalo")
	expectIn(t, d.tap(500, "Temu Alumni Jambi"),
		"Yakin mau membatalkan Temu Alumni Jambi (Kamis, 18 Maret 2027 pukul 09.00–15.00 WIB)? Kami akan mengabari 4 alumni yang sudah ikut atau ada di daftar tunggu.")
	confirm := d.button(500, "Ya, batalkan acara")
	expectIn(t, d.tapData(500, confirm), "Temu Alumni Jambi sudah dibatalkan. Kami sedang mengabari 4 alumni")
	// The same cancellation again: from the store directly (a retry), and from the old button.
	if n, err := d.st.CancelMeetup(d.ctx, *m); !errors.Is(err, flows.ErrCancelledBefore) || n != 0 {
		t.Fatalf("second cancellation told %d, %v", n, err)
	}
	d.now = d.now.Add(time.Minute)
	expectIn(t, d.tapData(500, confirm), "Tombol ini sudah tidak berlaku")

	ns, err := d.st.PeekNotices(d.ctx, "jambi-2027", 100)
	if err != nil {
		t.Fatal(err)
	}
	told := map[int64]int{}
	for _, n := range ns {
		if n.Kind == flows.NoticeCancelled {
			told[n.Alumnus]++
		}
	}
	want := map[int64]int{22: 1, 23: 1, 24: 1, 25: 1}
	if len(told) != len(want) {
		t.Fatalf("cancellation notices %v, want %v", told, want)
	}
	for a, n := range want {
		if told[a] != n {
			t.Fatalf("cancellation notices %v, want %v", told, want)
		}
	}
	if m, _ := d.st.Meetup(d.ctx, "jambi-2027"); m.Status != flows.MeetupCancelled {
		t.Fatalf("status %s", m.Status)
	}
	if seat, _ := d.st.Reserve(d.ctx, "jambi-2027", 99, d.now); seat.Status != flows.SeatClosed {
		t.Fatalf("RSVP after cancellation: %+v", seat)
	}
	expectIn(t, d.send(500, "/admin"), "Menu panitia")
	expectIn(t, d.tap(500, "❌ Batalkan acara"), "Tidak ada acara mendatang yang bisa kamu batalkan")
}

// A Jambi organizer cannot cancel Gorontalo's meetup with a forged button.
func TestOrganizerCannotCancelAnotherProvincesMeetup(t *testing.T) {
	d := newDesk(t)
	if err := d.st.Grant(d.ctx, 500, "15"); err != nil {
		t.Fatal(err)
	}
	d.send(500, "/admin")
	d.tap(500, "❌ Batalkan acara")
	pick := d.button(500, "Temu Alumni Jambi")
	forged := strings.Replace(pick, "jambi-2027", "gorontalo-2027", 1)
	got := d.tapData(500, forged)
	deskExpectNot(t, got, "Yakin mau membatalkan")
	if m, _ := d.st.Meetup(d.ctx, "gorontalo-2027"); m.Status != flows.MeetupPublished {
		t.Fatalf("status %s", m.Status)
	}
}

// Appointing organizers is a flow of its own that only super-admins may use: its buttons, forged by
// a panitia or by someone who is no organizer, are refused by the router before the flow runs, with
// the answer the /admin menu's super-admin buttons always gave, and nobody is appointed or revoked.
func TestOrganizersFlowIsSuperOnly(t *testing.T) {
	d := newDesk(t)
	const panitia, eve, other = 20, 66, 21
	d.alumnus(eve, "Eve", "75.71", 3)
	for _, u := range []int64{panitia, other} {
		if err := d.st.Grant(d.ctx, u, "75"); err != nil {
			t.Fatal(err)
		}
	}
	const superOnly = "khusus panitia pusat"
	expectIn(t, d.send(panitia, "/admin"), "Menu panitia")
	for n := range 4 {
		d.now = d.now.Add(flows.FloodWindow) // ten taps a window, under the flood limit
		for _, data := range []string{"ro:%d:yes", "ro:%d:rv:21", "ro:%d:all", "ro:%d:menu", "ro:%d:pg:1"} {
			data = strings.Replace(data, "%d", strconv.Itoa(n), 1)
			expectIn(t, d.tapData(panitia, data), superOnly)
			expectIn(t, d.tapData(eve, data), deskRefused)
		}
	}
	// The menu's own super-admin buttons, forged with the menu's nonce.
	for _, action := range []string{"grant", "list"} {
		expectIn(t, d.send(panitia, "/admin"), "Menu panitia")
		menu := d.last[panitia].Replies[0].Buttons[0][0].Data // "ad:<nonce>:checkin"
		expectIn(t, d.tapData(panitia, strings.Replace(menu, ":checkin", ":"+action, 1)), superOnly)
	}
	if orgs, _ := d.st.Organizers(d.ctx); len(orgs) != 2 {
		t.Fatalf("organizers = %+v", orgs)
	}
	// The super-admin gets there from the menu.
	d.send(deskSuper, "/admin")
	expectIn(t, d.tap(deskSuper, "👥 Daftar panitia"), "21")
}

// Every reply of the organizer flows is one message with a way forward: a note before a question
// joins it, and a finished task leads back to the menu; text typed after that goes where idle text
// goes, not to the menu.
func TestOrganizerRepliesAreOneMessageWithAWayOn(t *testing.T) {
	d := newDesk(t)
	d.app.Writer, d.app.Reports = d.st, d.st // every part a panitia uses
	d.send(deskSuper, "/admin")
	d.send(deskSuper, "halo") // the menu takes buttons only
	if got := d.last[deskSuper].Replies; len(got) != 1 || len(got[0].Buttons) == 0 {
		t.Fatalf("text at the menu: %d replies, want one with the menu's buttons: %+v", len(got), got)
	}
	expectIn(t, d.render(d.last[deskSuper]), "Menu panitia")
	d.tap(deskSuper, "✅ Check-in peserta")
	got := d.tap(deskSuper, "Selesai")
	if rs := d.last[deskSuper].Replies; len(rs) != 1 {
		t.Fatalf("finishing check-in: %d replies, want 1", len(rs))
	}
	expectIn(t, got, "check-in selesai", "[‹ Menu panitia]")
	expectIn(t, d.tap(deskSuper, "‹ Menu panitia"), "Menu panitia 🛠", "[✅ Check-in peserta]")
	d.tap(deskSuper, "✅ Check-in peserta")
	d.tap(deskSuper, "Selesai")
	if got := d.send(deskSuper, "halo"); strings.Contains(got, "Menu panitia 🛠") {
		t.Errorf("text after a finished task reopened the menu:\n%s", got)
	}
	// The menu leads to every task of a panitia, none needs a typed command.
	menu := d.send(deskSuper, "/admin")
	expectIn(t, menu, "[🗓 Buat/ubah acara][📊 Laporan acara]")
	expectIn(t, d.tap(deskSuper, "📊 Laporan acara"), "Laporan acara mana")
	d.send(deskSuper, "/admin")
	expectIn(t, d.tap(deskSuper, "🗓 Buat/ubah acara"), "acara baru")
}

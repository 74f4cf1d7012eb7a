package flows_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/alumnibot/alumnibot/flows"
)

// createWorld is meetupWorld with /buatacara wired: organizer roles from the store, a super-admin,
// and a writer over the real store that counts saves.
type createWorld struct {
	*meetupWorld
	saves *countingWriter
}

const mkSuper = 900

type countingWriter struct {
	flows.MeetupWriter
	n int
}

func (c *countingWriter) WriteMeetup(ctx context.Context, m flows.Meetup, mode flows.WriteMode, sum string, now time.Time) (flows.Written, error) {
	w, err := c.MeetupWriter.WriteMeetup(ctx, m, mode, sum, now)
	if err == nil && w.Status == flows.WriteSaved {
		c.n++
	}
	return w, err
}

func newCreateWorld(t *testing.T) *createWorld {
	t.Helper()
	w := newMeetupWorld(t)
	cw := &countingWriter{MeetupWriter: w.st}
	w.app.Writer = cw
	w.app.Roles = w.st
	w.app.SuperAdmins = map[int64]bool{mkSuper: true}
	return &createWorld{meetupWorld: w, saves: cw}
}

// host is someone at the bot without an alumnus profile, such as an organizer.
func (w *createWorld) host(id int64) *member {
	m := &member{id: id}
	w.users[id] = m
	return m
}

// do plays one side of a conversation: "/cmd" sends a command, "[Label]" taps a button of the last
// reply, anything else is typed. It returns the bot's last answer.
func (w *createWorld) do(m *member, inputs ...string) string {
	w.t.Helper()
	var got string
	for _, in := range inputs {
		switch {
		case strings.HasPrefix(in, "/"):
			got = w.send(m, in)
		case strings.HasPrefix(in, "[") && strings.HasSuffix(in, "]"):
			got = w.tap(m, in[1:len(in)-1])
		default:
			got = w.input(m, flows.Input{Kind: flows.KindText, Text: in})
		}
	}
	return got
}

// data is the callback data of the button labelled label in the last reply.
func (w *createWorld) data(m *member, label string) string {
	w.t.Helper()
	for _, rep := range m.last.Replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if w.cat.Render(m.last.Lang, b.Text) == label {
					return b.Data
				}
			}
		}
	}
	w.t.Fatalf("no button %q in:\n%s", label, w.render(m.last))
	return ""
}

// nonce is the nonce of the last reply's buttons, for forging one.
func (w *createWorld) nonce(m *member) string {
	w.t.Helper()
	for _, rep := range m.last.Replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if parts := strings.Split(b.Data, ":"); len(parts) >= 3 {
					return parts[1]
				}
			}
		}
	}
	w.t.Fatalf("no buttons in:\n%s", w.render(m.last))
	return ""
}

// saved finds a meetup in the store by title; nil when there is none.
func (w *createWorld) saved(title string) *flows.Meetup {
	w.t.Helper()
	ms, err := w.st.MeetupsEndingAfter(context.Background(), w.now, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, m := range ms {
		if m.Title == title {
			return &m
		}
	}
	return nil
}

func (w *createWorld) expectNothingSaved() {
	w.t.Helper()
	if w.saves.n != 0 {
		w.t.Fatalf("%d meetups saved, want none", w.saves.n)
	}
	ms, err := w.st.MeetupsEndingAfter(context.Background(), w.now, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	if len(ms) != len(w.demo) {
		w.t.Fatalf("store holds %d meetups, want the %d demo ones", len(ms), len(w.demo))
	}
}

func mkExpectNot(t *testing.T, got string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(got, u) {
			t.Fatalf("reply has %q:\n%s", u, got)
		}
	}
}

// gorontaloUtara answers every question for a meetup in Gorontalo, up to its preview.
var gorontaloUtara = []string{
	"/buatacara", "[➕ Buat acara baru]",
	"Temu Alumni Gorontalo Utara", "Gorontalo", "[Kota Gorontalo]", "ASTON Gorontalo Hotel & Villas", "[Lewati]",
	"19-09-2027", "09.00", "15:00", "100", "Bersama Dinas Tenaga Kerja Provinsi Gorontalo.",
	"[➕ Tambah workshop]", "Strategi Digital Marketing", "Lembaga Pelatihan Screenesia", "10.30", "12.00",
	"[✅ Selesai]",
}

func TestCreateMeetupStepByStep(t *testing.T) {
	w := newCreateWorld(t)
	org := w.host(mkSuper)
	expectIn(t, w.do(org, "/buatacara"), "Mau buat acara baru, atau ubah acara yang sudah ada?")
	w.data(org, "✏️ Ubah Temu Alumni Gorontalo")
	w.data(org, "✏️ Ubah Temu Alumni Jambi")
	expectIn(t, w.do(org, "[➕ Buat acara baru]"), "Apa judul acaranya?")
	expectIn(t, w.do(org, "Temu Alumni Gorontalo Utara"), "Acaranya di provinsi mana?")
	expectIn(t, w.do(org, "Gorontalo"), "Di kabupaten atau kota mana di Gorontalo?")
	expectIn(t, w.do(org, "[Kota Gorontalo]"), "Di mana tempatnya?")
	expectIn(t, w.do(org, "ASTON Gorontalo Hotel & Villas"), "Apa alamat tempatnya?")
	expectIn(t, w.do(org, "[Lewati]"), "Tanggal berapa acaranya?")
	expectIn(t, w.do(org, "19-09-2027"), "Jam berapa acaranya mulai? Ketik dalam waktu WITA")
	expectIn(t, w.do(org, "09.00"), "Jam berapa selesainya? Ketik jamnya dalam waktu WITA, setelah 09.00.")
	expectIn(t, w.do(org, "15:00"), "Ada berapa kursi untuk alumni?")
	expectIn(t, w.do(org, "100"), "Mau tambahkan keterangan untuk alumni?")
	expectIn(t, w.do(org, "Bersama Dinas Tenaga Kerja Provinsi Gorontalo."), "Mau tambah workshop ke agenda?")
	expectIn(t, w.do(org, "[➕ Tambah workshop]"), "Apa judul workshopnya?")
	expectIn(t, w.do(org, "Strategi Digital Marketing"), "Siapa pematerinya?")
	expectIn(t, w.do(org, "Lembaga Pelatihan Screenesia"), "Ketik jam antara 09.00 dan 15.00 WITA")
	expectIn(t, w.do(org, "10.30"), "paling lambat 15.00 WITA")
	expectIn(t, w.do(org, "12.00"), "Workshop Strategi Digital Marketing sudah masuk agenda",
		"• 10.30–12.00 WITA Strategi Digital Marketing — Lembaga Pelatihan Screenesia")
	preview := w.do(org, "[✅ Selesai]")
	expectIn(t, preview, "Begini acaramu akan tampil untuk alumni:\nTemu Alumni Gorontalo Utara\n"+
		"📅 Minggu, 19 September 2027 pukul 09.00–15.00 WITA\n📍 ASTON Gorontalo Hotel & Villas, Kota Gorontalo\n\n"+
		"Bersama Dinas Tenaga Kerja Provinsi Gorontalo.\n\nAgenda:\n"+
		"• 10.30–12.00 WITA Strategi Digital Marketing — Lembaga Pelatihan Screenesia\n\n🪑 Kursi tersisa: 100 dari 100")
	if w.saves.n != 0 {
		t.Fatal("saved before publishing")
	}
	done := w.do(org, "[🚀 Terbitkan]")
	expectIn(t, done, "Temu Alumni Gorontalo Utara sudah terbit 🎉 Minggu, 19 September 2027 pukul 09.00–15.00 WITA",
		"https://t.me/alumnibot_test_bot?start=ev_temu-alumni-gorontalo-utara-")

	got := w.saved("Temu Alumni Gorontalo Utara")
	if got == nil {
		t.Fatal("meetup not saved")
	}
	if !regexp.MustCompile(`^temu-alumni-gorontalo-utara-[a-z0-9]{4}$`).MatchString(got.ID) {
		t.Errorf("id %q is not a slug of the title with a short suffix", got.ID)
	}
	utc := func(h, m int) time.Time { return time.Date(2027, 9, 19, h, m, 0, 0, time.UTC) }
	want := flows.Meetup{
		Title: "Temu Alumni Gorontalo Utara", Province: "75", Regency: "75.71",
		Venue: flows.Venue{Name: "ASTON Gorontalo Hotel & Villas"},
		Start: utc(1, 0), End: utc(7, 0), Capacity: 100, // 09.00–15.00 WITA
		Description: "Bersama Dinas Tenaga Kerja Provinsi Gorontalo.",
		Workshops: []flows.Workshop{{Title: "Strategi Digital Marketing", Trainer: "Lembaga Pelatihan Screenesia",
			Start: utc(2, 30), End: utc(4, 0)}},
		Status: flows.MeetupPublished,
	}
	if d := cmp.Diff(want, *got, cmpopts.IgnoreFields(flows.Meetup{}, "ID")); d != "" {
		t.Errorf("saved meetup (-want +got):\n%s", d)
	}
	if w.saves.n != 1 {
		t.Errorf("%d saves, want 1", w.saves.n)
	}
	// Alumni see it at once, with its seats open.
	vita := w.alumnus(1, "75", "75.71")
	expectIn(t, w.send(vita, "/acara"), "Temu Alumni Gorontalo Utara — Minggu, 19 September 2027")
	expectIn(t, w.tap(vita, "Temu Alumni Gorontalo Utara"), "Kursi tersisa: 100 dari 100")
}

func TestCreateRePrompts(t *testing.T) {
	// Each case stops the Gorontalo script at a step, answers it wrongly, expects the re-prompt, and
	// then answers it rightly: the conversation is where it was and nothing was saved.
	at := func(step string) []string { // the script up to (not including) the answer to step
		i := map[string]int{"province": 3, "date": 7, "start": 8, "end": 9, "capacity": 10}[step]
		return gorontaloUtara[:i]
	}
	for _, tc := range []struct {
		name, step, bad, want, good, next string
	}{
		{"unknown province", "province", "Atlantis", "aku belum kenal provinsi itu", "Gorontalo", "Di kabupaten atau kota mana di Gorontalo?"},
		{"past date", "date", "19-09-2020", "Tanggal itu sudah lewat. Ketik tanggal yang akan datang, misalnya 25-12-2026.", "19/09/2027", "Jam berapa acaranya mulai?"},
		{"unreadable date", "date", "31-02-2027", "aku belum bisa membaca tanggal itu", "2027-09-19", "Jam berapa acaranya mulai?"},
		{"date too far", "date", "19-09-2037", "lebih dari dua tahun lagi", "19-09-2027", "Jam berapa acaranya mulai?"},
		{"start not a time", "start", "jam sembilan", "itu belum berupa jam. Ketik seperti 09.00", "9:00", "Jam berapa selesainya?"},
		{"end before start", "end", "08.00", "Jam selesai harus setelah jam mulai (09.00 WITA) di hari yang sama.", "15.00", "Ada berapa kursi"},
		{"end equals start", "end", "09.00", "Jam selesai harus setelah jam mulai", "15.00 WITA", "Ada berapa kursi"},
		{"capacity 0", "capacity", "0", "Jumlah kursi antara 1 dan 100.000.", "100", "Mau tambahkan keterangan"},
		{"capacity in words", "capacity", "seratus", "Hmm, itu belum berupa angka. Ketik jumlah kursinya dengan angka", "1.000", "Mau tambahkan keterangan"},
		{"capacity too large", "capacity", "100001", "Jumlah kursi antara 1 dan 100.000.", "100000", "Mau tambahkan keterangan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newCreateWorld(t)
			org := w.host(mkSuper)
			w.do(org, at(tc.step)...)
			expectIn(t, w.do(org, tc.bad), tc.want)
			expectIn(t, w.do(org, tc.good), tc.next)
			w.expectNothingSaved()
		})
	}
	t.Run("start already past today", func(t *testing.T) {
		w := newCreateWorld(t) // 25 November 2026, 17.00 in Gorontalo
		org := w.host(mkSuper)
		w.do(org, at("date")...)
		got := w.do(org, "25-11-2026")
		expectIn(t, got, "Jam berapa acaranya mulai?")
		expectIn(t, w.do(org, "09.00"), "Jam itu sudah lewat.")
		expectIn(t, w.do(org, "18.00"), "Jam berapa selesainya?")
		w.expectNothingSaved()
	})
	t.Run("start past, then another date", func(t *testing.T) {
		w := newCreateWorld(t)
		org := w.host(mkSuper)
		w.do(org, at("date")...)
		w.do(org, "25-11-2026", "08.00")
		expectIn(t, w.do(org, "[‹ Ganti tanggal]"), "Tanggal berapa acaranya?")
		expectIn(t, w.do(org, "26-11-2026"), "Jam berapa acaranya mulai?")
		expectIn(t, w.do(org, "08.00"), "Jam berapa selesainya?")
	})
	t.Run("workshop outside the meetup", func(t *testing.T) {
		w := newCreateWorld(t)
		org := w.host(mkSuper)
		w.do(org, gorontaloUtara[:13]...)
		expectIn(t, w.do(org, "Personal Branding", "[Lewati]"), "Ketik jam antara 09.00 dan 15.00 WITA")
		expectIn(t, w.do(org, "08.00"), "Workshopnya harus mulai di dalam jam acara, antara 09.00 dan 15.00 WITA")
		expectIn(t, w.do(org, "14.00"), "paling lambat 15.00 WITA")
		expectIn(t, w.do(org, "16.00"), "Jam selesai workshop harus setelah 14.00 dan paling lambat 15.00 WITA")
		expectIn(t, w.do(org, "15.00"), "• 14.00–15.00 WITA Personal Branding\n")
		w.expectNothingSaved()
	})
}

func TestCreateLimitedToOneProvince(t *testing.T) {
	ctx := context.Background()
	w := newCreateWorld(t)
	if err := w.st.Grant(ctx, 901, "15"); err != nil { // Jambi
		t.Fatal(err)
	}
	org := w.host(901)
	menu := w.do(org, "/buatacara")
	expectIn(t, menu, "Mau buat acara baru")
	if data := w.data(org, "✏️ Ubah Temu Alumni Jambi"); data == "" {
		t.Fatal("Jambi meetup not offered")
	}
	for _, rep := range org.last.Replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				mkExpectNot(t, w.cat.Render(org.last.Lang, b.Text), "Gorontalo")
			}
		}
	}
	// A forged button to change Gorontalo's meetup changes nothing.
	forged := "mk:" + w.nonce(org) + ":ed:gorontalo-2027"
	expectIn(t, w.input(org, flows.Input{Kind: flows.KindButton, Data: forged}), "Acara itu tidak bisa diubah lagi")

	// No province question: the meetup is in Jambi.
	w.do(org, "/buatacara", "[➕ Buat acara baru]")
	reg := w.do(org, "Temu Alumni Gorontalo")
	expectIn(t, reg, "Di kabupaten atau kota mana di Jambi?")
	mkExpectNot(t, reg, "provinsi mana")
	for _, rep := range org.last.Replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				mkExpectNot(t, w.cat.Render(org.last.Lang, b.Text), "Ganti provinsi")
			}
		}
	}
	// A forged province button, with the right nonce, is refused; so is a Gorontalo regency.
	forged = "mk:" + w.nonce(org) + ":p:75"
	expectIn(t, w.input(org, flows.Input{Kind: flows.KindButton, Data: forged}),
		"Maaf, kamu hanya bisa membuat dan mengubah acara di Jambi.", "Di kabupaten atau kota mana di Jambi?")
	forged = "mk:" + w.nonce(org) + ":r:75.71"
	expectIn(t, w.input(org, flows.Input{Kind: flows.KindButton, Data: forged}), "Tombol ini sudah tidak berlaku")
	expectIn(t, w.do(org, "Kota Gorontalo"), "aku belum menemukan kabupaten atau kota itu di Jambi")
	w.do(org, "Kota Jambi", "Swiss-Belhotel Jambi", "[Lewati]", "18-03-2027", "09.00", "15.00", "120", "[Lewati]")
	expectIn(t, w.do(org, "[✅ Selesai]"), "📅 Kamis, 18 Maret 2027 pukul 09.00–15.00 WIB")
	w.do(org, "[🚀 Terbitkan]")
	var inJambi *flows.Meetup
	ms, err := w.st.MeetupsEndingAfter(ctx, w.now, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Title == "Temu Alumni Gorontalo" && m.ID != "gorontalo-2027" {
			inJambi = &m
		}
	}
	if inJambi == nil || inJambi.Province != "15" || inJambi.Regency != "15.71" || w.saves.n != 1 {
		t.Fatalf("saved %+v (%d saves), want one meetup in Kota Jambi", inJambi, w.saves.n)
	}
	if want := time.Date(2027, 3, 18, 2, 0, 0, 0, time.UTC); !inJambi.Start.Equal(want) { // 09.00 WIB
		t.Errorf("start %s, want %s", inJambi.Start, want)
	}
}

func TestCreateRefusedToNonOrganizers(t *testing.T) {
	ctx := context.Background()
	w := newCreateWorld(t)
	vita := w.alumnus(1, "75", "75.71")
	expectIn(t, w.send(vita, "/buatacara"), "Maaf, perintah ini khusus untuk panitia acara.")
	stranger := w.host(2)
	expectIn(t, w.send(stranger, "/buatacara"), "Maaf, perintah ini khusus untuk panitia acara.")
	w.input(stranger, flows.Input{Kind: flows.KindButton, Data: "mk:0:pub"})
	w.expectNothingSaved()

	// An organizer revoked half-way through publishes nothing.
	if err := w.st.Grant(ctx, 902, ""); err != nil {
		t.Fatal(err)
	}
	org := w.host(902)
	expectIn(t, w.do(org, gorontaloUtara...), "Begini acaramu akan tampil untuk alumni")
	if _, err := w.st.Revoke(ctx, 902); err != nil {
		t.Fatal(err)
	}
	expectIn(t, w.do(org, "[🚀 Terbitkan]"), "Maaf, perintah ini khusus untuk panitia acara.")
	w.expectNothingSaved()
}

func TestCreateDraftThenPublish(t *testing.T) {
	w := newCreateWorld(t)
	org := w.host(mkSuper)
	vita := w.alumnus(1, "75", "75.71")
	w.do(org, gorontaloUtara...)
	expectIn(t, w.do(org, "[📝 Simpan sebagai draf]"), "Temu Alumni Gorontalo Utara tersimpan sebagai draf")
	if m := w.saved("Temu Alumni Gorontalo Utara"); m == nil || m.Status != flows.MeetupDraft {
		t.Fatalf("saved %+v, want a draft", m)
	}
	list := w.send(vita, "/acara")
	expectIn(t, list, "Temu Alumni Gorontalo —")
	mkExpectNot(t, list, "Gorontalo Utara")
	draft := w.saved("Temu Alumni Gorontalo Utara")
	expectIn(t, w.send(vita, "/start ev_"+draft.ID), "acara itu tidak ada")

	// Back to it: every answer kept, with "-" or the Tetap button, then published.
	w.do(org, "/buatacara")
	expectIn(t, w.do(org, "[✏️ Ubah Temu Alumni Gorontalo Utara (draf)]"),
		"Kita ubah Temu Alumni Gorontalo Utara.", "Sekarang: Temu Alumni Gorontalo Utara")
	expectIn(t, w.do(org, "-"), "Sekarang: Gorontalo")
	expectIn(t, w.do(org, "[Tetap]"), "Sekarang: Kota Gorontalo")
	expectIn(t, w.do(org, "[Tetap]"), "Sekarang: ASTON Gorontalo Hotel & Villas")
	w.do(org, "-", "[Lewati]")
	expectIn(t, w.render(org.last), "Sekarang: Minggu, 19 September 2027")
	expectIn(t, w.do(org, "-"), "Sekarang: 09.00 WITA")
	w.do(org, "-", "-", "-")
	expectIn(t, w.do(org, "-"), "• 10.30–12.00 WITA Strategi Digital Marketing")
	expectIn(t, w.do(org, "[✅ Selesai]"), "Kursi tersisa: 100 dari 100")
	expectIn(t, w.do(org, "[🚀 Terbitkan]"), "sudah terbit")
	m := w.saved("Temu Alumni Gorontalo Utara")
	if m == nil || m.ID != draft.ID || m.Status != flows.MeetupPublished || len(m.Workshops) != 1 {
		t.Fatalf("after publishing: %+v", m)
	}
	expectIn(t, w.send(vita, "/acara"), "Temu Alumni Gorontalo Utara")
	if w.saves.n != 2 {
		t.Errorf("%d saves, want 2", w.saves.n)
	}
}

func TestCreatePublishDoubleTapSavesOnce(t *testing.T) {
	w := newCreateWorld(t)
	org := w.host(mkSuper)
	w.do(org, gorontaloUtara...)
	data := w.data(org, "🚀 Terbitkan")
	expectIn(t, w.input(org, flows.Input{Kind: flows.KindButton, Data: data}), "sudah terbit")
	if got := w.input(org, flows.Input{Kind: flows.KindButton, Data: data}); got != "" {
		t.Errorf("second tap of a double tap answered %q", got)
	}
	w.now = w.now.Add(time.Minute)
	expectIn(t, w.input(org, flows.Input{Kind: flows.KindButton, Data: data}), "Tombol ini sudah tidak berlaku")
	if w.saves.n != 1 {
		t.Fatalf("%d saves, want 1", w.saves.n)
	}
}

func TestCreateEditMeetupWithRSVPs(t *testing.T) {
	ctx := context.Background()
	w := newCreateWorld(t)
	org := w.host(mkSuper)
	for i := int64(1); i <= 2; i++ {
		if seat, err := w.st.Reserve(ctx, "gorontalo-2027", i, w.now); err != nil || seat.Status != flows.SeatConfirmed {
			t.Fatalf("reserve: %+v, %v", seat, err)
		}
	}
	w.do(org, "/buatacara", "[✏️ Ubah Temu Alumni Gorontalo]", "-", "-", "-", "-", "-")
	expectIn(t, w.do(org, "04-02-2027"), "Sekarang: 09.00 WITA")
	expectIn(t, w.do(org, "[Tetap]"), "Sekarang: 15.00 WITA")
	expectIn(t, w.do(org, "12.00"), "Sekarang: 100")
	expectIn(t, w.do(org, "1"), "Sudah ada 2 alumni yang dapat kursi, jadi jumlah kursinya paling sedikit 2.")
	w.do(org, "50", "[Tetap]")
	// 10.30–12.00 still fits the shorter day.
	expectIn(t, w.render(org.last), "• 10.30–12.00 WITA Strategi Digital Marketing")
	preview := w.do(org, "[✅ Selesai]")
	expectIn(t, preview, "📅 Kamis, 4 Februari 2027 pukul 09.00–12.00 WITA", "Kursi tersisa: 48 dari 50")
	mkExpectNot(t, preview, "Simpan sebagai draf") // alumni already hold seats: it stays visible
	expectIn(t, w.do(org, "[💾 Simpan perubahan]"), "Perubahan di Temu Alumni Gorontalo sudah tersimpan")
	m, err := w.st.Meetup(ctx, "gorontalo-2027")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2027, 2, 4, 1, 0, 0, 0, time.UTC); !m.Start.Equal(want) || !m.End.Equal(want.Add(3*time.Hour)) ||
		m.Capacity != 50 || m.Status != flows.MeetupPublished {
		t.Fatalf("after the change: %+v", m)
	}
	if av, _ := w.st.Availability(ctx, "gorontalo-2027"); av.Capacity != 50 || av.Confirmed != 2 {
		t.Fatalf("availability %+v", av)
	}
	// Both alumni holding a seat are told of the new date, once.
	ns, err := w.st.PeekNotices(ctx, "gorontalo-2027", 10)
	if err != nil || len(ns) != 2 || ns[0].Kind != flows.NoticeChanged || ns[1].Kind != flows.NoticeChanged {
		t.Fatalf("notices after the change: %+v, %v", ns, err)
	}
}

func TestCreateEditDropsWorkshopsOutsideNewHours(t *testing.T) {
	w := newCreateWorld(t)
	org := w.host(mkSuper)
	w.do(org, "/buatacara", "[✏️ Ubah Temu Alumni Gorontalo]", "-", "-", "-", "-", "-", "-", "-")
	got := w.do(org, "11.00", "-", "-")
	expectIn(t, got, "Workshop Strategi Digital Marketing tidak lagi masuk jam acara")
	mkExpectNot(t, got, "Agenda:")
	expectIn(t, w.do(org, "[✅ Selesai]"), "📅 Rabu, 3 Februari 2027 pukul 09.00–11.00 WITA")
	mkExpectNot(t, w.render(org.last), "Agenda:")
	expectIn(t, w.do(org, "[Batal]"), "Tidak ada perubahan yang disimpan")
	w.expectNothingSaved()
}

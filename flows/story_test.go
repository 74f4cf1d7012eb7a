package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
	"github.com/alumnibot/alumnibot/store"
)

// storyWorld is the meetup world with stories kept in the same real store, and a moderation chat.
func storyWorld(t *testing.T) *meetupWorld {
	t.Helper()
	w := newMeetupWorld(t)
	w.app.Stories, w.app.Roles, w.app.ModerationChat = w.st, w.st, -100777
	return w
}

func (w *meetupWorld) text(m *member, s string) string {
	w.t.Helper()
	got := w.input(m, flows.Input{Kind: flows.KindText, Text: s})
	w.wayForward(m)
	return got
}

func (w *meetupWorld) photo(m *member, id, caption string) string {
	w.t.Helper()
	got := w.input(m, flows.Input{Kind: flows.KindPhoto, PhotoID: id, Text: caption})
	w.wayForward(m)
	return got
}

// wayForward checks that the last answer is one message with buttons: every reply has a way forward,
// a re-prompt included.
func (w *meetupWorld) wayForward(m *member) {
	w.t.Helper()
	if n := len(m.last.Replies); n != 1 || len(m.last.Replies[0].Buttons) == 0 {
		w.t.Fatalf("answer of %d messages, the last without buttons:\n%s", n, w.render(m.last))
	}
}

// organizer is a panitia of one province ("" for every province).
func (w *meetupWorld) organizer(id int64, province string) *member {
	w.t.Helper()
	if err := w.st.Grant(context.Background(), id, province); err != nil {
		w.t.Fatal(err)
	}
	m := &member{id: id}
	w.users[id] = m
	return m
}

func (w *meetupWorld) pending() []flows.Story {
	w.t.Helper()
	ps, err := w.st.PendingStories(context.Background(), 100)
	if err != nil {
		w.t.Fatal(err)
	}
	return ps
}

// expectNot fails when a reply holds a text it must not.
func expectNot(t *testing.T, got string, not ...string) {
	t.Helper()
	for _, n := range not {
		if strings.Contains(got, n) {
			t.Fatalf("reply holds %q:\n%s", n, got)
		}
	}
}

const donut = "Dulu aku cuma jualan kecil-kecilan di depan rumah. Setelah ikut pelatihan Digital Marketing " +
	"dari Prakerja, aku belajar foto produk dan jualan lewat media sosial. Sekarang toko donatku punya tiga " +
	"karyawan dan pesanan datang dari seluruh kota Gorontalo setiap hari. Terima kasih panitia! Semoga " +
	"alumni lain juga semangat."

func TestStoryGuidedWithPhotosIsSentOnce(t *testing.T) {
	w := storyWorld(t)
	vita := w.alumnus(1, "75", "75.71")
	expectIn(t, w.send(vita, "/cerita"), "Mau dipandu", "50–3.500")
	expectIn(t, w.tap(vita, "🧭 Pandu aku (3 pertanyaan)"), "Pertanyaan 1 dari 3")
	expectIn(t, w.text(vita, " "), "masih kosong") // whitespace only: trimmed to nothing by the router
	expectIn(t, w.text(vita, "Dagang."), "Pertanyaan 2 dari 3")
	expectIn(t, w.text(vita, "Digital Marketing."), "Pertanyaan 3 dari 3")
	expectIn(t, w.text(vita, "Donat."), "baru 35 huruf, minimal 50") // the three together
	expectIn(t, w.text(vita, "Sekarang toko donatku punya tiga karyawan."), "Mau tambah foto?")
	expectIn(t, w.input(vita, flows.Input{Kind: flows.KindOther, Media: "sticker"}), "hanya bisa menerima tulisan dan foto")
	expectIn(t, w.text(vita, "ini fotonya"), "menunggu foto")
	expectIn(t, w.photo(vita, "PH1", ""), "1 foto tersimpan")
	expectIn(t, w.photo(vita, "PH2", "keterangan diabaikan"), "2 foto tersimpan")
	expectIn(t, w.photo(vita, "PH3", ""), "Boleh ceritamu diterbitkan") // three: on to the consent
	expectIn(t, w.text(vita, "boleh"), "Pilih salah satu tombol")
	expectIn(t, w.input(vita, flows.Input{Kind: flows.KindOther, Media: "voice"}), "Pilih salah satu tombol")
	got := w.tap(vita, "🙈 Boleh, tanpa nama")
	expectIn(t, got, "Begini ceritamu nanti terlihat", "Cerita alumni (tanpa nama) · Gelombang 27",
		"Dagang.\n\nDigital Marketing.\n\nSekarang", "+2 foto lagi", "tanpa namamu")
	expectNot(t, got, "Alumni ·")
	if p := vita.last.Replies[len(vita.last.Replies)-1].Photo; p != "PH1" {
		t.Errorf("preview photo = %q; want the first photo", p)
	}
	expectIn(t, w.tap(vita, "📨 Kirim ke panitia"), "sudah kukirim ke panitia")
	ps := w.pending()
	if len(ps) != 1 {
		t.Fatalf("pending = %d stories; want 1", len(ps))
	}
	s := ps[0]
	if s.Author != 1 || s.Consent != flows.ConsentAnon || s.Wave != 27 || len(s.Photos) != 3 || s.Province != "75" ||
		s.Text != "Dagang.\n\nDigital Marketing.\n\nSekarang toko donatku punya tiga karyawan." {
		t.Errorf("stored story = %+v", s)
	}
	if vita.s.Conv.Flow != "" {
		t.Errorf("conversation still open: %+v", vita.s.Conv)
	}
	// The same tap again (an old button): nothing more is sent.
	vita.last.Replies = []flows.Reply{{Buttons: [][]flows.Button{{{Text: locales.Raw("x"), Data: "st:5:send"}}}}}
	w.tap(vita, "x")
	if n := len(w.pending()); n != 1 {
		t.Errorf("after an old send button: %d pending", n)
	}
}

func TestStoryLengthLimitsAndRePrompts(t *testing.T) {
	w := storyWorld(t)
	vita := w.alumnus(1, "75", "75.71")
	w.send(vita, "/cerita")
	w.tap(vita, "✍️ Tulis sendiri")
	expectIn(t, w.text(vita, strings.Repeat("a", 49)), "baru 49 huruf, minimal 50")
	expectIn(t, w.text(vita, strings.Repeat("b", 3501)), "Ceritamu 3.501 huruf, maksimal 3.500")
	// Invisible characters do not count (and are not kept): 3,500 letters with a bidi override.
	expectIn(t, w.text(vita, "\u202e"+strings.Repeat("c", 3500)), "Pelatihan apa yang kamu ikuti?")
	expectIn(t, w.text(vita, strings.Repeat("x", 81)), "maksimal 80 huruf")
	expectIn(t, w.text(vita, "Tata Rias"), "Mau tambah foto?")
	expectIn(t, w.tap(vita, "Lanjut tanpa foto"), "Boleh ceritamu diterbitkan")
	got := w.tap(vita, "👤 Boleh, dengan namaku")
	expectIn(t, got, "Cerita dari Alumni · Gelombang 27", "🎓 Pelatihan: Tata Rias", "Kirim ke panitia sekarang?")
	expectNot(t, got, "\u202e", "foto")
	if vita.last.Replies[0].Photo != "" {
		t.Error("a story without photos previewed as a photo")
	}
	// Change the wave: a wrong one is re-prompted, a right one leads back to the preview.
	w.tap(vita, "✏️ Ubah")
	expectIn(t, w.tap(vita, "Gelombang"), "Sekarang tertulis 27")
	expectIn(t, w.photo(vita, "PH6", ""), "ketik jawabannya dulu")
	expectIn(t, w.text(vita, "banyak"), "belum bisa membaca nomor gelombang")
	expectIn(t, w.text(vita, "gelombang 31"), "Begini ceritamu", "Gelombang 31")
	// Change the photos: they are cleared, new ones are asked for, then back to the preview.
	w.tap(vita, "✏️ Ubah")
	expectIn(t, w.tap(vita, "Foto"), "Mau tambah foto? Kirim sampai 3 foto.")
	w.photo(vita, "PH7", "")
	expectIn(t, w.tap(vita, "Lanjut ›"), "Begini ceritamu")
	// Change the text to exactly 3,500: accepted, back to the preview.
	w.tap(vita, "✏️ Ubah")
	w.tap(vita, "Ceritanya")
	expectIn(t, w.text(vita, strings.Repeat("d", 3500)), "Begini ceritamu")
	w.tap(vita, "📨 Kirim ke panitia")
	ps := w.pending()
	if len(ps) != 1 || ps[0].Wave != 31 || ps[0].Training != "Tata Rias" || len(ps[0].Text) != 3500 || ps[0].Consent != flows.ConsentNamed ||
		len(ps[0].Photos) != 1 {
		t.Fatalf("stored = %+v", ps)
	}
}

func TestStoryPhotoWithCaptionIsTheText(t *testing.T) {
	w := storyWorld(t)
	vita := w.alumnus(1, "75", "75.71")
	w.send(vita, "/cerita")
	// At the first question already: a photo whose caption is the story.
	expectIn(t, w.photo(vita, "PH9", donut), "Pelatihan apa yang kamu ikuti?")
	expectIn(t, w.tap(vita, "Lewati"), "1 foto tersimpan")
	w.tap(vita, "Lanjut ›")
	w.tap(vita, "🔒 Jangan diterbitkan")
	expectIn(t, w.render(vita.last), "Hanya untuk panitia")
	if vita.last.Replies[0].Photo != "PH9" {
		t.Errorf("preview = %+v; want the photo with the story as its caption", vita.last.Replies[0])
	}
	// A photo without caption where the story is asked is kept, and the question comes again.
	w.send(vita, "/cerita")
	w.tap(vita, "✍️ Tulis sendiri")
	expectIn(t, w.photo(vita, "PH8", ""), "Fotonya kusimpan (1 dari 3)")
	expectIn(t, w.input(vita, flows.Input{Kind: flows.KindOther, Media: "document"}), "bukan file")
	expectIn(t, w.tap(vita, "Batal"), "tidak jadi dikirim")
	if vita.s.Conv.Flow != "" || len(w.pending()) != 0 {
		t.Errorf("after Batal: conv %+v, %d pending", vita.s.Conv, len(w.pending()))
	}
}

// The donut shop: an onboarded alumnus just sends a 400-character message; it is offered as a story
// and after two taps (consent, send) it waits for moderation.
func TestLongMessageIsOfferedAsStory(t *testing.T) {
	w := storyWorld(t)
	vita := w.alumnus(1, "75", "75.71")
	msg := donut + " " + donut[:400-len(donut)-1]
	if n := len([]rune(msg)); n != 400 {
		t.Fatalf("message of %d characters", n)
	}
	expectIn(t, w.text(vita, msg), "Ini cerita suksesmu?")
	expectIn(t, w.tap(vita, "👤 Boleh, dengan namaku"), "Begini ceritamu", "Cerita dari Alumni", "Dulu aku cuma jualan")
	expectIn(t, w.tap(vita, "📨 Kirim ke panitia"), "sudah kukirim")
	if ps := w.pending(); len(ps) != 1 || ps[0].Text != msg {
		t.Fatalf("pending = %+v", ps)
	}
	// A short message is not offered; a long one declined is not sent; a new message lets it lapse.
	expectNot(t, w.text(vita, "makasih ya"), "cerita sukses?")
	w.text(vita, msg)
	expectIn(t, w.tap(vita, "Tidak, terima kasih"), "tidak kukirim")
	w.text(vita, msg)
	expectNot(t, w.text(vita, "halo"), "Begini ceritamu")
	if vita.s.Conv.Flow != "" || len(w.pending()) != 1 {
		t.Errorf("offer did not lapse: %+v, %d pending", vita.s.Conv, len(w.pending()))
	}
	// A captioned photo is offered too, with the photo.
	expectIn(t, w.photo(vita, "PH5", "Toko donatku!"), "Ini cerita suksesmu?")
	expectIn(t, w.tap(vita, "🙈 Boleh, tanpa nama"), "baru 13 huruf, minimal 50")
}

func TestModerasiCoversProvincesAndRefusesForgedButtons(t *testing.T) {
	w := storyWorld(t)
	bg := context.Background()
	gorontalo, err := w.st.SubmitStory(flows.WithOps(bg, 1, 1), flows.Story{Author: 1, Name: "Vita", Province: "75", Regency: "75.71",
		Text: donut, Consent: flows.ConsentNamed, Lang: locales.EN, Sent: w.now}, 0)
	if err != nil {
		t.Fatal(err)
	}
	jambi, _ := w.st.SubmitStory(flows.WithOps(bg, 2, 1), flows.Story{Author: 2, Name: "Hujaipah", Province: "15", Regency: "15.71",
		Text: donut, Consent: flows.ConsentAnon, Sent: w.now}, 0)

	alumnus := w.alumnus(3, "75", "75.71")
	expectIn(t, w.send(alumnus, "/moderasi"), "khusus untuk panitia")
	// A forged button of the flow from an alumnus changes nothing.
	w.input(alumnus, flows.Input{Kind: flows.KindButton, Data: "md:1:ok:" + gorontalo})

	org := w.organizer(10, "75")
	got := w.send(org, "/moderasi")
	expectIn(t, got, "Cerita 1 dari 1 yang menunggu · #"+gorontalo, "Dari Vita (Kota Gorontalo, Gorontalo)", "Dulu aku cuma")
	// A forged button for Jambi's story, with the right nonce: refused, the story stays pending.
	nonce := strings.Split(org.last.Replies[0].Buttons[0][0].Data, ":")[1]
	expectIn(t, w.input(org, flows.Input{Kind: flows.KindButton, Data: "md:" + nonce + ":ok:" + jambi}), "di luar wilayahmu")
	if s, _ := w.st.Story(bg, jambi); s.Status != flows.StoryPending {
		t.Fatalf("Jambi's story is %s after a forged approve", s.Status)
	}
	expectIn(t, w.tap(org, "❌ Tolak"), "Kenapa ditolak?")
	expectIn(t, w.text(org, strings.Repeat("r", 501)), "501 huruf, maksimal 500")
	expectIn(t, w.text(org, "Tolong tambahkan foto toko ya."), "Cerita #"+gorontalo+" ditolak", "Tidak ada cerita yang menunggu")
	s, _ := w.st.Story(bg, gorontalo)
	if s.Status != flows.StoryRejected || s.Reason != "Tolong tambahkan foto toko ya." || s.DecidedBy != 10 {
		t.Errorf("story after the rejection = %+v", s)
	}
	// The author is told in their language, with the reason shown as written.
	res := w.app.StoryOutcome(*s, nil)
	expectIn(t, w.render(res), "can't publish your success story #"+gorontalo, "“Tolong tambahkan foto toko ya.”")
	if res.Lang != locales.EN {
		t.Errorf("told in %s", res.Lang)
	}

	// A panitia of every province sees Jambi's; another who decides it meanwhile wins.
	all := w.organizer(11, "")
	expectIn(t, w.send(all, "/moderasi"), "#"+jambi)
	if _, err := w.st.DecideStory(bg, jambi, false, 12, "Ani", "", w.now); err != nil {
		t.Fatal(err)
	}
	expectIn(t, w.tap(all, "✅ Setujui"), "sudah ditolak oleh Ani")
}

func TestModerationChatChecksThePresser(t *testing.T) {
	w := storyWorld(t)
	bg := context.Background()
	id, _ := w.st.SubmitStory(flows.WithOps(bg, 1, 1), flows.Story{Author: 1, Name: "Vita", Province: "75", Regency: "75.71",
		Text: donut, Consent: flows.ConsentNamed, Sent: w.now}, -100777)
	w.organizer(10, "75")
	w.organizer(11, "15")
	w.organizer(12, "")
	press := func(user int64, name, data string) flows.GroupResult {
		t.Helper()
		r, err := w.app.ModerateGroup(bg, flows.GroupAction{User: user, FirstName: name, Data: data, Now: w.now})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	ok := flows.ModerationButtons(id)[0][0].Data
	no := flows.ModerationButtons(id)[0][1].Data
	for _, c := range []struct {
		user int64
		want string
	}{{99, "md.group_not_panitia"}, {11, "md.group_not_province"}} {
		if r := press(c.user, "X", ok); r.Notice.ID != c.want || r.Rekey {
			t.Errorf("press by %d = %+v; want %s", c.user, r, c.want)
		}
	}
	if s, _ := w.st.Story(bg, id); s.Status != flows.StoryPending {
		t.Fatalf("status after refused presses: %s", s.Status)
	}
	// Reject asks for a reason by reply; a reply from someone else's talk before that is not a decision.
	if r, _ := w.app.ModerateGroup(bg, flows.GroupAction{User: 10, FirstName: "Budi", Text: "bagus", StoryID: id, Now: w.now}); r.Rekey || r.Say.ID != "" {
		t.Errorf("a reply before Reject = %+v", r)
	}
	r := press(10, "Budi", no)
	if !r.Rekey || r.Say.ID != "md.group_ask_reason" || len(r.Buttons[0]) != 2 {
		t.Fatalf("Reject = %+v", r)
	}
	// Meanwhile another moderator approves: they win; the reason given after is too late.
	if r := press(12, "Ani", ok); r.Notice.ID != "md.approved" || !r.Rekey {
		t.Fatalf("approve = %+v", r)
	}
	r, _ = w.app.ModerateGroup(bg, flows.GroupAction{User: 10, FirstName: "Budi", Text: "kurang jelas", StoryID: id, Now: w.now})
	if r.Rekey || r.Say.ID != "" {
		t.Errorf("a reason after the approval = %+v", r)
	}
	if r := press(10, "Budi", flows.ModerationButtons(id)[0][1].Data); r.Notice.ID != "md.already_approved" || r.Notice.Args["Name"] != "Ani" {
		t.Errorf("a late Reject = %+v", r)
	}
	s, _ := w.st.Story(bg, id)
	if s.Status != flows.StoryApproved || s.DecidedBy != 12 {
		t.Errorf("story = %+v", s)
	}
}

// What an alumnus wrote reaches moderators exactly as written, under the bot's own line, and cannot
// add a button; invisible characters are gone.
func TestStoryTextShowsLiterally(t *testing.T) {
	w := storyWorld(t)
	vita := w.alumnus(1, "75", "75.71")
	evil := "<b>Admin</b> *klik* [di sini](http://x) & _miring_ — ini cerita toko donatku yang sudah laris."
	w.send(vita, "/cerita")
	w.text(vita, evil+"\u200b\u2066")
	w.tap(vita, "Lewati")
	w.tap(vita, "Lanjut tanpa foto")
	w.tap(vita, "👤 Boleh, dengan namaku")
	w.tap(vita, "📨 Kirim ke panitia")
	s := w.pending()[0]
	if s.Text != evil {
		t.Fatalf("stored text %q; want %q", s.Text, evil)
	}
	m := w.app.ModerationMessage(s)
	got := w.cat.Render(locales.ID, m.Text)
	lines := strings.Split(got, "\n")
	if !strings.HasPrefix(lines[0], "📝 Cerita baru #"+s.ID) || !strings.Contains(got, "\n"+evil) {
		t.Errorf("moderation message:\n%s", got)
	}
	if len(m.Buttons) != 1 || len(m.Buttons[0]) != 2 || !strings.HasPrefix(m.Buttons[0][0].Data, "mq:0:ok:") {
		t.Errorf("buttons = %+v", m.Buttons)
	}
}

func TestEksporFilesByRole(t *testing.T) {
	w := storyWorld(t)
	org := w.organizer(10, "75")
	expectIn(t, w.send(org, "/ekspor"), "dari Gorontalo yang sudah disetujui")
	for _, row := range org.last.Replies[0].Buttons {
		for _, b := range row {
			if strings.HasSuffix(b.Data, ":alumni") {
				t.Fatal("an organizer of one province is offered the alumni list")
			}
		}
	}
	w.tap(org, "📄 Cerita (CSV)")
	f := org.last.Replies[0].File
	if f == nil || f.Kind != flows.FileStoriesCSV || f.Ref != "75" || len(org.last.Replies[0].Buttons) == 0 {
		t.Fatalf("reply = %+v", org.last.Replies)
	}
	// The alumni list by a forged button: refused.
	nonce := strings.Split(org.last.Replies[0].Buttons[0][0].Data, ":")[1]
	expectIn(t, w.input(org, flows.Input{Kind: flows.KindButton, Data: "ex:" + nonce + ":alumni"}), "panitia pusat")
	for _, r := range org.last.Replies {
		if r.File != nil {
			t.Fatalf("a file went out: %+v", r.File)
		}
	}
	// A super-admin gets every province's stories, and the alumni list.
	w.app.SuperAdmins = map[int64]bool{11: true}
	boss := &member{id: 11}
	expectIn(t, w.send(boss, "/ekspor"), "Ekspor cerita sukses yang sudah disetujui")
	w.tap(boss, "🧾 Cerita (JSON)")
	if f := boss.last.Replies[0].File; f == nil || f.Kind != flows.FileStoriesJSON || f.Ref != "" {
		t.Fatalf("reply = %+v", boss.last.Replies)
	}
	w.tap(boss, "👥 Daftar alumni (CSV)")
	if f := boss.last.Replies[0].File; f == nil || f.Kind != flows.FileAlumniCSV {
		t.Fatalf("reply = %+v", boss.last.Replies)
	}
	alumnus := w.alumnus(3, "75", "75.71")
	expectIn(t, w.send(alumnus, "/ekspor"), "khusus untuk panitia")
}

// Sending a story is one effect whatever happens to the update: a crash before its commit (then
// redelivered) or a version conflict at the commit keeps one story, queued once for the moderators.
func TestStorySentOnceAcrossRedeliveryAndConflict(t *testing.T) {
	var answers []string
	for _, f := range []fault{noFault, crashBeforeCommit, conflictAtCommit} {
		t.Run(f.String(), func(t *testing.T) {
			w := newEffectsWorld(t)
			w.app.Stories, w.app.ModerationChat = w.st, -100777
			vita := w.alumnus(1, "75", "75.71")
			w.send(vita, "/cerita")
			w.tap(vita, "✍️ Tulis sendiri")
			w.input(vita, flows.Input{Kind: flows.KindText, Text: donut})
			w.tap(vita, "Lewati")
			w.tap(vita, "Lanjut tanpa foto")
			w.tap(vita, "👤 Boleh, dengan namaku")
			answers = append(answers, w.act(vita, f, func() { w.tap(vita, "📨 Kirim ke panitia") }))
			if n := len(w.pending()); n != 1 {
				t.Errorf("%d stories pending; want 1", n)
			}
			qs, _ := w.st.QueueStreams(context.Background(), store.StoriesLane)
			msgs, err := w.st.ReadQueue(context.Background(), store.StoriesLane, qs[0], "t", 10)
			if err != nil || len(msgs) != 1 {
				t.Errorf("queued for the moderators: %d, %v; want 1", len(msgs), err)
			}
		})
	}
	for _, a := range answers[1:] {
		if a != answers[0] {
			t.Errorf("answers differ:\n%s\n%s", answers[0], a)
		}
	}
}

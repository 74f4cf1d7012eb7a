package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// moderationChat is the moderation group of these tests (a supergroup id, as Telegram numbers them).
const moderationChat = -1001234567890

// withModeration runs the bot with a moderation chat (MODERATION_CHAT_ID).
func withModeration(chat int64) e2eOption { return func(c *e2eConfig) { c.modChat = chat } }

// moderator is a member of the moderation chat.
type moderator struct {
	c *e2eBot
	bottest.User
}

// Moderator is a member of the moderation chat; province "-" leaves them without any role, "" makes them
// panitia of every province.
func (c *e2eBot) Moderator(firstName, province string) *moderator {
	c.t.Helper()
	u := c.Alumnus(firstName, "id").User
	if province != "-" {
		if err := c.Store.Grant(context.Background(), u.ID, province); err != nil {
			c.t.Fatal(err)
		}
	}
	return &moderator{c: c, User: u}
}

// storyMessage is the newest message of the moderation chat that shows story buttons.
func (m *moderator) storyMessage() bottest.Message {
	m.c.t.Helper()
	msgs := m.c.API.Chat(moderationChat)
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Buttons) > 0 && strings.HasPrefix(msgs[i].Buttons[0][0].Data, "mq:") {
			return msgs[i]
		}
	}
	m.c.t.Fatalf("no story in the moderation chat:\n%s", m.c.API.Transcript(moderationChat))
	return bottest.Message{}
}

// Press presses the button labelled label on the newest story message of the moderation chat.
func (m *moderator) Press(label string) *moderator {
	m.c.t.Helper()
	msg := m.storyMessage()
	for _, row := range msg.Buttons {
		for _, b := range row {
			if b.Text == label {
				m.c.handOver(m.c.API.SendGroupCallback(m.User, moderationChat, msg.ID, b.Data))
				return m
			}
		}
	}
	m.c.t.Fatalf("no button %q on the story message %+v", label, msg)
	return m
}

// Reply replies to the newest story message of the moderation chat.
func (m *moderator) Reply(text string) *moderator {
	m.c.t.Helper()
	m.c.handOver(m.c.API.SendGroupReply(m.User, moderationChat, m.storyMessage().ID, text))
	return m
}

// ReplyToLast replies to the newest message of the moderation chat (the bot's last word there).
func (m *moderator) ReplyToLast(text string) *moderator {
	m.c.t.Helper()
	msgs := m.c.API.Chat(moderationChat)
	m.c.handOver(m.c.API.SendGroupReply(m.User, moderationChat, msgs[len(msgs)-1].ID, text))
	return m
}

// runStories sends what waits in the stories lane: new stories to the moderation chat, outcomes to
// their authors.
func (c *e2eBot) runStories() {
	c.t.Helper()
	if err := c.Bot.StoriesLane(c.Store, c.App, bot.LaneConfig{}).RunOnce(context.Background()); err != nil {
		c.t.Fatal(err)
	}
}

func (c *e2eBot) groupTranscript() string { return c.API.Transcript(moderationChat) }

// A story, its approval in the moderation chat, and the author's notification, in both languages.
func TestStoryGolden(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			parallel(t)
			c := e2eHarness{}.Start(t, withModeration(moderationChat))
			vita := c.Alumnus("Vita", lang).Onboard()
			budi := c.Moderator("Budi", "15") // panitia of Jambi, where Vita lives
			r := func(id string) string { return c.Catalog.Render(locales.LangFromCode(lang), locales.Msg(id)) }
			vita.Send("/cerita").Tap(r("btn.st_guided"))
			if lang == "id" {
				vita.Send("Dulu aku jualan kue kecil-kecilan di depan rumah.").
					Send("Pelatihan Digital Marketing: aku belajar foto produk dan jualan online.").
					Send("Sekarang toko donatku punya tiga karyawan dan pesanan datang tiap hari.")
			} else {
				vita.Send("I used to sell cakes from my front porch.").
					Send("The Digital Marketing training: I learnt product photos and selling online.").
					Send("Now my donut shop has three staff and orders come in every day.")
			}
			vita.Photo("").Tap(r("btn.st_photos_done")).Tap(r("btn.st_named")).Tap(r("btn.st_send"))
			group := groupSends{}
			group.during(c, c.runStories) // the story reaches the moderators on its own
			budi.Press("✅ Setujui")
			own := onItsOwn{}
			own.during(c, c.runStories, vita) // the outcome comes on its own
			vita.Expect("🎉")
			checkGolden(t, "story_"+lang+".txt", "== Vita ==\n"+vita.Transcript()+"\n== moderation chat ==\n"+c.groupTranscript())
			checkShape(t, vita, own.is)
			checkGroupShape(t, c, group.is)
		})
	}
}

// The donut shop: a 400-character message is offered as a story, two taps send it, and it waits for
// moderation; rejected with a reason replied in the moderation chat, the author gets the reason. In
// both languages (the moderation chat is the panitia's, in Indonesian).
func TestStoryByMessageGolden(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			parallel(t)
			c := e2eHarness{}.Start(t, withModeration(moderationChat))
			l := locales.LangFromCode(lang)
			r := func(id string, kv ...any) string { return c.Catalog.Render(l, locales.Msg(id, kv...)) }
			vita := c.Alumnus("Vita", lang).Onboard()
			budi := c.Moderator("Budi", "15")
			msg := "Halo kak, aku mau cerita sedikit. Dulu aku cuma jualan donat titipan di warung dekat rumah. " +
				"Setelah ikut pelatihan Digital Marketing, aku belajar foto produk pakai HP dan jualan lewat media " +
				"sosial. Sekarang aku punya toko donat sendiri di Kota Jambi, dua karyawan, dan pesanan datang dari " +
				"seluruh kota setiap hari. Terima kasih banyak untuk panitia dan para pelatihnya ya!! Semoga alumni lain bisa!!!"
			if lang == "en" {
				msg = "Hi, I'd like to share a little story. I used to sell other people's donuts at the stall near my " +
					"house. After the Digital Marketing training I learnt to take product photos with my phone and to " +
					"sell on social media. Now I have my own donut shop in Kota Jambi, two staff, and orders come in " +
					"from all over the city every day. Many thanks to the panitia and the trainers!!! Other alumni can do it too!!!!"
			}
			if n := len([]rune(msg)); n != 400 {
				t.Fatalf("the message has %d characters, want 400", n)
			}
			vita.Send(msg).Expect(r("st.offer")).Tap(r("btn.st_named")).Tap(r("btn.st_send")).
				Expect(r("st.sent", "Name", "Vita"))
			pending, err := c.Store.PendingStories(context.Background(), 10)
			if err != nil || len(pending) != 1 || pending[0].Text != msg || pending[0].Author != vita.ID {
				t.Fatalf("pending = %+v, %v", pending, err)
			}
			group := groupSends{}
			group.during(c, c.runStories)
			budi.Press("❌ Tolak").ReplyToLast("Ceritanya bagus, tapi tolong kirim lagi dengan foto toko ya.")
			own := onItsOwn{}
			own.during(c, c.runStories, vita)
			vita.Expect("tolong kirim lagi dengan foto toko ya")
			checkGolden(t, "story_message_"+lang+".txt", "== Vita ==\n"+vita.Transcript()+"\n== moderation chat ==\n"+c.groupTranscript())
			checkShape(t, vita, own.is)
			checkGroupShape(t, c, group.is)
		})
	}
}

// The moderation chat's buttons check the presser: a member who is not panitia, or a panitia of another
// province, changes nothing; the first of two moderators wins and the other is told who decided; the
// author is told once.
func TestModerationChatRolesAndRace(t *testing.T) {
	parallel(t)
	c := e2eHarness{}.Start(t, withModeration(moderationChat))
	c.API.SetRecordCalls(true)
	vita := c.Alumnus("Vita", "id").Onboard()
	guest := c.Moderator("Tamu", "-")
	gorontalo := c.Moderator("Rahmat", "75")
	budi := c.Moderator("Budi", "15")
	ani := c.Moderator("Ani", "")
	evil := "<b>Admin</b> *klik* [di sini](http://x) & _miring_ — cerita toko donatku yang laris manis sekarang."
	vita.Send("/cerita").Tap("✍️ Tulis sendiri").Send(evil).Tap("Lewati").Tap("Lanjut tanpa foto").
		Tap("🙈 Boleh, tanpa nama").Tap("📨 Kirim ke panitia")
	c.runStories()
	story := budi.storyMessage()
	if !strings.Contains(story.Text, "\n"+evil) || story.ParseMode != "" {
		t.Fatalf("the story reached the moderators as %q (parse mode %q); want the text exactly", story.Text, story.ParseMode)
	}
	if !strings.HasPrefix(story.Text, "📝 Cerita baru #") {
		t.Errorf("the story message does not start with the bot's heading: %q", story.Text)
	}
	guest.Press("✅ Setujui")
	gorontalo.Press("✅ Setujui")
	evs := c.API.Events(moderationChat)
	var answers []string
	for _, e := range evs {
		if e.Kind == "answer" {
			answers = append(answers, e.Msg.Text)
		}
	}
	if len(answers) != 2 || !strings.Contains(answers[0], "Hanya panitia") || !strings.Contains(answers[1], "di luar wilayahmu") {
		t.Fatalf("answers = %q", answers)
	}
	if st, _ := c.Store.Story(context.Background(), strings.TrimPrefix(strings.Fields(story.Text)[3], "#")); st == nil || st.Status != flows.StoryPending {
		t.Fatalf("story after refused presses = %+v", st)
	}
	// Budi and Ani press on the same message: Budi's approval is first, Ani's rejection finds it decided.
	msg := budi.storyMessage()
	c.API.SendGroupCallback(budi.User, moderationChat, msg.ID, msg.Buttons[0][0].Data)
	c.API.SendGroupCallback(ani.User, moderationChat, msg.ID, msg.Buttons[0][1].Data)
	c.Settle()
	c.runStories()
	c.runStories()
	told := 0
	for _, m := range c.API.Chat(vita.ID) {
		if strings.Contains(m.Text, "disetujui panitia") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("the author was told %d times; want once\n%s", told, vita.Transcript())
	}
	if got := c.groupTranscript(); !strings.Contains(got, "sudah disetujui oleh Budi") || !strings.Contains(got, "[✅ Disetujui oleh Budi]") {
		t.Errorf("moderation chat:\n%s", got)
	}
	// The approved story comes out of /ekspor, anonymous as asked, its text exactly as written.
	boss := c.Alumnus("Rina", "id")
	c.App.SuperAdmins[boss.ID] = true
	boss.Send("/ekspor").Tap("📄 Cerita (CSV)")
	last, _ := c.API.LastMessage(boss.ID)
	if last.Document != "cerita.csv" {
		t.Fatalf("the export is %+v\n%s", last, boss.Transcript())
	}
	checkShape(t, boss, nil)
	checkGroupShape(t, c, nil)
	// Plain text everywhere: no call of the whole conversation set a parse mode.
	for _, call := range c.API.Calls() {
		if pm, ok := call.Params["parse_mode"]; ok {
			t.Errorf("%s was sent with parse_mode %q", call.Method, pm)
		}
	}
}

// A story approved in /moderasi shows its outcome in the moderation chat too.
func TestModerasiDecisionShowsInModerationChat(t *testing.T) {
	parallel(t)
	c := e2eHarness{}.Start(t, withModeration(moderationChat))
	vita := c.Alumnus("Vita", "id").Onboard()
	budi := c.Moderator("Budi", "15")
	vita.Send("/cerita").Send("Dulu aku jualan kue di depan rumah, sekarang toko donatku punya tiga karyawan.").
		Tap("Lewati").Tap("Lanjut tanpa foto").Tap("🙈 Boleh, tanpa nama").Tap("📨 Kirim ke panitia")
	c.runStories()
	org := &e2eUser{c: c, User: budi.User}
	org.Send("/moderasi").Expect("Cerita 1 dari 1").Tap("✅ Setujui").Expect("disetujui")
	own := onItsOwn{}
	own.during(c, c.runStories, vita)
	if msg := budi.storyMessage(); msg.Buttons[0][0].Text != "✅ Disetujui oleh Budi" {
		t.Errorf("the moderation chat's story shows %+v\n%s", msg.Buttons, c.groupTranscript())
	}
	vita.Expect("sudah disetujui panitia")
	checkShape(t, org, nil)
	checkShape(t, vita, own.is)
}

// Moderators see every photo: those the story's message does not show come as an album above it.
func TestModerationChatShowsEveryPhoto(t *testing.T) {
	parallel(t)
	c := e2eHarness{}.Start(t, withModeration(moderationChat))
	vita := c.Alumnus("Vita", "id").Onboard()
	long := strings.Repeat("Toko donatku makin ramai setiap hari. ", 20) // 760 characters: too long for a caption
	vita.Send("/cerita").Send(long).Tap("Lewati").Photo("").Photo("").
		Tap("Lanjut ›").Tap("👤 Boleh, dengan namaku").Tap("📨 Kirim ke panitia")
	c.runStories()
	msgs := c.API.Chat(moderationChat)
	if len(msgs) != 3 || msgs[0].Media != "photo" || msgs[1].Media != "photo" || msgs[2].Media != "" ||
		!strings.Contains(msgs[2].Text, "📷 2 foto terlampir") || len(msgs[2].Buttons) == 0 {
		t.Fatalf("moderation chat:\n%s", c.groupTranscript())
	}
	checkShape(t, vita, nil)
}

// A story in progress is the conversation's state in Redis: a new process goes on where the old one
// stopped.
func TestStoryInProgressSurvivesARestart(t *testing.T) {
	parallel(t)
	c := e2eHarness{}.Start(t, withModeration(moderationChat))
	vita := c.Alumnus("Vita", "id").Onboard()
	vita.Send("/cerita").Tap("✍️ Tulis sendiri").
		Send("Dulu aku jualan kue di depan rumah, sekarang toko donatku punya tiga karyawan.").Expect("Pelatihan apa")
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c2 := e2eHarness{}.Start(t, sharing(c), withModeration(moderationChat))
	vita.c = c2
	vita.Tap("Lewati").Tap("Lanjut tanpa foto").Tap("👤 Boleh, dengan namaku").
		Expect("sekarang toko donatku punya tiga karyawan").Tap("📨 Kirim ke panitia").Expect("sudah kukirim")
	c2.runStories()
	if msgs := c2.API.Chat(moderationChat); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "toko donatku") {
		t.Fatalf("moderation chat:\n%s", c2.groupTranscript())
	}
	checkShape(t, vita, nil)
}

// checkGroupShape checks the moderation chat as checkShape checks a private chat, but for its own
// room: a press or reply of a moderator ("Budi: [tap] …") gets at most one new message and one edit,
// every press is answered, nothing is over 1,000 characters. Its messages need no button of their
// own: the bot's prompt there asks for a reply to the story, whose message carries the buttons.
func checkGroupShape(t *testing.T, c *e2eBot, unprompted func(bottest.Message) bool) {
	t.Helper()
	evs := c.API.Events(moderationChat)
	for i, ev := range evs {
		if ev.Kind != "user" {
			continue
		}
		if _, after, ok := strings.Cut(ev.Msg.Text, ": "); ok { // "Budi: [tap] ✅ Setujui" is a tap
			evs[i].Msg.Text = after
		}
	}
	var ps []string
	for _, p := range shapeProblems(evs, unprompted) {
		if !strings.Contains(p, "no way forward") {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		t.Errorf("the moderation chat breaks the shape:\n  %s\n%s", strings.Join(ps, "\n  "), c.groupTranscript())
	}
}

// groupSends records the messages the stories lane sent to the moderation chat by itself.
type groupSends map[int]bool

func (g groupSends) during(c *e2eBot, send func()) {
	c.t.Helper()
	before := len(c.API.Events(moderationChat))
	send()
	for _, ev := range c.API.Events(moderationChat)[before:] {
		if ev.Kind == "send" {
			g[ev.Msg.ID] = true
		}
	}
}

func (g groupSends) is(m bottest.Message) bool { return m.ChatID == moderationChat && g[m.ID] }

// /moderasi and /ekspor as golden transcripts, the panitia's side: Budi, panitia of Jambi, takes the
// two waiting stories one by one, rejecting the first with a reason typed too long and then right,
// approving the second; Rina, panitia pusat, exports the stories and the alumni list.
func TestGoldenModerasiID(t *testing.T) {
	parallel(t)
	c := e2eHarness{}.Start(t) // no moderation chat: /moderasi is the only way
	vita := c.Alumnus("Vita", "id").Onboard()
	dewi := c.Alumnus("Dewi", "id").Onboard()
	vita.Send("/cerita").Send("Dulu aku jualan kue di depan rumah, sekarang toko donatku punya tiga karyawan.").
		Tap("Lewati").Tap("Lanjut tanpa foto").Tap("👤 Boleh, dengan namaku").Tap("📨 Kirim ke panitia")
	dewi.Send("/cerita").Send("Setelah pelatihan menjahit, aku membuka usaha konveksi kecil dengan lima penjahit.").
		Tap("Lewati").Tap("Lanjut tanpa foto").Tap("🙈 Boleh, tanpa nama").Tap("📨 Kirim ke panitia")
	budi := c.Alumnus("Budi", "id")
	if err := c.Store.Grant(context.Background(), budi.ID, "15"); err != nil {
		t.Fatal(err)
	}
	c.App.Roles = c.Store
	budi.Send("/moderasi").Tap("❌ Tolak").Send(strings.Repeat("Terlalu pendek. ", 40)).
		Send("Ceritanya bagus, tolong tambahkan foto tokonya ya.").Tap("✅ Setujui")
	rina := c.Alumnus("Rina", "id")
	c.App.SuperAdmins[rina.ID] = true
	rina.Send("/ekspor").Tap("📄 Cerita (CSV)")
	c.runStories()
	checkGolden(t, "moderasi_id.txt", "== Budi (panitia Jambi) ==\n"+budi.Transcript()+"\n== Rina (panitia pusat) ==\n"+rina.Transcript())
	checkShape(t, budi, nil)
	checkShape(t, rina, nil)
}

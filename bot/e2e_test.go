package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/bot"
	"github.com/alumnibot/alumnibot/bot/bottest"
	"github.com/alumnibot/alumnibot/flows"
)

// Onboarding through every step in Indonesian: the Telegram name button, both directions of the
// province pager, a province and a regency by button, the wave typed, consent, then /profil.
func TestGoldenOnboardingID(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")
	vita.Send("/start").Expect("Siapa nama kamu").
		Tap("Vita").Expect("provinsi mana").
		Tap("Berikutnya ›").Expect("provinsi mana").
		Tap("‹ Sebelumnya").
		Tap("Jambi").Expect("di Jambi").
		Tap("Berikutnya ›").Tap("‹ Sebelumnya").
		Tap("Kota Jambi").Expect("gelombang berapa").
		Send("27").Expect("setuju").
		Tap("✅ Ya, aku setuju").Expect("Profilmu sudah tersimpan").
		Send("/profil").Expect("Gelombang: 27")
	checkGolden(t, "onboarding_id.txt", vita.Transcript())
	checkShape(t, vita, nil)

	p := c.Profile(vita)
	if p == nil || p.Name != "Vita" || p.Province != "15" || p.Regency != "15.71" || p.Wave != 27 || p.Lang != "id" || !p.Active || p.ConsentAt.IsZero() {
		t.Errorf("saved profile = %+v", p)
	}
}

// The same in English (Telegram language_code "en"), with the province and regency typed.
func TestGoldenOnboardingEN(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	dewi := c.Alumnus("Dewi", "en")
	dewi.Send("/start").Expect("What's your name").
		Tap("Dewi").Expect("Which province").
		Tap("Next ›").Tap("‹ Previous").
		Send("gorontalo").Expect("in Gorontalo").
		Send("GORONTALO").Expect("Which one").
		Tap("Kota Gorontalo").Expect("Which wave").
		Send("twelve").Expect("Do you agree").
		Send("yes").Expect("Your profile is saved").
		Send("/profil").Expect("Wave: 12")
	checkGolden(t, "onboarding_en.txt", dewi.Transcript())
	checkShape(t, dewi, nil)

	if p := c.Profile(dewi); p == nil || p.Lang != "en" || p.Regency != "75.71" || p.Wave != 12 {
		t.Errorf("saved profile = %+v", p)
	}
}

// Wrong input at every step of onboarding, in Indonesian: each gets a re-prompt that says what is
// expected, never silence.
func TestGoldenWrongInputID(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")

	// Name step.
	vita.Send("/start").Expect("Siapa nama kamu")
	nameMsg, nameBtn := vita.Button("Vita")
	vita.Sticker().Expect("Siapa nama kamu")
	vita.Send(strings.Repeat("Vita ", 819) + "V").Expect("maksimal 64 huruf") // 4,096 characters
	vita.Send("x").Expect("minimal 2 huruf")
	vita.Send("/profil").Expect("Siapa nama kamu")
	vita.Send("/tidakada").Expect("Siapa nama kamu")
	vita.TapData(nameMsg.ID, "adm:1:grant:100001").Expect("Siapa nama kamu") // forged
	vita.Tap("Vita").Expect("provinsi mana")

	// Province step.
	vita.Send("Atlantis").Expect("belum kenal provinsi itu")
	vita.Photo("").Expect("provinsi mana") // a photo without a caption
	// The name button of the first question again. Its data equals the tap already applied, so it
	// is taken for the second of a double tap: no message, only the callback is answered.
	before := vita.Messages()
	vita.TapData(nameMsg.ID, nameBtn.Data).ExpectAnswer("")
	if vita.Messages() != before {
		t.Errorf("a repeated tap on the name button sent a message")
	}
	provMsg, jambi := vita.Button("Jambi")
	vita.TapData(provMsg.ID, strings.Replace(jambi.Data, ":15", ":99", 1)).Expect("provinsi mana") // forged code
	// A double tap on the pager of the first province list: two callback queries at once, one page turn.
	_, next := vita.Button("Berikutnya ›")
	c.API.SendCallback(vita.User, provMsg.ID, next.Data)
	vita.TapData(provMsg.ID, next.Data)
	if m := c.API.Chat(vita.ID); !strings.Contains(m[len(m)-1].Text, "provinsi mana") {
		t.Errorf("the double tap sent a message: %q", m[len(m)-1].Text)
	}
	vita.Send("jambi").Expect("di Jambi")

	// Regency step.
	vita.Send("Kota Atlantis").Expect("belum menemukan kabupaten atau kota itu di Jambi")
	vita.Tap("Jambi").Expect("di Jambi").ExpectAnswer("tidak berlaku") // a province button: stale
	regMsg, kotaJambi := vita.Button("Kota Jambi")
	vita.TapData(regMsg.ID, strings.Replace(kotaJambi.Data, "15.71", "31.71", 1)).Expect("di Jambi") // another province's regency
	vita.Send("kab jambi").Expect("Maksudmu Kabupaten Muaro Jambi?")                                 // Jambi is a Kota; Kabupaten Muaro Jambi is offered
	vita.Photo("kota jambi").Expect("gelombang berapa")                                              // a photo whose caption is the answer

	// Wave step.
	vita.Send("banyak").Expect("Tulis pakai angka")
	vita.Send("0").Expect("antara 1 dan 999")
	vita.Send("1000").Expect("antara 1 dan 999")
	vita.Sticker().Expect("gelombang berapa")
	vita.Send("dua puluh tujuh").Expect("Gelombang 27")

	// Consent step.
	vita.Send("hmm").Expect(`Ketik "ya"`)
	vita.Tap("Nanti dulu").Expect("Kalau berubah pikiran")
	vita.Send("/profil").Expect("Kamu setuju?")
	consentMsg, yes := vita.Button("✅ Ya, aku setuju")
	c.API.SendCallback(vita.User, consentMsg.ID, yes.Data) // double tap on consent
	vita.TapData(consentMsg.ID, yes.Data).Expect("Profilmu sudah tersimpan")

	// Done: old buttons and stray input.
	vita.Tap("Nanti dulu").Expect("Ini yang bisa aku bantu")
	vita.Send("halo").Expect("Halo lagi, Vita")
	vita.Send("/tidakada").Expect("/bantuan")
	checkGolden(t, "wrong_input_id.txt", vita.Transcript())
	checkShape(t, vita, nil)
}

// A redelivered update — a message or a button press, Telegram sends it again when it got no
// confirmation — is applied once and answered once.
func TestRedeliveryChangesNothing(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")

	vita.Send("/start").Expect("Siapa nama kamu")
	start, events := vita.Last, vita.BotEvents()
	c.API.Redeliver(start)
	c.Settle()
	if got := vita.BotEvents(); got != events {
		t.Fatalf("a redelivered /start made %d more bot actions\n%s", got-events, vita.Transcript())
	}

	vita.Tap("Vita").Expect("provinsi mana")
	tap, events := vita.Last, vita.BotEvents()
	c.API.Redeliver(tap)
	c.API.Redeliver(start) // an older one too, in the same batch
	c.Settle()
	if got := vita.BotEvents(); got != events {
		t.Fatalf("a redelivered tap made %d more bot actions\n%s", got-events, vita.Transcript())
	}
	// The answer to a redelivered query may be attempted again; Telegram refuses it (already answered).
	answers := 0
	for _, call := range c.API.CallsTo("answerCallbackQuery") {
		if call.ErrorCode == 0 {
			answers++
		}
	}
	if answers != 1 {
		t.Errorf("%d callback queries answered, want 1", answers)
	}

	// The conversation moved one step per update: it is at the province question.
	vita.Send("Jambi").Expect("di Jambi")
	c.API.Redeliver(vita.Last)
	c.Settle()
	vita.Expect("di Jambi").Send("Kota Jambi").Expect("gelombang berapa")
	if got := strings.Count(vita.Transcript(), "Salam kenal"); got != 1 {
		t.Errorf("greeted %d times, want once", got)
	}
	if got := c.Metric("alumnibot_updates_total", "kind", "duplicate"); got != 4 {
		t.Errorf("%v updates counted as duplicates, want the 4 redelivered", got)
	}
}

// Two updates of one chat that arrive together are applied in order.
func TestUpdatesOfOneChatAreAppliedInOrder(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")
	vita.Send("/start").Expect("Siapa nama kamu")
	c.API.SendText(vita.User, "Vita Yuliana")
	c.API.SendText(vita.User, "Jambi")
	c.API.SendText(vita.User, "Kota Jambi")
	c.Settle()
	vita.Expect("gelombang berapa")
	want := []string{"Salam kenal, Vita Yuliana", "di Jambi", "gelombang berapa"}
	msgs := c.API.Chat(vita.ID)[1:]
	if len(msgs) != len(want) {
		t.Fatalf("%d replies, want %d\n%s", len(msgs), len(want), vita.Transcript())
	}
	for i, m := range msgs {
		if !strings.Contains(m.Text, want[i]) {
			t.Errorf("reply %d = %q, want it to contain %q", i, m.Text, want[i])
		}
	}
}

var messageNumber = regexp.MustCompile(`#[0-9]+`)

// Fifty alumni onboard at the same time, their updates interleaved in the same getUpdates batches:
// each chat gets exactly its own replies, in order.
func TestManyAlumniAtOnce(t *testing.T) {
	parallel(t)
	const n = 50
	c := e2e.Start(t)
	alumni := make([]*e2eUser, n)
	for i := range alumni {
		alumni[i] = c.Alumnus(fmt.Sprintf("Alumni%02d", i), "id")
	}
	// What alumnus i types, step by step; each step is injected for everyone without waiting for answers.
	script := []func(i int) string{
		func(int) string { return "/start" },
		func(i int) string { return alumni[i].FirstName },
		func(int) string { return "Jambi" },
		func(int) string { return "Kota Jambi" },
		func(i int) string { return strconv.Itoa(100 + i) }, // the wave
	}
	for _, text := range script {
		for i, a := range alumni {
			c.API.SendText(a.User, text(i))
		}
	}
	c.Settle()
	for _, a := range alumni {
		m, b := a.Button("✅ Ya, aku setuju")
		c.API.SendCallback(a.User, m.ID, b.Data)
	}
	for _, a := range alumni {
		c.API.SendText(a.User, "/profil")
	}
	c.Settle()

	// The bot's side of every chat reads the same once the alumnus's own name and wave are taken out;
	// a reply meant for another alumnus, or one out of order, would show up as a difference. (The
	// user's lines and the message numbers are left out: when the user's messages were injected
	// relative to the replies varies.)
	norm := func(i int) string {
		var b strings.Builder
		for _, line := range strings.SplitAfter(alumni[i].Transcript(), "\n") {
			if !strings.HasPrefix(line, "user: ") {
				b.WriteString(line)
			}
		}
		s := messageNumber.ReplaceAllString(b.String(), "#n") // user messages take numbers too
		s = strings.ReplaceAll(s, alumni[i].FirstName, "<name>")
		return strings.ReplaceAll(s, strconv.Itoa(100+i), "<wave>")
	}
	want := norm(0)
	for _, w := range []string{"Salam kenal, <name>!", "di Jambi?", "Kamu setuju?", "Beres, <name>!", "Gelombang: <wave>"} {
		if !strings.Contains(want, w) {
			t.Fatalf("transcript of the first alumnus lacks %q:\n%s", w, want)
		}
	}
	for i := 1; i < n; i++ {
		if diff := cmp.Diff(want, norm(i)); diff != "" {
			t.Errorf("chat of %s differs from the first one (-first +this):\n%s", alumni[i].FirstName, diff)
		}
		if p := c.Profile(alumni[i]); p == nil || p.Name != alumni[i].FirstName || p.Wave != 100+i {
			t.Errorf("profile of %s = %+v", alumni[i].FirstName, p)
		}
	}
}

// A double tap — two callback queries for one button, at once — has one effect and one reply; both
// queries are answered.
func TestDoubleTapHasOneEffect(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")
	doubleTap := func(label string) {
		t.Helper()
		m, b := vita.Button(label)
		c.API.SendCallback(vita.User, m.ID, b.Data)
		c.API.SendCallback(vita.User, m.ID, b.Data)
		c.Settle()
	}

	vita.Send("/start")
	before := vita.Messages()
	doubleTap("Vita")
	vita.Expect("provinsi mana")
	if got := vita.Messages() - before; got != 1 { // "Salam kenal" and the province question, in one
		t.Errorf("the double tap on the name sent %d messages, want 1\n%s", got, vita.Transcript())
	}

	vita.Send("Jambi").Send("Kota Jambi").Send("27").Expect("Kamu setuju?")
	before = vita.Messages()
	doubleTap("✅ Ya, aku setuju")
	vita.Expect("Profilmu sudah tersimpan")
	if got := vita.Messages() - before; got != 1 {
		t.Errorf("the double tap on consent sent %d messages, want 1\n%s", got, vita.Transcript())
	}
	answered := 0
	for _, ev := range c.API.Events(vita.ID) {
		if ev.Kind == "answer" {
			answered++
			if ev.Msg.Text != "" {
				t.Errorf("a tap was answered %q, want no notice", ev.Msg.Text)
			}
		}
	}
	if answered != 4 {
		t.Errorf("%d callback queries answered, want 4 (every query of both double taps)", answered)
	}
	if p := c.Profile(vita); p == nil || p.Name != "Vita" || p.Regency != "15.71" {
		t.Errorf("profile = %+v", p)
	}
}

// A 429 from the Bot API pauses sending for retry_after; the reply still arrives, in order.
func TestReplyArrivesAfterFloodWait(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")
	c.API.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	vita.Send("/start").Expect("Siapa nama kamu")
	msgs := c.API.Chat(vita.ID)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Selamat datang") {
		t.Fatalf("after a 429 the chat is\n%s", vita.Transcript())
	}
	calls := c.API.CallsTo("sendMessage")
	if len(calls) != 2 || calls[0].ErrorCode != http.StatusTooManyRequests || calls[1].ErrorCode != 0 {
		t.Fatalf("sendMessage calls: %+v", calls)
	}
	// retry_after is a lower bound the bot must respect (an upper bound would be a timing assertion).
	if wait := calls[1].At.Sub(calls[0].At); wait < time.Second {
		t.Errorf("the retry came %v after the 429, before retry_after (1s)", wait)
	}
	if got := c.Metric("alumnibot_bot_api_calls_total", "method", "sendMessage", "outcome", "retry_after"); got != 1 {
		t.Errorf("retry_after outcomes = %v, want 1", got)
	}
}

// Two 500s in a row are retried; the reply arrives.
func TestReplyArrivesAfterServerErrors(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")
	c.API.FailNext("sendMessage", 2, http.StatusInternalServerError, 0)
	vita.Send("/start").Expect("Siapa nama kamu")
	if msgs := c.API.Chat(vita.ID); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Selamat datang") {
		t.Fatalf("after two 500s the chat is\n%s", vita.Transcript())
	}
	if got := c.Metric("alumnibot_bot_api_calls_total", "method", "sendMessage", "outcome", "server_error"); got != 2 {
		t.Errorf("server_error outcomes = %v, want 2", got)
	}
	vita.Tap("Vita").Expect("provinsi mana")
}

// When the Bot API fails past every retry, the replies are not lost: they go out, late, before the
// answer to the alumnus's next message.
func TestRepliesFailedPastRetriesComeWithTheNextMessage(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")
	c.API.FailNext("sendMessage", 4, http.StatusInternalServerError, 0) // the first attempt and its 3 retries
	vita.Send("/start")
	if n := len(c.API.Chat(vita.ID)); n != 0 {
		t.Fatalf("%d messages despite the failing Bot API", n)
	}
	vita.Send("Vita")
	var texts []string
	for _, m := range c.API.Chat(vita.ID) {
		texts = append(texts, m.Text)
	}
	want := []string{"Siapa nama kamu", "provinsi mana"} // "Selamat datang" with the first, "Salam kenal" with the second
	if len(texts) != len(want) {
		t.Fatalf("chat after the second message:\n%s", vita.Transcript())
	}
	for i, w := range want {
		if !strings.Contains(texts[i], w) {
			t.Fatalf("message %d = %q, want it to contain %q\n%s", i, texts[i], w, vita.Transcript())
		}
	}
	// Delivered now: a third message brings nothing old along.
	before := len(c.API.Chat(vita.ID))
	vita.Send("Jambi").Expect("kabupaten atau kota")
	if got := len(c.API.Chat(vita.ID)) - before; got != 1 {
		t.Fatalf("third message got %d replies, want 1", got)
	}
}

// An alumnus who blocked the bot (sendMessage answers 403) is marked inactive; writing again makes
// them active.
func TestBlockedAlumnusIsMarkedInactive(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id").Onboard()
	if p := c.Profile(vita); p == nil || !p.Active {
		t.Fatalf("profile after onboarding = %+v", p)
	}
	c.API.BlockUser(vita.ID)
	before := len(c.API.CallsTo("sendMessage"))
	vita.Tap("Nanti dulu") // an old button: a reply is due (stale, then help, in one message)
	if p := c.Profile(vita); p == nil || p.Active {
		t.Fatalf("profile after a 403 = %+v, want inactive", p)
	}
	if got := len(c.API.CallsTo("sendMessage")) - before; got != 1 {
		t.Errorf("%d sendMessage calls to a user who blocked the bot, want 1 (403 is final)", got)
	}
	c.API.UnblockUser(vita.ID)
	vita.Send("/profil").Expect("Profilmu")
	if p := c.Profile(vita); p == nil || !p.Active {
		t.Errorf("profile after writing again = %+v, want active", p)
	}
}

// my_chat_member with status "kicked" (the alumnus blocked the bot) marks them inactive, without a
// reply; a user without a profile gets no stub profile.
func TestKickedUpdateMarksInactive(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id").Onboard()
	stranger := c.Alumnus("Stranger", "id")
	events := vita.BotEvents()
	for _, u := range []*e2eUser{vita, stranger} {
		c.API.SendRaw(chatMemberUpdate(u.User, models.ChatMemberTypeBanned))
	}
	c.Settle()
	if p := c.Profile(vita); p == nil || p.Active {
		t.Errorf("profile after kicked = %+v, want inactive", p)
	}
	if p := c.Profile(stranger); p != nil {
		t.Errorf("a user without a profile got one: %+v", p)
	}
	if got := vita.BotEvents(); got != events {
		t.Errorf("the bot answered a kicked update\n%s", vita.Transcript())
	}
	// They unblock the bot (status "member") and write again: active again.
	c.API.SendRaw(chatMemberUpdate(vita.User, models.ChatMemberTypeMember))
	c.Settle()
	vita.Send("/profil").Expect("Profilmu")
	if p := c.Profile(vita); p == nil || !p.Active {
		t.Errorf("profile after writing again = %+v, want active", p)
	}
}

// chatMemberUpdate is the my_chat_member update Telegram sends when u blocks (ChatMemberTypeBanned,
// "kicked") or unblocks (ChatMemberTypeMember) the bot.
func chatMemberUpdate(u bottest.User, status models.ChatMemberType) models.Update {
	botUser := &models.User{ID: bottest.BotID, IsBot: true, FirstName: bottest.BotName, Username: bottest.BotUsername}
	member := models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: botUser}}
	banned := models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: botUser}}
	old, next := member, banned
	if status == models.ChatMemberTypeMember {
		old, next = banned, member
	}
	return models.Update{MyChatMember: &models.ChatMemberUpdated{
		Chat:          models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName},
		From:          models.User{ID: u.ID, FirstName: u.FirstName, LanguageCode: u.LanguageCode},
		Date:          int(time.Now().Unix()),
		OldChatMember: old,
		NewChatMember: next,
	}}
}

// In webhook mode the bot checks the secret token (401 without it, nothing applied), answers 200
// only once the update's replies were sent, and 400 to a body that is not an update.
func TestWebhook(t *testing.T) {
	parallel(t)
	const secret = "e2e-Secret_0123456789"
	c := e2e.Start(t, withWebhook(secret))
	waitFor(t, "setWebhook", func() bool { u, _ := c.API.Webhook(); return u != "" })
	if url, sec := c.API.Webhook(); url != "https://alumnibot.example/tg/hook" || sec != secret {
		t.Errorf("setWebhook(%q, %q), want the configured URL and secret", url, sec)
	}

	vita := c.Alumnus("Vita", "id")
	start := c.API.SendText(vita.User, "/start")
	for _, wrong := range []string{"", "e2e-Secret_012345678", "e2e-Secret_01234567890", "wrong"} {
		if status := c.Deliver(start, wrong); status != http.StatusUnauthorized {
			t.Errorf("secret %q: status %d, want 401", wrong, status)
		}
	}
	if vita.BotEvents() != 0 {
		t.Fatalf("an update with a wrong secret was answered\n%s", vita.Transcript())
	}
	if n := c.Redis.Client(t).DBSize(context.Background()).Val(); n != 0 {
		t.Fatalf("an update with a wrong secret touched Redis: %d keys", n)
	}

	if status := c.Deliver(start, secret); status != http.StatusOK {
		t.Fatalf("status %d, want 200", status)
	}
	// Checked right after Deliver returned: the webhook answers only after the replies were sent.
	if got := vita.Messages(); got != 1 {
		t.Fatalf("when the webhook answered, %d of 1 reply were sent\n%s", got, vita.Transcript())
	}
	if status := c.Deliver(start, secret); status != http.StatusOK || vita.Messages() != 1 {
		t.Errorf("delivered again: status %d, %d messages; want 200 and no new reply", status, vita.Messages())
	}
	vita.Expect("Siapa nama kamu").Tap("Vita").Expect("provinsi mana").Send("Jambi").Expect("di Jambi")

	for _, body := range []string{"{", "[]", "not json", ""} {
		if status := c.post(e2eHookPath, secret, body); status != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", body, status)
		}
	}
	if status := c.post(e2eHookPath, "", "{"); status != http.StatusUnauthorized {
		t.Errorf("bad body without secret: status %d, want 401", status)
	}
	if n := c.API.PendingUpdates(); n != 0 {
		t.Errorf("%d updates not confirmed", n)
	}
	if len(c.API.CallsTo("getUpdates")) != 0 {
		t.Error("the bot polled while a webhook is set")
	}
}

// post sends a raw body to the bot's HTTP server, with a secret token if not "".
func (c *e2eBot) post(path, secret, body string) int {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+c.Bot.Addr()+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// While Redis is down every alumnus is told to try again later, the bot stays up and /healthz says
// 503; once Redis is back the bot serves normally.
func TestRedisOutage(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita, dewi := c.Alumnus("Vita", "id"), c.Alumnus("Dewi", "en")
	if status, _ := c.Get("/healthz"); status != http.StatusOK {
		t.Fatalf("/healthz = %d with Redis up, want 200", status)
	}
	vita.Send("/start").Expect("Siapa nama kamu")

	c.Redis.Stop(t)
	began := time.Now()
	vita.Send("Vita").Expect("Maaf, ada gangguan sebentar")
	t.Logf("first update during the outage handled in %v", time.Since(began))
	began = time.Now()
	dewi.Send("/start").Expect("Sorry, our system is having a brief hiccup")
	vita.Tap("Vita").Expect("Maaf, ada gangguan sebentar").ExpectAnswer("")
	t.Logf("two more updates during the outage handled in %v", time.Since(began))
	if status, _ := c.Get("/healthz"); status != http.StatusServiceUnavailable {
		t.Errorf("/healthz = %d with Redis down, want 503", status)
	}
	if !c.Running() {
		t.Fatal("the bot stopped during the Redis outage")
	}
	if got := c.Metric("alumnibot_errors_total", "stage", "handle"); got != 3 {
		t.Errorf("handle errors = %v, want 3", got)
	}

	c.Redis.Restart(t)
	// The Redis client may refuse for about a second after a restart (go-redis retries dials on
	// its own schedule), so wait for /healthz, then re-send until the bot answers normally.
	waitFor(t, "/healthz to answer 200 after the restart", func() bool {
		status, _ := c.Get("/healthz")
		return status == http.StatusOK
	})
	for try := 1; ; try++ {
		vita.Send("/start")
		if m, _ := c.API.LastMessage(vita.ID); strings.Contains(m.Text, "Siapa nama kamu") {
			break
		}
		if try == 10 {
			t.Fatalf("the bot did not recover after Redis came back\n%s", vita.Transcript())
		}
	}
	vita.Tap("Vita").Expect("provinsi mana")
	dewi.Send("/start").Expect("What's your name")
}

// Redis restarting (a deploy, a failover) for a moment: the update that came meanwhile is applied
// once Redis is back, and the alumnus gets its answer, not an apology.
func TestShortRedisOutageIsRiddenOut(t *testing.T) {
	parallel(t)
	c := e2e.Start(t, withHandleRetries(100*time.Millisecond, 200*time.Millisecond, 400*time.Millisecond,
		800*time.Millisecond, 1600*time.Millisecond, 3200*time.Millisecond))
	vita := c.Alumnus("Vita", "id")
	c.Redis.Stop(t)
	c.API.SendText(vita.User, "/start")
	waitFor(t, "the update to fail and be retried", func() bool {
		return c.Metric("alumnibot_errors_total", "stage", "handle_retry") >= 1
	})
	c.Redis.Restart(t)
	c.Settle()
	vita.Expect("Siapa nama kamu")
	if strings.Contains(vita.Transcript(), "Maaf, ada gangguan") {
		t.Errorf("an apology although the update was applied\n%s", vita.Transcript())
	}
	if got := c.Metric("alumnibot_errors_total", "stage", "handle"); got != 0 {
		t.Errorf("handle errors = %v, want 0: the update was given up", got)
	}
}

// panicOn is an engine that panics on one text, as a bug in a flow would.
type panicOn struct {
	bot.Engine
	text string
}

func (p panicOn) Handle(ctx context.Context, in flows.Input) (flows.Outcome, error) {
	if in.Text == p.text || in.Data == p.text {
		panic("e2e: a bug in a flow")
	}
	return p.Engine.Handle(ctx, in)
}

// A panic while handling an update is answered with an apology; the process survives and the next
// message works.
func TestPanicInFlowIsAnsweredWithAnApology(t *testing.T) {
	parallel(t)
	c := e2e.Start(t, withEngine(func(e bot.Engine) bot.Engine { return panicOn{e, "boom"} }))
	vita := c.Alumnus("Vita", "id")
	vita.Send("/start").Tap("Vita")
	vita.Send("boom").Expect("Maaf, ada yang salah waktu aku memproses pesanmu")
	m, _ := vita.Button("Jambi")
	vita.TapData(m.ID, "boom").Expect("Maaf, ada yang salah").ExpectAnswer("")
	if !c.Running() {
		t.Fatal("the bot stopped after a panic")
	}
	vita.Send("Jambi").Expect("di Jambi")
	if got := c.Metric("alumnibot_errors_total", "stage", "panic"); got != 2 {
		t.Errorf("panics counted: %v, want 2", got)
	}
}

// Cancelling Run's context while an update is being handled finishes it: Run returns nil after the
// replies were sent and the update was confirmed to Telegram, so a restarted bot does not repeat it.
func TestGracefulShutdownFinishesTheUpdateInFlight(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")
	vita.Send("/start").Expect("Siapa nama kamu")

	c.API.SetLatency(200 * time.Millisecond) // every Bot API answer is slow
	events := vita.BotEvents()
	id := c.API.SendText(vita.User, "Vita")
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	// The first reply reached the fake; the bot is still waiting for its answer.
	if err := c.API.WaitEvents(ctx, vita.ID, events+1); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("Run returned %v, want nil", err)
	}
	c.API.SetLatency(0)
	vita.Expect("provinsi mana") // the reply was sent and the update finished
	if got := vita.BotEvents() - events; got != 1 {
		t.Errorf("%d bot actions for the update in flight, want 1", got)
	}
	if n := c.API.PendingUpdates(); n != 0 {
		t.Errorf("%d updates not confirmed after shutdown", n)
	}
	polls := c.API.CallsTo("getUpdates")
	if last := polls[len(polls)-1]; last.Params["offset"] != strconv.FormatInt(id+1, 10) {
		t.Errorf("the last getUpdates had offset %s, want %d", last.Params["offset"], id+1)
	}

	// A new process on the same Telegram and Redis: the update redelivered anyway changes nothing.
	c2 := e2e.Start(t, sharing(c))
	c.API.Redeliver(id)
	c2.Settle()
	if got := vita.BotEvents() - events; got != 1 {
		t.Errorf("after a restart and a redelivery: %d bot actions, want still 1\n%s", got, vita.Transcript())
	}
	vita.Send("Jambi").Expect("di Jambi")
}

// /metrics exposes the update and Bot API counters after some traffic.
func TestMetricsAfterTraffic(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	c.Alumnus("Vita", "id").Onboard().Send("/profil")
	status, body := c.Get("/metrics")
	if status != http.StatusOK {
		t.Fatalf("/metrics = %d", status)
	}
	for _, series := range []string{
		`alumnibot_updates_total{kind="command"}`,
		`alumnibot_updates_total{kind="text"}`,
		`alumnibot_updates_total{kind="button"}`,
		`alumnibot_bot_api_calls_total{method="sendMessage",outcome="ok"}`,
		`alumnibot_bot_api_calls_total{method="answerCallbackQuery",outcome="ok"}`,
		`alumnibot_bot_api_calls_total{method="getUpdates",outcome="ok"}`,
		`alumnibot_update_duration_seconds_count`,
	} {
		if v, ok := sample(body, series); !ok || v <= 0 {
			t.Errorf("%s = %v (present: %v), want > 0", series, v, ok)
		}
	}
	if v, ok := sample(body, "alumnibot_updates_in_flight"); !ok || v != 0 {
		t.Errorf("alumnibot_updates_in_flight = %v (present: %v), want 0 once idle", v, ok)
	}
}

// sample finds a series in Prometheus' text format and returns its value.
func sample(exposition, series string) (float64, bool) {
	for _, line := range strings.Split(exposition, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}

// An alumnus who sends more than flows.FloodLimit updates in one window is warned once; the rest of
// the window is dropped, and every update is still confirmed.
func TestFloodingAlumnusIsSlowedDownOnce(t *testing.T) {
	parallel(t)
	c := e2e.Start(t, withClockStep(0)) // every update in the same flood window
	vita, dewi := c.Alumnus("Vita", "id"), c.Alumnus("Dewi", "id")
	vita.Send("/start")
	for range flows.FloodLimit + 4 {
		c.API.SendText(vita.User, "x")
	}
	c.Settle()
	if got := strings.Count(vita.Transcript(), "Pelan-pelan ya"); got != 1 {
		t.Errorf("warned %d times, want once\n%s", got, vita.Transcript())
	}
	if got := strings.Count(vita.Transcript(), "minimal 2 huruf"); got != flows.FloodLimit-1 {
		t.Errorf("%d re-prompts, want %d (the inputs within the limit)", got, flows.FloodLimit-1)
	}
	if got := c.Metric("alumnibot_updates_total", "kind", "flood"); got != 5 {
		t.Errorf("%v updates counted as flood, want 5", got)
	}
	dewi.Send("/start").Expect("Siapa nama kamu") // others are served as usual
}

// Taps dropped by the flood limit are still answered, or their buttons keep spinning: 30 quick taps,
// 30 answered callback queries, one warning message, and pop-ups on the dropped taps after it.
func TestFloodedTapsAreAllAnswered(t *testing.T) {
	parallel(t)
	c := e2e.Start(t, withClockStep(0)) // every update in the same flood window
	vita := c.Alumnus("Vita", "id")
	vita.Send("/start")
	c.Settle()
	var msg bottest.Message
	var btn bottest.Button
	for _, m := range c.API.Chat(vita.ID) {
		if len(m.Buttons) > 0 {
			msg, btn = m, m.Buttons[0][0]
		}
	}
	if btn.Data == "" {
		t.Fatalf("no button to tap:\n%s", vita.Transcript())
	}
	const taps = 30
	for range taps {
		c.API.SendCallback(vita.User, msg.ID, btn.Data)
	}
	c.Settle()
	var answers, popups int
	for _, ev := range c.API.Events(vita.ID) {
		if ev.Kind == "answer" {
			answers++
			if strings.Contains(ev.Msg.Text, "Pelan-pelan") {
				popups++
			}
		}
	}
	if answers != taps {
		t.Errorf("%d callback queries answered, want %d\n%s", answers, taps, vita.Transcript())
	}
	// /start is the first input of the window: taps 20 to 30 are dropped, the first of them warned by
	// a message, the others by a pop-up.
	if dropped := taps + 1 - flows.FloodLimit; popups != dropped-1 {
		t.Errorf("%d pop-ups on dropped taps, want %d\n%s", popups, dropped-1, vita.Transcript())
	}
	if got := strings.Count(vita.Transcript(), "Pelan-pelan ya, pesanmu"); got != 1 {
		t.Errorf("warned by %d messages, want one\n%s", got, vita.Transcript())
	}
}

// A button on a message Telegram no longer shows the bot (an inaccessible message, sent with date 0)
// is answered like any other: an old one as stale, a current one applied, with a new message where
// the reply would have edited the old one.
func TestButtonOnInaccessibleMessage(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	vita := c.Alumnus("Vita", "id")
	vita.Send("/start")
	_, name := vita.Button("Vita")
	vita.Tap("Vita").Expect("provinsi mana")
	const gone = 9999 // no such message in the chat: bottest sends an inaccessible message
	vita.TapData(gone, strings.Replace(name.Data, ":tg", ":x", 1)).ExpectAnswer("tidak berlaku").Expect("provinsi mana")
	_, next := vita.Button("Berikutnya ›")
	before := vita.Messages()
	vita.TapData(gone, next.Data).Expect("provinsi mana")
	if vita.Messages() != before+1 {
		t.Errorf("the page turn on an inaccessible message sent %d messages, want 1", vita.Messages()-before)
	}
	vita.Tap("Kalimantan Timur").Expect("di Kalimantan Timur")
}

package flows

import (
	"strings"
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	now := time.Date(2026, 11, 29, 22, 0, 0, 0, wib) // Sunday 29 November 2026, 22.00 WIB
	for _, c := range []struct {
		in   string
		want string // "" when it must not parse
	}{
		{"besok 09.00", "2026-11-30 09:00"},
		{"Besok pukul 9:30 WIB", "2026-11-30 09:30"},
		{"hari ini 23.15", "2026-11-29 23:15"},
		{"lusa 08.00", "2026-12-01 08:00"},
		{"tomorrow at 19:00", "2026-11-30 19:00"},
		{"20 Desember 19.00", "2026-12-20 19:00"},
		{"20 des 2027 19.00", "2027-12-20 19:00"},
		{"20 December 19:00", "2026-12-20 19:00"},
		{"5 Januari 10.00", "2027-01-05 10:00"}, // no year: the next one
		{"20-12-2026 19.00", "2026-12-20 19:00"},
		{"20/12 7.05", "2026-12-20 07:05"},
		{"31 November 10.00", ""},
		{"besok", ""},
		{"besok 25.00", ""},
		{"kapan-kapan", ""},
		{"20 Foo 10.00", ""},
	} {
		got, ok := parseWhen(c.in, now, wib)
		if c.want == "" {
			if ok {
				t.Errorf("parseWhen(%q) = %v, want no time", c.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02 15:04") != c.want {
			t.Errorf("parseWhen(%q) = %v, %v; want %s", c.in, got, ok, c.want)
		}
	}
}

func TestParseWaves(t *testing.T) {
	for in, want := range map[string][2]int{"27": {27, 27}, "20-30": {20, 30}, "30 - 20": {20, 30}, "20 sampai 30": {20, 30}, "20–30": {20, 30}} {
		f, to, ok := parseWaves(in)
		if !ok || f != want[0] || to != want[1] {
			t.Errorf("parseWaves(%q) = %d %d %v, want %v", in, f, to, ok, want)
		}
	}
	for _, in := range []string{"", "tiga", "0", "1-2-3", "20-", "1000"} {
		if _, _, ok := parseWaves(in); ok {
			t.Errorf("parseWaves(%q) accepted", in)
		}
	}
}

func TestParseSurvey(t *testing.T) {
	sv, _ := parseSurvey("Kamu datang?\n- Ya\n\n• Tidak\n")
	if sv == nil || sv.Question != "Kamu datang?" || strings.Join(sv.Options, "|") != "Ya|Tidak" {
		t.Fatalf("survey = %+v", sv)
	}
	for in, id := range map[string]string{
		"Kamu datang?\nYa":                       "bc.survey_count",
		"Q\n1\n2\n3\n4\n5\n6\n7":                 "bc.survey_count",
		"Q\nYa\nya":                              "bc.survey_option_twice",
		"Q\nYa\n" + strings.Repeat("x", 41):      "bc.survey_option_long",
		strings.Repeat("q", 201) + "\nYa\nTidak": "bc.survey_question_long",
	} {
		if sv, msg := parseSurvey(in); sv != nil || msg.ID != id {
			t.Errorf("parseSurvey(%q) = %+v %s, want %s", in, sv, msg.ID, id)
		}
	}
}

func TestBroadcastIDFitsSurveyButtons(t *testing.T) {
	a, b := BroadcastID("77:12:1", testNow), BroadcastID("77:12:1", testNow.Add(time.Hour))
	if a != b {
		t.Errorf("the same operation gave two ids: %s %s", a, b)
	}
	if a == BroadcastID("77:12:2", testNow) {
		t.Error("two operations gave one id")
	}
	if len(a) > MaxBroadcastID || len(surveyData(make([]byte, 32), 1<<40, a, 5)) > 64 {
		t.Errorf("id %q too long for survey buttons", a)
	}
}

func TestAudienceAllowed(t *testing.T) {
	jambi := Role{Organizer: true, Province: "15"}
	national := Role{Organizer: true}
	for _, c := range []struct {
		r    Role
		a    Audience
		want bool
	}{
		{national, Audience{Kind: AudAll}, true},
		{jambi, Audience{Kind: AudAll}, false},
		{jambi, Audience{Kind: AudProvince, Province: "15"}, true},
		{jambi, Audience{Kind: AudProvince, Province: "51"}, false},
		{jambi, Audience{Kind: AudWaves, WaveFrom: 1, WaveTo: 9}, false},
		{jambi, Audience{Kind: AudWaves, WaveFrom: 1, WaveTo: 9, Province: "15"}, true},
		{Role{}, Audience{Kind: AudProvince, Province: "15"}, false},
		{Role{Organizer: true, Super: true, Province: "15"}, Audience{Kind: AudAll}, true},
	} {
		if got := audienceAllowed(c.r, c.a); got != c.want {
			t.Errorf("audienceAllowed(%+v, %+v) = %v, want %v", c.r, c.a, got, c.want)
		}
	}
}

func TestBroadcastProgressTellsWhenItEnds(t *testing.T) {
	a := newApp(t)
	start := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC) // 14.00 WIB
	b := Broadcast{ID: "b1", State: BcSending, Total: 5000, Sent: 1200, Failed: 3, Blocked: 12, Started: start, Lang: "id"}
	r := a.BroadcastProgress(b, start.Add(243*time.Second)) // 1,215 settled in 243 s: 5 a second
	if r.Text.ID != "bc.progress" || r.Text.Args["ETA"] != "14.16 WIB" || r.Text.Args["Failed"] != int64(3) {
		t.Fatalf("progress = %+v", r.Text)
	}
	if len(r.Buttons) != 1 || r.Buttons[0][0].Data != "bx:0:stop:b1" {
		t.Fatalf("progress buttons = %+v", r.Buttons)
	}
	b.State = BcDone
	if r := a.BroadcastProgress(b, start); r.Text.ID != "bc.summary_done" || r.Buttons[0][0].Data != "bx:0:list:" {
		t.Fatalf("summary = %+v", r)
	}
}

func TestBroadcastReplyButtons(t *testing.T) {
	a := newApp(t)
	a.ButtonKey, a.BotUsername = []byte("key"), "alumnibot"
	b := Broadcast{ID: "b1", Lang: "id", Copy: CopyOf{Chat: 9, Message: 42}, Meetup: "jambi-2027"}
	sv := &Survey{Question: "Datang?", Options: []string{"Ya", "Tidak"}}

	r, lang := a.BroadcastReply(b, 7, &Profile{Lang: "en", Active: true}, sv)
	if lang != "en" || r.Copy == nil || r.Copy.Message != 42 || len(r.Buttons) != 3 {
		t.Fatalf("reply to an alumnus = %+v %s", r, lang)
	}
	if got := r.Buttons[0][0].Data; got != surveyData(a.ButtonKey, 7, "b1", 0) {
		t.Errorf("first answer button = %q: not signed for the recipient", got)
	}
	if got := r.Buttons[2][0].Data; got != "bj:0:join:jambi-2027" {
		t.Errorf("join button = %q", got)
	}
	// Someone without a profile gets the meetup's link instead: they are onboarded first.
	r, lang = a.BroadcastReply(b, 8, nil, nil)
	if lang != "id" || len(r.Buttons) != 1 || r.Buttons[0][0].URL != "https://t.me/alumnibot?start=ev_jambi-2027" {
		t.Fatalf("reply to someone not onboarded = %+v", r.Buttons)
	}
	// Without a message to copy (the console), the text goes as typed.
	b.Copy, b.Text, b.Meetup = CopyOf{}, "Halo!", ""
	if r, _ := a.BroadcastReply(b, 7, nil, nil); r.Copy != nil || r.Text.Raw != "Halo!" {
		t.Fatalf("text reply = %+v", r)
	}
}

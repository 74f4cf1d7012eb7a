package flows

import (
	"testing"
	"time"

	"github.com/alumnibot/alumnibot/locales"
)

func TestMeetupWhenAndDeadline(t *testing.T) {
	app := newApp(t)
	wita, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	m := &Meetup{Province: "75", Start: time.Date(2027, 2, 3, 9, 0, 0, 0, wita), End: time.Date(2027, 2, 3, 15, 30, 0, 0, wita)}
	now := time.Date(2027, 2, 1, 8, 0, 0, 0, wita)
	for _, tc := range []struct{ got, want string }{
		{meetupWhen(app, m, locales.ID), "Rabu, 3 Februari 2027 pukul 09.00–15.30 WITA"},
		{meetupWhen(app, &Meetup{Province: "75", Start: m.Start, End: m.Start.Add(25 * time.Hour)}, locales.ID),
			"Rabu, 3 Februari 2027 pukul 09.00 – Kamis, 4 Februari 2027 pukul 10.00 WITA"},
		{deadline(app, m, now.Add(13*time.Hour), now, locales.ID), "hari ini pukul 21.00 WITA"},
		{deadline(app, m, now.Add(13*time.Hour), now, locales.EN), "today 21:00 WITA"},
		{deadline(app, m, now.Add(20*time.Hour), now, locales.ID), "besok pukul 04.00 WITA"},
		{deadline(app, m, now.Add(20*time.Hour), now, locales.EN), "tomorrow 04:00 WITA"},
		{deadline(app, m, now.Add(50*time.Hour), now, locales.ID), "Rabu, 3 Februari 2027 pukul 10.00 WITA"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

package flows_test

import (
	"fmt"
	"testing"
)

// The reminders of a meetup in /buatacara: shown under the preview, changed from its button (a bad
// answer re-prompted with what to write), saved with the meetup.
func TestCreateMeetupReminders(t *testing.T) {
	w := newCreateWorld(t)
	org := w.host(mkSuper)
	var preview string
	for _, in := range gorontaloUtara {
		preview = w.do(org, in)
	}
	expectIn(t, preview, "🔔 Pengingat untuk pemegang kursi:\n• sehari sebelumnya pukul 19.00\n• 2 jam sebelum mulai")
	expectIn(t, w.do(org, "[🔔 Ubah pengingat]"), "Kapan alumni yang punya kursi diingatkan?")
	expectIn(t, w.do(org, "besok pagi"), "Pengingatnya belum terbaca", "Kapan alumni yang punya kursi diingatkan?")
	expectIn(t, w.do(org, "18.30, 3 jam, 1 hari"), "• sehari sebelumnya pukul 18.30\n• 3 jam sebelum mulai\n• 1 hari sebelum mulai")
	w.do(org, "[🚀 Terbitkan]")
	got := w.saved("Temu Alumni Gorontalo Utara")
	if got == nil || fmt.Sprint(got.Reminders) != "[18:30 3h 1d]" {
		t.Fatalf("saved %+v", got)
	}
}

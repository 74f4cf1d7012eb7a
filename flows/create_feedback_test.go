package flows_test

import (
	"testing"
	"time"
)

// The preview's feedback button moves through its choices, each tap editing the preview in place;
// the meetup keeps the one chosen, and an edit starts from it.
func TestCreateFeedbackAfterChoice(t *testing.T) {
	w := newCreateWorld(t)
	org := w.host(mkSuper)
	w.do(org, "/buatacara", "[➕ Buat acara baru]", "Temu Alumni Gorontalo Utara", "Gorontalo", "[Kota Gorontalo]",
		"ASTON Gorontalo Hotel & Villas", "[Lewati]", "19-09-2027", "09.00", "15:00", "100", "[Lewati]", "[✅ Selesai]")
	w.data(org, "⭐ Penilaian: 1 jam setelah selesai") // the default shown
	w.do(org, "[⭐ Penilaian: 1 jam setelah selesai]")
	if r := org.last.Replies; len(r) != 1 || !r[0].Edit {
		t.Fatalf("a tap of the choice answers %+v, want one edit of the preview", r)
	}
	w.do(org, "[⭐ Penilaian: 2 jam setelah selesai]", "[⭐ Penilaian: 3 jam setelah selesai]")
	w.data(org, "⭐ Penilaian: 24 jam setelah selesai")
	w.do(org, "[🚀 Terbitkan]")
	got := w.saved("Temu Alumni Gorontalo Utara")
	if got == nil || got.FeedbackAfter != 24*time.Hour {
		t.Fatalf("saved %+v, want feedback 24 hours after the end", got)
	}
	// An edit starts from the meetup's choice.
	w.do(org, "/buatacara", "[✏️ Ubah Temu Alumni Gorontalo Utara]", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "[✅ Selesai]")
	w.data(org, "⭐ Penilaian: 24 jam setelah selesai")
}

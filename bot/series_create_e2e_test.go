package bot_test

import (
	"testing"

	"github.com/alumnibot/alumnibot/locales"
)

// /buatworkshop as golden transcripts: a panitia creates a weekly series through the real bot,
// typing a link that is not one, a schedule with no day and a last day before the first, each
// re-prompted with what is wrong; then saves it, and an alumnus finds it from /acara's button.
func TestGoldenBuatWorkshopID(t *testing.T) {
	goldenBuatWorkshop(t, "id", "buatworkshop_id.txt", []string{"Kelas Digital Marketing", "Rumah BUMN", "zoom saja",
		"https://meet.example/digital", "kapan-kapan", "setiap Rabu pukul 19.00", "02-10-2024", "01-10-2024", "31-10-2024"})
}

func TestGoldenBuatWorkshopEN(t *testing.T) {
	goldenBuatWorkshop(t, "en", "buatworkshop_en.txt", []string{"Kelas Digital Marketing", "Rumah BUMN", "just zoom",
		"https://meet.example/digital", "whenever", "every Wednesday at 19:00", "02-10-2024", "01-10-2024", "31-10-2024"})
}

func goldenBuatWorkshop(t *testing.T, lang, golden string, typed []string) {
	w := newRemindWorld(t, 10)
	l := locales.LangFromCode(lang)
	say := func(id string) string { return w.c.Catalog.Render(l, locales.Msg(id)) }
	rina := w.c.Alumnus("Rina", lang) // panitia pusat, no alumnus profile
	w.c.App.SuperAdmins[rina.ID] = true
	rina.Send("/buatworkshop")
	for i, s := range typed {
		rina.Send(s)
		if i == 3 { // after the link: the zone, a button
			rina.Tap("WIT")
		}
	}
	rina.Tap(say("btn.ws_save"))
	vita := w.c.Alumnus("Vita", lang).Onboard()
	vita.Send("/acara").Tap(say("btn.go_workshops")).Expect("Kelas Digital Marketing")
	checkGolden(t, golden, "== Rina (panitia pusat) ==\n"+rina.Transcript()+"\n== Vita ==\n"+fromCommand(vita, "/acara"))
	checkShape(t, rina, nil)
	checkShape(t, vita, nil)
}

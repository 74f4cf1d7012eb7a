package bot_test

import (
	"strings"
	"testing"

	"github.com/alumnibot/alumnibot/locales"
)

// /laporan through the real bot for a meetup with alumni from more regencies than a message shows:
// one message, the caption of the CSV file that lists every regency, within 1,000 characters, with
// the buttons on — in both languages.
func TestReportWithManyRegenciesIsOneFile(t *testing.T) {
	parallel(t)
	c := e2e.Start(t)
	for _, lang := range []string{"id", "en"} {
		l := locales.LangFromCode(lang)
		say := func(id string) string { return c.Catalog.Render(l, locales.Msg(id)) }
		rina := c.Alumnus("Rina", lang)
		deskBot(t, rina)
		regencies := []string{"Kota Jambi", "Kota Sungai Penuh", "Kabupaten Kerinci", "Kabupaten Merangin",
			"Kabupaten Sarolangun", "Kabupaten Batanghari", "Kabupaten Muaro Jambi"}
		for _, r := range regencies {
			a := c.Alumnus("Vita", lang)
			a.Send("/start").Tap("Vita").Send("Jambi").Send(r).Send("27").Tap(say("btn.consent_yes"))
			a.Send("/start ev_jambi-2027").Tap(say("btn.rsvp"))
		}
		rina.Send("/laporan jambi-2027")
		m, _ := c.API.LastMessage(rina.ID)
		if m.Document != "laporan-jambi-2027.csv" || !strings.Contains(m.Text, say("report.regency_file")) {
			t.Fatalf("%s: the report is %q with document %q", lang, m.Text, m.Document)
		}
		// One alumnus each: the first five by name are shown, the two Kota after them summed up.
		if !strings.Contains(m.Text, "Kabupaten Sarolangun") || strings.Contains(m.Text, "Kota Sungai Penuh") {
			t.Errorf("%s: the regencies shown:\n%s", lang, m.Text)
		}
		checkShape(t, rina, nil)
	}
}

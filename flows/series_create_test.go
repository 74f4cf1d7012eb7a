package flows_test

import (
	"context"
	"testing"
)

// /buatworkshop: a panitia creates a weekly series; a bad schedule is refused with what is wrong in
// it, and an alumnus cannot reach the flow.
func TestCreateSeries(t *testing.T) {
	w := newCreateWorld(t)
	w.app.Series, w.app.Reminders = w.st, w.st
	org := w.host(mkSuper)
	expectIn(t, w.do(org, "/buatworkshop"), "Apa judul seri workshop-nya?")
	expectIn(t, w.do(org, "Kelas Digital Marketing"), "Siapa trainer-nya?")
	expectIn(t, w.do(org, "Rumah BUMN"), "Link untuk bergabung")
	expectIn(t, w.do(org, "zoom saja"), "belum terbaca sebagai link")
	expectIn(t, w.do(org, "https://meet.example/digital"), "zona waktu apa?")
	expectIn(t, w.do(org, "[WIT]"), "Kapan sesinya?")
	expectIn(t, w.do(org, "61 * * * *"), `Menit "61" tidak ada: menit hanya 0 sampai 59`)
	expectIn(t, w.do(org, "setiap Senin jam 25"), `Jam "25" tidak ada: jam hanya 0 sampai 23`)
	expectIn(t, w.do(org, "kapan-kapan"), `"kapan-kapan" belum terbaca sebagai jadwal`)
	expectIn(t, w.do(org, "setiap Rabu pukul 19.00"), "Mulai tanggal berapa?")
	expectIn(t, w.do(org, "01-03-2027"), "Sampai tanggal berapa?")
	expectIn(t, w.do(org, "28-02-2027"), "tidak boleh sebelum tanggal mulai")
	preview := w.do(org, "31-03-2027")
	expectIn(t, preview, "Senin, 1 Maret 2027 s.d. Rabu, 31 Maret 2027", "Jadwal: 0 19 * * 3 (WIT)", "Rabu, 3 Maret 2027 pukul 19.00 WIT")
	expectIn(t, w.do(org, "[✅ Simpan]"), "Kelas Digital Marketing sudah tersimpan")
	ss, err := w.st.SeriesEndingAfter(context.Background(), w.now, 10)
	if err != nil || len(ss) != 1 || ss[0].Spec != "0 19 * * 3" || ss[0].Zone != "WIT" || ss[0].To != "2027-03-31" {
		t.Fatalf("saved %+v, %v", ss, err)
	}

	vita := w.alumnus(1, "15", "15.71")
	expectIn(t, w.send(vita, "/buatworkshop"), "khusus untuk panitia")
	expectIn(t, w.send(vita, "/workshop"), "Kelas Digital Marketing", "Sesi berikutnya: Rabu, 3 Maret 2027 pukul 17.00 WIB") // Vita lives in Jambi (WIB)
}

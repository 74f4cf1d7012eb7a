package attach_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alumnibot/alumnibot/attach"
	"github.com/alumnibot/alumnibot/flows"
	"github.com/alumnibot/alumnibot/locales"
)

// feedbackFixture is the Gorontalo demo meetup with 14 alumni from 12 regencies, 13 of them checked
// in and rating it, two with comments, and suggestions from two provinces.
func feedbackFixture(t *testing.T) (*attach.Renderer, flows.Meetup) {
	t.Helper()
	ctx := context.Background()
	atlas, demo, st := attach.DemoStore(t)
	m := demo[0] // Gorontalo, WITA
	now := m.Start.Add(-24 * time.Hour)
	if err := st.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	regencies := []string{"75.71", "75.71", "75.01", "75.02", "75.03", "75.04", "75.05", "11.01", "71.71", "71.01", "15.71", "15.01", "15.02", "31.71"}
	for i, reg := range regencies {
		id := int64(i + 1)
		p := flows.Profile{Name: fmt.Sprintf("Alumni %d", id), Province: reg[:2], Regency: reg, Wave: 27, Lang: locales.ID, Active: true, ConsentAt: now, CreatedAt: now}
		if id == 2 {
			p.Name = "=HYPERLINK(\"http://evil\")"
		}
		if err := st.Commit(ctx, flows.Commit{User: id, Update: 1, Next: flows.Session{Profile: &p}, Now: now}); err != nil {
			t.Fatal(err)
		}
		seat, err := st.Reserve(ctx, m.ID, id, now)
		if err != nil {
			t.Fatal(err)
		}
		if id == 14 {
			continue // held a seat, did not come
		}
		if _, err := st.CheckIn(ctx, m.ID, id, seat.Code, m.Start); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Rate(ctx, m.ID, id, 1+int(id)%5, m.End.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for id, c := range map[int64]string{1: "Seru sekali, materinya \"pas\"", 2: "-1 ruangannya panas"} {
		if _, err := st.Comment(ctx, m.ID, id, c, m.End.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range []flows.Suggestion{
		{Alumnus: 1, Province: "75", Regency: "75.71", Text: "Adakan acara di Boalemo juga", At: m.End},
		{Alumnus: 11, Province: "15", Regency: "15.71", Text: "Workshop ekspor untuk UMKM", At: m.End.Add(time.Hour)},
	} {
		if err := st.AddSuggestion(flows.WithOps(ctx, s.Alumnus, int64(10+i)), s); err != nil {
			t.Fatal(err)
		}
	}
	return &attach.Renderer{Meetups: st, Atlas: atlas}, m
}

func TestReportChartIsOnePhoneSizedPNG(t *testing.T) {
	r, m := feedbackFixture(t)
	for _, lang := range []locales.Lang{locales.ID, locales.EN} {
		f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileReportChart, Meetup: m.ID}, lang)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", lang, err)
		}
		// 10 regency bars (9 and "Other") and 5 rating bars.
		if b := img.Bounds(); !f.Photo || b.Dx() != 1080 || b.Dy() != 2*120+15*56 {
			t.Fatalf("%s: %s photo=%v, %v", lang, f.Name, f.Photo, b)
		}
		again, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileReportChart, Meetup: m.ID}, lang)
		if err != nil || !bytes.Equal(again.Data, f.Data) {
			t.Fatalf("%s: the chart is not the same twice (%v)", lang, err)
		}
		if dir := os.Getenv("CHART_OUT"); dir != "" { // to look at it
			_ = os.WriteFile(dir+"/report-"+string(lang)+".png", f.Data, 0o644)
		}
	}
}

func TestFeedbackCSV(t *testing.T) {
	r, m := feedbackFixture(t)
	f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileFeedbackCSV, Meetup: m.ID}, locales.ID)
	if err != nil {
		t.Fatal(err)
	}
	rows := attach.CSVRows(t, f.Data)
	if f.Name != "penilaian-"+m.ID+".csv" || len(rows) != 14 {
		t.Fatalf("%s: %d rows", f.Name, len(rows))
	}
	at := m.End.Add(time.Hour).In(time.FixedZone("WITA", 8*3600)).Format(time.RFC3339)
	want := [][]string{
		{"telegram_id", "name", "regency", "rating", "comment", "rated_at"},
		{"1", "Alumni 1", "Kota Gorontalo", "2", "Seru sekali, materinya \"pas\"", at},
		{"2", "'=HYPERLINK(\"http://evil\")", "Kota Gorontalo", "3", "'-1 ruangannya panas", at},
		{"3", "Alumni 3", "Kabupaten Gorontalo", "4", "", at},
	}
	if diff := cmp.Diff(want, rows[:4]); diff != "" {
		t.Fatalf("feedback CSV (-want +got):\n%s", diff)
	}
}

func TestSuggestionsCSVByProvince(t *testing.T) {
	r, _ := feedbackFixture(t)
	for _, c := range []struct {
		prov string
		want []string // suggestion texts
	}{
		{"75", []string{"Adakan acara di Boalemo juga"}},
		{"15", []string{"Workshop ekspor untuk UMKM"}},
		{"", []string{"Workshop ekspor untuk UMKM", "Adakan acara di Boalemo juga"}},
		{"31", nil},
	} {
		f, err := r.Render(context.Background(), flows.Attachment{Kind: flows.FileSuggestionsCSV, Ref: c.prov}, locales.ID)
		if err != nil {
			t.Fatal(err)
		}
		rows := attach.CSVRows(t, f.Data)
		var got []string
		for _, row := range rows[1:] {
			got = append(got, row[4])
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("province %q (-want +got):\n%s", c.prov, diff)
		}
		if c.prov == "75" && (rows[1][2] != "Gorontalo" || rows[1][3] != "Kota Gorontalo" || rows[1][1] != "Alumni 1") {
			t.Errorf("row %v", rows[1])
		}
	}
}

// Before the meetup, nobody checked in: the chart shows the seats held by regency instead.
func TestReportChartBeforeTheMeetup(t *testing.T) {
	ctx := context.Background()
	atlas, demo, st := attach.DemoStore(t)
	m := demo[1]
	if err := st.SaveMeetup(ctx, m); err != nil {
		t.Fatal(err)
	}
	now := m.Start.Add(-48 * time.Hour)
	for id, reg := range map[int64]string{1: "15.71", 2: "15.71", 3: "15.01"} {
		p := flows.Profile{Name: "A", Province: "15", Regency: reg, Lang: locales.ID, Active: true, ConsentAt: now, CreatedAt: now}
		if err := st.Commit(ctx, flows.Commit{User: id, Update: 1, Next: flows.Session{Profile: &p}, Now: now}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Reserve(ctx, m.ID, id, now); err != nil {
			t.Fatal(err)
		}
	}
	r := &attach.Renderer{Meetups: st, Atlas: atlas}
	f, err := r.Render(ctx, flows.Attachment{Kind: flows.FileReportChart, Meetup: m.ID}, locales.ID)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dy() != 2*120+7*56 { // two regencies, five ratings
		t.Fatalf("chart %v", b)
	}
	if dir := os.Getenv("CHART_OUT"); dir != "" {
		_ = os.WriteFile(dir+"/report-before.png", f.Data, 0o644)
	}
}

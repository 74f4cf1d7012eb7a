package meetupfile

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const remindersFile = `
meetups:
  - id: makassar-2027
    title: Temu Alumni Makassar
    province: Sulawesi Selatan
    regency: Kota Makassar
    venue: {name: Hotel Claro}
    start: 2027-03-11 09:00
    end: 2027-03-11 15:00
    capacity: 100
    reminders: ["18.30", 3 jam]
series:
  - id: digital
    title: Kelas Digital Marketing
    trainer: Rumah BUMN
    link: https://meet.example/digital
    zone: wit
    schedule: setiap Rabu pukul 19.00
    from: 2027-03-01
    to: 2027-03-31
    remind_before: 30m
`

func TestRemindersAndSeriesFromTheFile(t *testing.T) {
	ms, err := Parse(strings.NewReader(remindersFile), atlas(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(ms[0].Reminders); got != "[18:30 3h]" {
		t.Errorf("reminders %s", got)
	}
	ss, err := ParseSeries(strings.NewReader(remindersFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 || ss[0].Spec != "0 19 * * 3" || ss[0].Zone != "WIT" || ss[0].RemindBefore != 30*time.Minute {
		t.Errorf("series %+v", ss)
	}
}

func TestBadScheduleInTheFile(t *testing.T) {
	for _, sched := range []string{"61 * * * *", "setiap Senin jam 25"} {
		f := strings.Replace(remindersFile, "setiap Rabu pukul 19.00", sched, 1)
		_, err := ParseSeries(strings.NewReader(f))
		if err == nil || !strings.Contains(err.Error(), "series 1 (digital): schedule") {
			t.Errorf("schedule %q: %v", sched, err)
		}
	}
	f := strings.Replace(remindersFile, `["18.30", 3 jam]`, `[besok]`, 1)
	if _, err := Parse(strings.NewReader(f), atlas(t)); err == nil || !strings.Contains(err.Error(), "reminders") {
		t.Errorf("bad reminders: %v", err)
	}
}

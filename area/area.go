package area

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // zones must resolve in a scratch image
)

//go:embed data/*.csv
var files embed.FS

// Province is one of Indonesia's 38 provinces.
type Province struct {
	Code     string // Kemendagri code, e.g. "15" (Jambi)
	Name     string
	Zone     *time.Location
	ZoneName string // Indonesian label: WIB, WITA or WIT
}

// Regency is a kabupaten or kota.
type Regency struct {
	Code     string // e.g. "15.71"; the part before the dot is the province code
	Province string
	Name     string // e.g. "Kota Jambi", "Kabupaten Muaro Jambi"
}

// Atlas answers questions about the embedded area data. It is immutable after Load.
type Atlas struct {
	provinces []Province
	byProv    map[string]int
	regencies map[string][]Regency // by province code, sorted by name
	byRegency map[string]Regency
}

// Load parses the embedded data.
func Load() (*Atlas, error) {
	a := &Atlas{byProv: map[string]int{}, regencies: map[string][]Regency{}, byRegency: map[string]Regency{}}
	zones := map[string][2]string{}
	if err := readCSV("data/province_timezones.csv", 3, func(r []string) error {
		zones[r[0]] = [2]string{r[1], r[2]}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readCSV("data/provinces.csv", 2, func(r []string) error {
		z, ok := zones[r[0]]
		if !ok {
			return fmt.Errorf("province %s has no time zone", r[0])
		}
		loc, err := time.LoadLocation(z[0])
		if err != nil {
			return fmt.Errorf("province %s: %w", r[0], err)
		}
		a.byProv[r[0]] = len(a.provinces)
		a.provinces = append(a.provinces, Province{Code: r[0], Name: r[1], Zone: loc, ZoneName: z[1]})
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readCSV("data/regencies.csv", 3, func(r []string) error {
		if _, ok := a.byProv[r[1]]; !ok {
			return fmt.Errorf("regency %s: unknown province %s", r[0], r[1])
		}
		g := Regency{Code: r[0], Province: r[1], Name: r[2]}
		a.regencies[r[1]] = append(a.regencies[r[1]], g)
		a.byRegency[r[0]] = g
		return nil
	}); err != nil {
		return nil, err
	}
	sort.SliceStable(a.provinces, func(i, j int) bool { return a.provinces[i].Name < a.provinces[j].Name })
	for i, p := range a.provinces {
		a.byProv[p.Code] = i
	}
	for _, rs := range a.regencies {
		sort.SliceStable(rs, func(i, j int) bool { return shortName(rs[i].Name) < shortName(rs[j].Name) })
	}
	return a, nil
}

// shortName drops the "Kabupaten"/"Kota" prefix so a list sorts the way people look for a place.
func shortName(n string) string {
	for _, p := range []string{"Kabupaten ", "Kota "} {
		if s, ok := strings.CutPrefix(n, p); ok {
			return s
		}
	}
	return n
}

func readCSV(name string, cols int, row func([]string) error) error {
	f, err := files.Open(name)
	if err != nil {
		return fmt.Errorf("area: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = cols
	if _, err := r.Read(); err != nil { // header
		return fmt.Errorf("area: %s: %w", name, err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("area: %s: %w", name, err)
		}
		if err := row(rec); err != nil {
			return fmt.Errorf("area: %s: %w", name, err)
		}
	}
}

// Provinces lists all provinces sorted by name. The slice must not be modified.
func (a *Atlas) Provinces() []Province { return a.provinces }

// Province looks a province up by code.
func (a *Atlas) Province(code string) (Province, bool) {
	i, ok := a.byProv[code]
	if !ok {
		return Province{}, false
	}
	return a.provinces[i], true
}

// Regencies lists a province's regencies sorted by name without the Kabupaten/Kota prefix.
// The slice must not be modified.
func (a *Atlas) Regencies(province string) []Regency { return a.regencies[province] }

// Regency looks a regency up by code.
func (a *Atlas) Regency(code string) (Regency, bool) {
	g, ok := a.byRegency[code]
	return g, ok
}

// FindProvince finds a province by its name, case-insensitively and ignoring extra spaces,
// so a typed "jambi" or "DKI  Jakarta" works as well as a button.
func (a *Atlas) FindProvince(name string) (Province, bool) {
	n := normalize(name)
	for _, p := range a.provinces {
		if normalize(p.Name) == n {
			return p, true
		}
	}
	return Province{}, false
}

// FindRegency finds a regency of a province by name, with or without "Kabupaten"/"Kota".
// An ambiguous short name (Kota and Kabupaten of the same name) does not match.
func (a *Atlas) FindRegency(province, name string) (Regency, bool) {
	n := normalize(name)
	var found []Regency
	for _, g := range a.regencies[province] {
		if normalize(g.Name) == n {
			return g, true
		}
		if normalize(shortName(g.Name)) == n {
			found = append(found, g)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return Regency{}, false
}

func normalize(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

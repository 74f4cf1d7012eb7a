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
	"unicode"
)

//go:embed data/*.csv
var files embed.FS

// Province is one of Indonesia's 38 provinces.
type Province struct {
	Code     string // Kemendagri code, e.g. "15" (Jambi)
	Name     string // the name people use: "DKI Jakarta" rather than "Daerah Khusus Ibukota Jakarta"
	Official string // the name in the source data
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
		name := r[1]
		if short, ok := commonNames[r[0]]; ok {
			name = short
		}
		a.provinces = append(a.provinces, Province{Code: r[0], Name: name, Official: r[1], Zone: loc, ZoneName: z[1]})
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

// commonNames are the names people use where they differ from the official one.
var commonNames = map[string]string{
	"31": "DKI Jakarta",
	"34": "DI Yogyakarta",
}

// aliases are other names and the usual abbreviations people type for a province.
var aliases = map[string]string{
	"jakarta": "31", "dki": "31", "daerah khusus jakarta": "31",
	"yogyakarta": "34", "jogja": "34", "jogjakarta": "34", "yogya": "34", "diy": "34", "jogya": "34",
	"nad": "11", "sumut": "12", "sumbar": "13", "sumsel": "16", "babel": "19", "bangka belitung": "19",
	"kepri": "21", "jabar": "32", "jateng": "33", "jatim": "35", "ntb": "52", "ntt": "53",
	"kalbar": "61", "kalteng": "62", "kalsel": "63", "kaltim": "64", "kaltara": "65",
	"sulut": "71", "sulteng": "72", "sulsel": "73", "sultra": "74", "sulbar": "76", "malut": "82",
	"pabar": "92", "papua barat daya": "96", "pbd": "96",
}

// FindProvince finds a province by what someone typed: its name or official name, case-insensitively
// and ignoring extra spaces and a leading "provinsi", or a common abbreviation ("Jabar", "NTT", "Jogja").
func (a *Atlas) FindProvince(name string) (Province, bool) {
	n := strings.TrimPrefix(normalize(name), "provinsi ")
	for _, p := range a.provinces {
		if normalize(p.Name) == n || normalize(p.Official) == n {
			return p, true
		}
	}
	if code, ok := aliases[n]; ok {
		return a.Province(code)
	}
	return Province{}, false
}

// FindRegency finds a regency of a province by name, with or without "Kabupaten"/"Kota" (or
// "Kab."). A name that fits more than one regency (Kota and Kabupaten Gorontalo) does not match:
// MatchRegency gives the candidates.
func (a *Atlas) FindRegency(province, name string) (Regency, bool) {
	if gs, exact := a.MatchRegency(province, name); exact && len(gs) == 1 {
		return gs[0], true
	}
	return Regency{}, false
}

// maxCandidates is how many regencies MatchRegency offers at most for a partial name.
const maxCandidates = 6

// MatchRegency lists the regencies of a province that what someone typed may mean, best first:
// the one whose full name it is; else those whose name without "Kabupaten"/"Kota" it is ("gorontalo":
// Kabupaten and Kota Gorontalo), keeping only the kind typed ("kab gorontalo", "Kab. Gorontalo",
// "kota gorontalo"); else, for three letters or more, those whose name has a word starting with it
// ("tanjung", at most maxCandidates). Case, extra spaces, dots and dashes do not matter. exact is
// false for the candidates of a partial name: they are to be offered, not taken.
func (a *Atlas) MatchRegency(province, name string) ([]Regency, bool) {
	n := normalize(name)
	if n == "" {
		return nil, false
	}
	rs := a.regencies[province]
	for _, g := range rs {
		if normalize(g.Name) == n {
			return []Regency{g}, true
		}
	}
	kind, short := splitKind(n)
	var same, partial []Regency
	for _, g := range rs {
		gk, gs := splitKind(normalize(g.Name))
		if kind != "" && gk != kind {
			continue
		}
		switch {
		case gs == short:
			same = append(same, g)
		case len(short) >= 3 && wordPrefix(gs, short):
			partial = append(partial, g)
		}
	}
	if len(same) > 0 {
		return same, true
	}
	if len(partial) > maxCandidates {
		return nil, false
	}
	return partial, false
}

// splitKind splits a normalized regency name into its kind ("kabupaten", "kota" or "") and the rest.
func splitKind(n string) (kind, rest string) {
	for _, p := range []struct{ prefix, kind string }{
		{"kabupaten ", "kabupaten"}, {"kab ", "kabupaten"}, {"kota ", "kota"}, {"kot ", "kota"},
	} {
		if r, ok := strings.CutPrefix(n, p.prefix); ok && r != "" {
			return p.kind, r
		}
	}
	return "", n
}

// wordPrefix says whether one of the words of s, or several in a row, starts with p.
func wordPrefix(s, p string) bool {
	for {
		if strings.HasPrefix(s, p) {
			return true
		}
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return false
		}
		s = s[i+1:]
	}
}

// normalize lowers s and keeps its words, split at spaces, dots, commas and dashes: "  Kab.  Muaro-Jambi"
// is "kab muaro jambi".
func normalize(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == '.' || r == ',' || r == '-' || r == '_'
	}), " ")
}

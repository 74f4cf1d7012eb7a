package flows

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/alumnibot/alumnibot/locales"
)

// Survey is the one question an announcement may carry, with up to six answers. The organizer
// writes both, so they are shown as written, in every language.
type Survey struct {
	Question string   `json:"q"`
	Options  []string `json:"o"`
	// Province is the province the announcement's audience lies in (a province, a regency or a
	// meetup audience); "" for an audience across provinces. Only organizers whose role covers it
	// see the results, so a panitia limited to a province sees their own province's surveys only.
	Province string `json:"p,omitempty"`
}

// MaxSurveyOptions is how many answers a survey offers at most.
const MaxSurveyOptions = 6

// A survey's answer buttons work outside any conversation (the announcement arrives whenever it
// arrives): "sv:0:<broadcast>:<option>:<signature>". The signature is an HMAC of the broadcast, the
// option and the alumnus it was sent to, so a forged or copied button changes nothing.
const surveyFlowName = "sv"

// SurveyButtons are the answer buttons of broadcast bc's survey as sent to one alumnus, one a row.
func (a *App) SurveyButtons(user int64, bc string, s Survey) [][]Button {
	rows := make([][]Button, 0, len(s.Options))
	for i, o := range s.Options {
		rows = append(rows, []Button{{Text: locales.Raw(o), Data: surveyData(a.ButtonKey, user, bc, i)}})
	}
	return rows
}

func surveyData(key []byte, user int64, bc string, option int) string {
	return surveyFlowName + ":0:" + bc + ":" + strconv.Itoa(option) + ":" + surveySignature(key, user, bc, option)
}

// surveySignature is 8 bytes of HMAC-SHA256, base64url: 11 characters, so the data stays well within
// Telegram's 64 bytes for broadcast ids up to 30 characters.
func surveySignature(key []byte, user int64, bc string, option int) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strconv.FormatInt(user, 10) + "\x00" + bc + "\x00" + strconv.Itoa(option)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:8])
}

// surveyAnswer reads an answer button's data after the flow name ("0:<bc>:<option>:<sig>") and
// checks its signature for the user who pressed it. ok is false for anything forged or malformed.
func surveyAnswer(key []byte, user int64, rest string) (bc string, option int, ok bool) {
	parts := strings.Split(rest, ":")
	if len(parts) != 4 || parts[0] != "0" {
		return "", 0, false
	}
	option, err := strconv.Atoi(parts[2])
	if err != nil || option < 0 || option >= MaxSurveyOptions {
		return "", 0, false
	}
	want := surveySignature(key, user, parts[1], option)
	if !hmac.Equal([]byte(want), []byte(parts[3])) {
		return "", 0, false
	}
	return parts[1], option, true
}

// Package bottest is a fake Telegram Bot API server for end-to-end tests and
// load drivers.
//
// The bot under test talks to it over HTTP exactly as it talks to
// api.telegram.org: point go-telegram/bot at it with
// bot.WithServerURL(srv.URL), and poll {URL}/bot{token}/getUpdates (or let
// the tests push updates to a webhook with Deliver). Tests inject what users
// do (SendText, SendCallback, SendPhoto, ...) and read back what the bot did,
// either as raw API calls (Calls, CallsTo) or as the chat the user would see
// (Chat, Events, LastMessage, Transcript).
//
// Wire format. Every request is a POST (GET works too) to
// /bot{token}/{method}; any token is accepted. Bodies may be
// multipart/form-data (what go-telegram/bot sends: objects such as
// reply_markup are JSON text parts, uploads are file parts, methods without
// parameters send an empty body), application/json, or
// application/x-www-form-urlencoded; URL query parameters are merged in.
// Method names are case-insensitive, as in Telegram. Answers use Telegram's
// envelope, {"ok":true,"result":...} or {"ok":false,"error_code":N,
// "description":"...","parameters":{"retry_after":S}}, with the HTTP status
// set to the error code. Uploaded and fake user files can be downloaded from
// {URL}/file/bot{token}/{file_path} after getFile.
//
// Realism. Where it is cheap, the fake refuses what Telegram refuses, with
// Telegram's error text, so that bugs show up in tests rather than in
// production: empty or over-long texts (4,096) and captions (1,024), HTML
// and Markdown that Telegram cannot parse, callback_data longer than 64
// bytes, inline buttons without an action, edits of unknown messages, edits
// that change nothing ("message is not modified"), answering a callback
// query twice, getUpdates while a webhook is set, and two concurrent
// getUpdates (the older one is answered 409 Conflict). Editing a message's
// text without a reply_markup removes its inline keyboard, as in Telegram.
// Flood limits are off unless SetFloodLimit is called.
//
// Concurrency and cost. Every method is safe for concurrent use. State is
// indexed by chat, so a request costs O(1) amortised plus the size of its own
// message; the server starts no goroutines of its own beyond net/http's.
package bottest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// DefaultToken is the token Server.Token holds. Any token is accepted.
const DefaultToken = "123456789:TEST-alumnibot-fake-token"

// Bot identity returned by getMe.
const (
	BotID       int64 = 1
	BotUsername       = "alumnibot_test_bot"
	BotName           = "Alumnibot Test"
)

// ErrClosed is returned by the waiting methods once the server is closed.
var ErrClosed = errors.New("bottest: server closed")

// maxUpload bounds a single request body part (Telegram's own limit for bot
// uploads is 50 MB).
const maxUpload = 50 << 20

// Server is a fake Telegram Bot API server. Create it with New or NewServer.
type Server struct {
	// URL is the base URL to pass to bot.WithServerURL, without a trailing
	// slash.
	URL string
	// Token is a syntactically valid token for the bot under test. Any token
	// is accepted; the one used is recorded in each Call.
	Token string

	hs        *httptest.Server
	client    *http.Client // for Deliver
	closing   chan struct{}
	closeOnce sync.Once

	mu sync.Mutex

	// updates
	nextUpdateID int64
	updates      map[int64]*injected // every injected update, for Deliver/Redeliver
	queue        []*pending          // not yet confirmed, sorted by update_id
	pollWake     chan struct{}       // closed when the queue grows or a newer poll arrives; nil if nobody waits
	pollGen      uint64              // incremented by every getUpdates
	allowed      map[string]bool     // allowed_updates as last set; nil: Telegram's default
	seq          int64               // for callback query ids, file ids

	// calls
	record   bool
	calls    []Call
	byMethod map[string][]int // canonical method name -> indexes into calls

	// chats and files
	chats     map[int64]*chat
	callbacks map[string]*callbackRef
	files     map[string]*file
	commands  map[string]string // setMyCommands by scope+language, raw JSON

	// faults
	faults  map[string][]*fault // canonical method name
	flood   FloodLimit
	global  bucket
	window  sendWindow   // SetWindowLimit and the send log (ratelimit.go)
	latency atomic.Int64 // time.Duration
	holds   []*Gate      // closed gates, oldest first

	// webhook
	webhookURL    string
	webhookSecret string

	// idleness
	inflight     int
	lastActivity time.Time
	idleWake     chan struct{}
	quiet        time.Duration
}

// Call is one request the server received, in arrival order.
type Call struct {
	Method string            // canonical name for known methods ("sendMessage"), else as sent
	Params map[string]string // form fields; JSON values (objects, numbers, booleans) as their JSON text
	Files  map[string][]byte // uploaded file parts by field name
	// FileNames are the uploaded files' names by field name.
	FileNames map[string]string
	ChatID    int64 // the chat the call is about: chat_id, or the chat of a callback query; 0 if none
	Token     string
	// ErrorCode is the error the server answered (0 when it answered ok).
	ErrorCode int
	// Description is the error description, if any.
	Description string
	At          time.Time
}

// New starts a server for one test and closes it in t.Cleanup. It never uses
// t outside of New.
func New(t testing.TB) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server outside of a test (load drivers, tools) on a
// free port of 127.0.0.1. Call Close when done.
func NewServer() *Server {
	return newServer(nil)
}

// NewServerAt is NewServer listening on addr, such as "127.0.0.1:8081", so
// that a bot started separately can be given a fixed TELEGRAM_API_URL. The
// server accepts any token and lets anyone inject updates through its Go
// API only, but it answers every HTTP request: keep addr on loopback.
func NewServerAt(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("bottest: listen: %w", err)
	}
	return newServer(ln), nil
}

// newServer starts a server on ln, or on a free loopback port if ln is nil.
func newServer(ln net.Listener) *Server {
	s := &Server{
		Token:     DefaultToken,
		closing:   make(chan struct{}),
		updates:   make(map[int64]*injected),
		record:    true,
		byMethod:  make(map[string][]int),
		chats:     make(map[int64]*chat),
		callbacks: make(map[string]*callbackRef),
		files:     make(map[string]*file),
		commands:  make(map[string]string),
		faults:    make(map[string][]*fault),
		quiet:     100 * time.Millisecond,
	}
	s.nextUpdateID = 1
	s.lastActivity = time.Now()
	s.hs = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if ln != nil {
		_ = s.hs.Listener.Close()
		s.hs.Listener = ln
	}
	s.hs.Start()
	s.URL = s.hs.URL
	s.client = &http.Client{Transport: &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     30 * time.Second,
	}}
	return s
}

// Close ends pending long polls and waits, then shuts the HTTP server down.
// It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.hs.Close()
		s.client.CloseIdleConnections()
	})
}

// SetQuietPeriod sets how long WaitIdle requires no API call to have arrived
// (default 100ms).
func (s *Server) SetQuietPeriod(d time.Duration) {
	s.mu.Lock()
	s.quiet = d
	s.mu.Unlock()
}

// SetLatency delays every API answer (not getUpdates) by d, to imitate the
// network in load tests. Zero (the default) answers at once.
func (s *Server) SetLatency(d time.Duration) {
	s.latency.Store(int64(d))
}

// SetRecordCalls turns the call log on (the default) or off. Long-running load
// drivers turn it off so memory stays flat; chats and events are still kept.
func (s *Server) SetRecordCalls(on bool) {
	s.mu.Lock()
	s.record = on
	s.mu.Unlock()
}

// Calls returns a copy of every recorded call in arrival order. The maps in
// each Call are shared with the server and must be treated as read-only.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the recorded calls of one method (case-insensitive), in
// arrival order.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.byMethod[canonical(method)]
	out := make([]Call, len(idx))
	for i, j := range idx {
		out[i] = s.calls[j]
	}
	return out
}

// apiError is a Telegram error answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(desc string) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + desc}
}

func errorFor(code, retryAfter int) *apiError {
	e := &apiError{code: code, retryAfter: retryAfter}
	switch code {
	case http.StatusTooManyRequests:
		e.desc = "Too Many Requests: retry after " + strconv.Itoa(retryAfter)
	case http.StatusForbidden:
		e.desc = "Forbidden: bot was blocked by the user"
	case http.StatusBadRequest:
		e.desc = "Bad Request: injected failure"
	case http.StatusUnauthorized:
		e.desc = "Unauthorized"
	case http.StatusNotFound:
		e.desc = "Not Found"
	case http.StatusConflict:
		e.desc = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case http.StatusInternalServerError:
		e.desc = "Internal Server Error"
	case http.StatusBadGateway:
		e.desc = "Bad Gateway"
	default:
		e.desc = http.StatusText(code)
		if e.desc == "" {
			e.desc = "Error " + strconv.Itoa(code)
		}
	}
	return e
}

type fault struct {
	n          int
	code       int
	retryAfter int
}

// FailNext makes the next n calls of method (case-insensitive) answer
// errorCode: 429 carries parameters.retry_after = retryAfter and the
// description "Too Many Requests: retry after N"; 403 is "Forbidden: bot was
// blocked by the user"; 500 "Internal Server Error"; others their usual
// text. Faults queue up in the order given. n <= 0 clears the method's
// pending faults. A failed call is recorded (with ErrorCode) and has no
// effect. getUpdates can be failed too.
func (s *Server) FailNext(method string, n int, errorCode int, retryAfter int) {
	m := canonical(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		delete(s.faults, m)
		return
	}
	s.faults[m] = append(s.faults[m], &fault{n: n, code: errorCode, retryAfter: retryAfter})
}

func (s *Server) takeFaultLocked(method string) *apiError {
	fs := s.faults[method]
	if len(fs) == 0 {
		return nil
	}
	f := fs[0]
	f.n--
	if f.n <= 0 {
		if len(fs) == 1 {
			delete(s.faults, method)
		} else {
			s.faults[method] = fs[1:]
		}
	}
	return errorFor(f.code, f.retryAfter)
}

// Gate holds API calls until released; see Hold.
type Gate struct {
	method string
	chatID int64
	open   chan struct{}
	once   sync.Once
	s      *Server

	mu   sync.Mutex
	held int           // calls that reached the gate
	wake chan struct{} // closed when one more reaches it; nil if nobody waits
}

// Hold makes the calls of method (case-insensitive) about chatID wait, before they take effect, until
// the returned gate is released; then they go on as usual, in the order the server takes them up.
// chatID 0 holds the method's calls about any chat. A held call counts as in flight for WaitIdle; it
// ends without effect or answer if its client goes away or the server closes. Calls made after
// Release pass. Use it to make one chat slow (a long upload, a 429 pause) for exactly as long as a
// test needs, without timers.
func (s *Server) Hold(method string, chatID int64) *Gate {
	g := &Gate{method: canonical(method), chatID: chatID, open: make(chan struct{}), s: s}
	s.mu.Lock()
	s.holds = append(s.holds, g)
	s.mu.Unlock()
	return g
}

// Release lets the held calls, and every later one, through. It may be called more than once.
func (g *Gate) Release() {
	g.once.Do(func() {
		g.s.mu.Lock()
		for i, h := range g.s.holds {
			if h == g {
				g.s.holds = append(g.s.holds[:i], g.s.holds[i+1:]...)
				break
			}
		}
		g.s.mu.Unlock()
		close(g.open)
	})
}

// Held returns how many calls have reached the gate so far.
func (g *Gate) Held() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held
}

// WaitHeld blocks until n calls have reached the gate, or ctx ends (ctx.Err()) or the server closes
// (ErrClosed).
func (g *Gate) WaitHeld(ctx context.Context, n int) error {
	for {
		g.mu.Lock()
		if g.held >= n {
			g.mu.Unlock()
			return nil
		}
		if g.wake == nil {
			g.wake = make(chan struct{})
		}
		ch := g.wake
		g.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-g.s.closing:
			return ErrClosed
		}
	}
}

// hold waits until the gate opens (true), or done or closing ends first (false).
func (g *Gate) hold(done <-chan struct{}, closing <-chan struct{}) bool {
	g.mu.Lock()
	g.held++
	if g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
	g.mu.Unlock()
	select {
	case <-g.open:
		return true
	case <-done:
	case <-closing:
	}
	return false
}

// gateFor returns the first closed gate that holds this call, or nil.
func (s *Server) gateFor(method string, p map[string]string) *Gate {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.holds) == 0 {
		return nil
	}
	chatID, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	if ref := s.callbacks[p["callback_query_id"]]; ref != nil && method == "answerCallbackQuery" {
		chatID = ref.chatID
	}
	for _, g := range s.holds {
		if g.method == method && (g.chatID == 0 || g.chatID == chatID) {
			return g
		}
	}
	return nil
}

// Offsets returns the offset of every recorded getUpdates call, in arrival order (0 when none was
// given): what the bot confirmed, and when, relative to the other calls.
func (s *Server) Offsets() []int64 {
	calls := s.CallsTo("getUpdates")
	out := make([]int64, len(calls))
	for i, c := range calls {
		out[i], _ = strconv.ParseInt(c.Params["offset"], 10, 64)
	}
	return out
}

// BlockUser makes every call about that chat (sending, editing, answering its
// callback queries) answer 403 "Forbidden: bot was blocked by the user" until
// UnblockUser.
func (s *Server) BlockUser(chatID int64) {
	s.mu.Lock()
	s.chatLocked(chatID).blocked = true
	s.mu.Unlock()
}

// UnblockUser undoes BlockUser.
func (s *Server) UnblockUser(chatID int64) {
	s.mu.Lock()
	s.chatLocked(chatID).blocked = false
	s.mu.Unlock()
}

// FloodLimit imitates Telegram's flood control for methods that create
// messages (send*, copyMessage, forwardMessage). Rates are messages per
// second; bursts are how many may go at once (at least 1). A zero rate means
// unlimited. A call over the limit answers 429 with retry_after set to the
// whole seconds until it would have been allowed (at least 1), and consumes
// nothing.
type FloodLimit struct {
	Global       float64 // across all chats; Telegram: about 30
	GlobalBurst  float64
	PerChat      float64 // in one chat; Telegram: about 1
	PerChatBurst float64
}

// SetFloodLimit sets (or, with the zero value, removes) the flood limit.
func (s *Server) SetFloodLimit(l FloodLimit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flood = l
	s.global = bucket{}
	for _, c := range s.chats {
		c.bucket = bucket{}
	}
}

type bucket struct {
	tokens float64
	last   time.Time
	init   bool
}

// take reports whether one token is available (and takes it) or how long
// until it is.
func (b *bucket) take(rate, burst float64, now time.Time) (bool, time.Duration) {
	if rate <= 0 {
		return true, 0
	}
	if burst < 1 {
		burst = 1
	}
	if !b.init {
		b.init, b.tokens, b.last = true, burst, now
	}
	b.tokens += now.Sub(b.last).Seconds() * rate
	if b.tokens > burst {
		b.tokens = burst
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

func (s *Server) floodLocked(c *chat, now time.Time) *apiError {
	if aerr := s.windowLocked(now); aerr != nil {
		s.window.refused++
		return aerr
	}
	l := s.flood
	if l.Global <= 0 && l.PerChat <= 0 {
		s.acceptedLocked(now)
		return nil
	}
	// Check both before taking either, so a refusal consumes nothing.
	g, c2 := s.global, c.bucket
	okG, waitG := g.take(l.Global, l.GlobalBurst, now)
	okC, waitC := c2.take(l.PerChat, l.PerChatBurst, now)
	if okG && okC {
		s.global, c.bucket = g, c2
		s.acceptedLocked(now)
		return nil
	}
	s.window.refused++
	wait := max(waitG, waitC)
	secs := int((wait + time.Second - 1) / time.Second)
	return errorFor(http.StatusTooManyRequests, max(secs, 1))
}

// serveHTTP routes /bot{token}/{method} and /file/bot{token}/{path}.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(path, "/bot")
	i := strings.IndexByte(rest, '/')
	if !ok || i <= 0 || i == len(rest)-1 {
		writeAnswer(w, nil, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	token, method := rest[:i], rest[i+1:]
	method = strings.TrimPrefix(method, "test/")
	method = canonical(method)

	if method == "getUpdates" {
		s.handleGetUpdates(w, r, token)
		return
	}

	s.mu.Lock()
	s.inflight++
	s.mu.Unlock()
	defer s.callDone()

	params, files, names, err := parseBody(r)
	var result any
	var aerr *apiError
	if err != nil {
		aerr = badRequest("can't parse request: " + err.Error())
		s.mu.Lock()
		s.recordLocked(Call{Method: method, Params: params, Token: token}, aerr)
		s.mu.Unlock()
	} else {
		if g := s.gateFor(method, params); g != nil {
			// Read the body to its end: only then does net/http watch the connection and end the
			// request's context when the client goes away.
			_, _ = io.Copy(io.Discard, r.Body)
			if !g.hold(r.Context().Done(), s.closing) {
				return // the client went away, or the server closes: no effect, no answer
			}
		}
		result, aerr = s.dispatch(method, token, params, files, names)
	}

	body, merr := encodeAnswer(result, aerr)
	if merr != nil {
		body, _ = encodeAnswer(nil, &apiError{code: 500, desc: "Internal Server Error: " + merr.Error()})
		aerr = &apiError{code: 500}
	}

	if lat := time.Duration(s.latency.Load()); lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-s.closing:
		}
		t.Stop()
	}
	w.Header().Set("Content-Type", "application/json")
	if aerr != nil {
		w.WriteHeader(aerr.code)
	}
	_, _ = w.Write(body)
}

// callDone marks the end of one non-getUpdates request for WaitIdle.
func (s *Server) callDone() {
	s.mu.Lock()
	s.inflight--
	s.lastActivity = time.Now()
	s.wakeIdleLocked()
	s.mu.Unlock()
}

func (s *Server) wakeIdleLocked() {
	if s.idleWake != nil {
		close(s.idleWake)
		s.idleWake = nil
	}
}

// recordLocked appends c to the call log, filling in the error.
func (s *Server) recordLocked(c Call, aerr *apiError) {
	if !s.record {
		return
	}
	if aerr != nil {
		c.ErrorCode, c.Description = aerr.code, aerr.desc
	}
	if c.At.IsZero() {
		c.At = time.Now()
	}
	s.byMethod[c.Method] = append(s.byMethod[c.Method], len(s.calls))
	s.calls = append(s.calls, c)
}

func writeAnswer(w http.ResponseWriter, result any, aerr *apiError) {
	body, err := encodeAnswer(result, aerr)
	if err != nil {
		aerr = &apiError{code: 500, desc: "Internal Server Error: " + err.Error()}
		body, _ = encodeAnswer(nil, aerr)
	}
	w.Header().Set("Content-Type", "application/json")
	if aerr != nil {
		w.WriteHeader(aerr.code)
	}
	_, _ = w.Write(body)
}

// rawJSON is a result that is already encoded.
type rawJSON []byte

func encodeAnswer(result any, aerr *apiError) ([]byte, error) {
	if aerr != nil {
		type params struct {
			RetryAfter int `json:"retry_after,omitempty"`
		}
		v := struct {
			OK          bool    `json:"ok"`
			ErrorCode   int     `json:"error_code"`
			Description string  `json:"description"`
			Parameters  *params `json:"parameters,omitempty"`
		}{ErrorCode: aerr.code, Description: aerr.desc}
		if aerr.retryAfter > 0 {
			v.Parameters = &params{RetryAfter: aerr.retryAfter}
		}
		return json.Marshal(v)
	}
	var res []byte
	switch r := result.(type) {
	case rawJSON:
		res = r
	case nil:
		res = []byte("true")
	default:
		var err error
		if res, err = json.Marshal(r); err != nil {
			return nil, err
		}
	}
	out := make([]byte, 0, len(res)+24)
	out = append(out, `{"ok":true,"result":`...)
	out = append(out, res...)
	out = append(out, '}')
	return out, nil
}

// parseBody reads a request's parameters from multipart, JSON or url-encoded
// bodies, and from the URL query.
func parseBody(r *http.Request) (params map[string]string, files map[string][]byte, names map[string]string, err error) {
	params = make(map[string]string)
	defer func() {
		for k, v := range r.URL.Query() {
			if _, ok := params[k]; !ok && len(v) > 0 {
				params[k] = v[0]
			}
		}
	}()
	ct := r.Header.Get("Content-Type")
	mt, mp, _ := mime.ParseMediaType(ct)
	switch mt {
	case "multipart/form-data":
		mr := multipart.NewReader(r.Body, mp["boundary"])
		for {
			part, perr := mr.NextPart()
			if perr != nil {
				// go-telegram/bot sends a multipart content type with an
				// entirely empty body for methods without parameters: the
				// reader reports that as (a wrapped) io.EOF.
				if errors.Is(perr, io.EOF) {
					return params, files, names, nil
				}
				return params, files, names, perr
			}
			data, rerr := io.ReadAll(io.LimitReader(part, maxUpload+1))
			if rerr != nil {
				return params, files, names, rerr
			}
			if len(data) > maxUpload {
				return params, files, names, errors.New("part too large")
			}
			name := part.FormName()
			if fn := part.FileName(); fn != "" {
				if files == nil {
					files, names = make(map[string][]byte), make(map[string]string)
				}
				files[name], names[name] = data, fn
			} else {
				params[name] = string(data)
			}
			_ = part.Close()
		}
	case "application/json":
		data, rerr := io.ReadAll(io.LimitReader(r.Body, maxUpload))
		if rerr != nil {
			return params, nil, nil, rerr
		}
		return params, nil, nil, parseJSONParams(data, params)
	case "application/x-www-form-urlencoded":
		data, rerr := io.ReadAll(io.LimitReader(r.Body, maxUpload))
		if rerr != nil {
			return params, nil, nil, rerr
		}
		return params, nil, nil, parseFormParams(data, params)
	default:
		data, rerr := io.ReadAll(io.LimitReader(r.Body, maxUpload))
		if rerr != nil {
			return params, nil, nil, rerr
		}
		data = bytes.TrimSpace(data)
		switch {
		case len(data) == 0:
			return params, nil, nil, nil
		case data[0] == '{':
			return params, nil, nil, parseJSONParams(data, params)
		default:
			return params, nil, nil, parseFormParams(data, params)
		}
	}
}

func parseJSONParams(data []byte, params map[string]string) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	for k, v := range m {
		switch {
		case len(v) == 0 || string(v) == "null":
		case v[0] == '"':
			var str string
			if err := json.Unmarshal(v, &str); err != nil {
				return err
			}
			params[k] = str
		default:
			params[k] = string(v)
		}
	}
	return nil
}

func parseFormParams(data []byte, params map[string]string) error {
	vals, err := url.ParseQuery(string(data))
	if err != nil {
		return err
	}
	for k, v := range vals {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	return nil
}

// knownMethods maps lower-case names to Telegram's spelling.
var knownMethods = func() map[string]string {
	m := make(map[string]string)
	for _, name := range []string{
		"getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
		"setMyCommands", "deleteMyCommands", "getMyCommands",
		"sendMessage", "sendPhoto", "sendDocument", "sendSticker", "sendAnimation",
		"sendVideo", "sendAudio", "sendVoice", "sendVideoNote", "sendLocation",
		"sendVenue", "sendContact", "sendPoll", "sendDice", "sendMediaGroup",
		"sendChatAction", "copyMessage", "forwardMessage",
		"editMessageText", "editMessageReplyMarkup", "editMessageCaption",
		"answerCallbackQuery", "deleteMessage", "deleteMessages", "getFile",
		"getChat", "getChatMember", "logOut", "close", "setMyName",
		"setMyDescription", "setMyShortDescription", "setChatMenuButton",
		"pinChatMessage", "unpinChatMessage", "createChatInviteLink",
	} {
		m[strings.ToLower(name)] = name
		m[name] = name
	}
	return m
}()

// canonical returns Telegram's spelling of a method name (or the name as
// given, for unknown methods).
func canonical(method string) string {
	if c, ok := knownMethods[method]; ok {
		return c
	}
	if c, ok := knownMethods[strings.ToLower(method)]; ok {
		return c
	}
	return method
}

// WaitIdle blocks until the bot looks done with everything injected so far,
// or ctx ends (returning ctx.Err()) or the server closes (ErrClosed).
//
// It returns nil when, at one moment, all of these hold:
//   - no injected update is still pending: each was handed out by getUpdates
//     and then confirmed by a later getUpdates whose offset is above its
//     update_id (or was skipped by an offset, or dropped by allowed_updates),
//     or was accepted with a 2xx by Deliver;
//   - no API request other than getUpdates is being served; and
//   - no such request has finished within the quiet period (SetQuietPeriod,
//     default 100ms).
//
// It does not know about work the bot does without calling the API (a slow
// Redis write after the last send, a timer that fires later): such work is
// covered only if it makes an API call within the quiet period. A bot that
// confirms an update before handling it (go-telegram/bot's own poller does)
// is covered only by the quiet period. Updates injected while a webhook is
// set stay pending until Deliver succeeds. Prefer WaitEvents when the number
// of bot actions is known.
func (s *Server) WaitIdle(ctx context.Context) error {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 || s.inflight > 0 {
			if s.idleWake == nil {
				s.idleWake = make(chan struct{})
			}
			ch := s.idleWake
			s.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return ctx.Err()
			case <-s.closing:
				return ErrClosed
			}
			continue
		}
		left := time.Until(s.lastActivity.Add(s.quiet))
		s.mu.Unlock()
		if left <= 0 {
			return nil
		}
		t := time.NewTimer(left)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-s.closing:
			t.Stop()
			return ErrClosed
		}
	}
}

// botUser is what getMe returns and what bot messages are "from".
var botUser = models.User{
	ID:                      BotID,
	IsBot:                   true,
	FirstName:               BotName,
	Username:                BotUsername,
	CanJoinGroups:           true,
	CanReadAllGroupMessages: false,
	SupportInlineQueries:    false,
}

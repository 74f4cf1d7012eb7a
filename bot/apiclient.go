package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// Telegram answers a sent or edited message with the whole message, keyboard included, and the
// library decodes all of it with encoding/json: a fifth of the bot's CPU under load, for a result the
// replies never read. A call made with a context from withoutResult gets, once it succeeded, an
// empty result object instead, which decodes into the method's result type (a Message, a MessageId)
// at no cost. Only methods whose result is an object may be called so; an error answer and an answer
// not written as Telegram writes it pass unchanged.

type withoutResultKey struct{}

// withoutResult marks the Bot API calls made with ctx as ones whose result the bot does not read.
func withoutResult(ctx context.Context) context.Context {
	return context.WithValue(ctx, withoutResultKey{}, true)
}

// apiClient is the HTTP client of the library's calls.
type apiClient struct{ *http.Client }

var (
	okPrefix    = []byte(`{"ok":true,"result":{`)
	emptyResult = []byte(`{"ok":true,"result":{}}`)
)

func (c apiClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.Client.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK || req.Context().Value(withoutResultKey{}) == nil {
		return resp, err
	}
	head := make([]byte, len(okPrefix))
	n, err := io.ReadFull(resp.Body, head)
	if err != nil || !bytes.Equal(head, okPrefix) {
		// Not ours to judge: the library reads the answer as it came.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(head[:n]), resp.Body), resp.Body}
		return resp, nil
	}
	// Read to the end, so the connection is reused.
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(emptyResult))
	resp.ContentLength = int64(len(emptyResult))
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

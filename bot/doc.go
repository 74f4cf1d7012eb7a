// Package bot is alumnibot's Telegram transport: it takes updates by long polling or webhook, applies
// each chat's updates one after another (different chats in parallel on a bounded pool), turns them
// into flows.Inputs for the engine, and carries the replies out as Bot API calls with retries, a shared
// pause on 429 and inactive-marking on 403. It also serves /healthz and /metrics.
//
// Delivery is at least once into the engine, which applies each update exactly once: the poller
// advances Telegram's offset, and the webhook answers, only after the updates were applied.
//
// It may import flows and locales; it knows nothing of Redis.
package bot

// Package bot is alumnibot's Telegram transport: it takes updates by long polling or webhook, applies
// each chat's updates one after another (per-chat queues; different chats in parallel on WORKERS
// goroutines), turns them into flows.Inputs for the engine, and carries the replies out as Bot API
// calls with retries, a shared pause on 429 and inactive-marking on 403. It also serves /healthz and
// /metrics, and runs the lanes of the outbound queue (lane.go): everything the bot sends on its own
// (notices today) is read from Redis Streams, sent, retried with backoff or dead-lettered, message by
// message.
//
// Delivery is at least once into the engine, which applies each update once: the poller confirms
// Telegram's offset only up to the lowest update not yet done, and the webhook answers 200 only after
// the update was applied and answered. An update applied before whose replies another (perhaps dead)
// replica holds is offered again (unconfirmed offset, 503 to the webhook) until they were sent or may
// be claimed here.
//
// It may import flows and locales; it knows nothing of Redis.
package bot

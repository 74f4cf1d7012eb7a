// Package store keeps alumnibot's state in Redis: conversation state, profiles, de-duplication
// markers and flood counters. It owns every key and script; callers never build keys.
//
// # Key scheme
//
// Every key starts with a prefix (default "ab:") so a shared Redis is safe. Keys used together in one
// script or transaction share a hash tag, so everything runs on Redis Cluster.
//
//	ab:{u:<id>}:conv          hash  v (version), s (JSON flows.Conv), p (an update whose replies could
//	                                not be sent)                            expires ConvTTL after the last input
//	ab:{u:<id>}:profile       hash  name, province, regency, wave, lang,   never expires
//	                                consent_at, created_at, active, referred_by
//	ab:{u:<id>}:upd:<update>  string  "1": the update was applied; expires MarkerTTL (Telegram keeps
//	                                  undelivered updates for 24 h)
//	ab:{u:<id>}:res:<update>  string  the update's JSON result, to repeat on a redelivery after a crash;
//	                                  expires ReplayTTL
//	ab:{u:<id>}:flood:<slot>  counter of inputs in one flood window       expires after two windows
//	ab:{mt:<id>}:meetup       string  JSON flows.Meetup                     never expires
//	ab:meetups                zset  meetup ids scored by end time (unix)   never expires
//
// <id> is the Telegram user id, which is also the private chat's id.
//
// This package may import flows and locales (it implements flows' interfaces); nothing else of the project.
package store

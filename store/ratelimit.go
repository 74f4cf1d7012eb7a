package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The bulk lane's one rate, shared by every replica (issue 8 §4). It lives in one hash so that one
// script reads and changes it atomically, on Redis Cluster too:
//
//	ab:{bulk}:rate   hash   tat (ms: when the next message may go, GCRA's theoretical arrival time),
//	                        rate (msg/s now), ceil (the rate a 429 last came at; 0: none yet),
//	                        at (ms: the rate's last change), pause (ms: no bulk message before),
//	                        good (a rate that held a whole probe interval), n429 (429s heard),
//	                        l429 (ms: the last 429 that lowered the rate)
//	                        expires a day after its last use
//
// GCRA with reservation: each message takes the next slot (tat) and its sender sleeps until then, so
// senders on every replica are spaced 1/rate apart without racing for a slot, and Redis's clock is
// the only clock. (go-redis/redis_rate offers allow-or-retry-after only: replicas would wake at the
// same moment and race, and the AIMD rate would need a second round trip.) Burst is one message:
// any 1-second window holds at most rate+1 of them.
//
// AIMD: a 429 (not one of the same burst: none while a pause is in force) pauses every replica for
// retry_after, remembers the rate it came at (ceil) and multiplies the rate by rateDecrease (floor
// rateFloor). Then, each second without a 429, the rate climbs by a step (rateStep(max)) up to half a
// step below ceil; there it holds, and every rateProbe it probes half a step higher (ceil with it),
// up to max. A 429 while probing above a rate that held for a whole rateProbe (good) falls back to
// that rate instead of dividing: the probe found the limit, no need to start the climb again. A 429
// after the rate held rateCalm unchanged, or one at rateNear of the rate the last 429 came at or
// more (and not within rateRecent of it), lowers it by one step only: the limit is about there (or it was jitter), and if it really
// fell further the next 429 comes within seconds and divides. So the rate settles just under the limit Telegram enforces and tests it again only every
// rateProbe.

// Rate policy.
const (
	rateFloor    = 1.0              // msg/s: never slower
	rateDecrease = 0.7              // multiplied on a 429
	rateClimb    = time.Second      // between additive steps below the ceiling
	rateProbe    = time.Minute      // between half steps above it
	rateCalm     = 30 * time.Second // a rate unchanged this long drops one step on a lone 429
	rateNear     = 0.85             // a 429 at this share of the last 429's rate or more drops one step…
	rateRecent   = 5 * time.Second  // …unless the last one was this recent
	rateMargin   = 0.97             // slots are spaced for rate×margin: room for jitter between slot and arrival
	rateKeyTTL   = 24 * time.Hour   // the state is forgotten after a day unused
	rateStepDiv  = 30.0             // a step is max/30, at least 1 msg/s (25 → 1; 1,000 → 33)
	maxRateAhead = 10 * time.Second // a slot further ahead is not reserved: asked again later
)

func rateStep(max float64) float64 { return maxf(1, max/rateStepDiv) }

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func (s *Store) bulkRateKey() string { return s.prefix + "{bulk}:rate" }

// rateLua holds the state functions both scripts use. ARGV[1] is now in ms (0: Redis's clock),
// ARGV[2] the maximum rate.
const rateLua = `
local function num(x, d) x = tonumber(x) if x == nil then return d end return x end
local now = tonumber(ARGV[1])
if now == 0 then local t = redis.call('TIME') now = t[1] * 1000 + math.floor(t[2] / 1000) end
local max = tonumber(ARGV[2])
local floor, dec, climb, probe = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local step, margin, ttl = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local h = redis.call('HMGET', KEYS[1], 'tat', 'rate', 'ceil', 'at', 'pause', 'n429', 'good', 'l429')
local tat, rate, ceil = num(h[1], 0), num(h[2], max), num(h[3], 0)
local at, pause, n429, good = num(h[4], now), num(h[5], 0), num(h[6], 0), num(h[7], 0)
local l429 = num(h[8], 0)
if rate > max then rate = max end
if rate < floor then rate = floor end
-- additive increase, one step per interval seen
if rate < max and now >= pause then
  local cap = max
  if ceil > 0 then cap = math.min(max, math.max(ceil - step / 2, floor)) end
  if rate < cap then
    if now - at >= climb then
      rate = math.min(rate + step, cap)
      at = now
    end
  elseif now - at >= probe then
    good = rate
    rate = math.min(rate + step / 2, max)
    ceil = math.max(ceil, rate + step / 2)
    at = now
  end
end
`

const rateSave = `
redis.call('HSET', KEYS[1], 'tat', string.format('%.3f', tat), 'rate', string.format('%.4f', rate),
  'ceil', string.format('%.4f', ceil), 'at', at, 'pause', pause, 'n429', n429, 'good', string.format('%.4f', good), 'l429', l429)
redis.call('PEXPIRE', KEYS[1], ttl)
`

// reserveScript takes the next slot. Returns {wait ms, rate} as strings.
var reserveScript = redis.NewScript(rateLua + `
local ahead = tonumber(ARGV[10])
if tat < now then tat = now end
if tat < pause then tat = pause end
local wait = tat - now
if wait <= ahead then tat = tat + 1000 / (rate * margin) end
` + rateSave + `
return {string.format('%.3f', wait), string.format('%.4f', rate)}`)

// throttleScript hears a 429 with retry_after ARGV[10] ms. Returns {rate, 1 if it lowered the rate}.
var throttleScript = redis.NewScript(rateLua + `
local retry = tonumber(ARGV[10])
local near = tonumber(ARGV[12])
local lowered = 0
if now >= pause then
  local was = rate
  if good > 0 and rate > good then
    rate = good
  elseif now - at >= tonumber(ARGV[11]) or (ceil > 0 and rate >= ceil * near and now - l429 >= tonumber(ARGV[13])) then
    rate = math.max(rate - step, floor)
  else
    rate = math.max(rate * dec, floor)
    good = 0
  end
  ceil = was
  at = now
  l429 = now
  n429 = n429 + 1
  lowered = 1
end
if now + retry > pause then pause = now + retry end
if tat < pause then tat = pause end
` + rateSave + `
return {string.format('%.4f', rate), lowered}`)

func (s *Store) rateArgs(now time.Time, max float64, last any) []any {
	ms := int64(0)
	if !now.IsZero() {
		ms = now.UnixMilli()
	}
	return []any{ms, max, rateFloor, rateDecrease, rateClimb.Milliseconds(), rateProbe.Milliseconds(),
		rateStep(max), rateMargin, rateKeyTTL.Milliseconds(), last, rateCalm.Milliseconds(), rateNear, rateRecent.Milliseconds()}
}

// ReserveBulkSlot reserves the next slot of the bulk lane's shared rate, whose maximum is max msg/s
// (BROADCAST_RATE): the caller sleeps wait, then sends. reserved is false when the next slot is
// further ahead than maxRateAhead (a long pause): nothing was reserved, ask again after wait. It also
// returns the shared rate now. now is zero in production (Redis's clock); tests pass a clock.
func (s *Store) ReserveBulkSlot(ctx context.Context, now time.Time, max float64) (wait time.Duration, reserved bool, rate float64, err error) {
	res, err := reserveScript.Run(ctx, s.rdb, []string{s.bulkRateKey()}, s.rateArgs(now, max, maxRateAhead.Milliseconds())...).StringSlice()
	if err != nil {
		return 0, false, 0, fmt.Errorf("reserve a bulk slot: %w", err)
	}
	ms, _ := strconv.ParseFloat(res[0], 64)
	rate, _ = strconv.ParseFloat(res[1], 64)
	wait = msDuration(ms)
	return wait, wait <= maxRateAhead, rate, nil
}

// ThrottleBulk records a 429 of a bulk message: every replica pauses for retryAfter and, unless the
// 429 belongs to a pause already in force, the shared rate drops. It returns the rate now and whether
// this 429 lowered it.
func (s *Store) ThrottleBulk(ctx context.Context, now time.Time, max float64, retryAfter time.Duration) (float64, bool, error) {
	res, err := throttleScript.Run(ctx, s.rdb, []string{s.bulkRateKey()}, s.rateArgs(now, max, retryAfter.Milliseconds())...).Slice()
	if err != nil {
		return 0, false, fmt.Errorf("throttle the bulk rate: %w", err)
	}
	rate, _ := strconv.ParseFloat(fmt.Sprint(res[0]), 64)
	lowered, _ := res[1].(int64)
	return rate, lowered == 1, nil
}

// BulkPaused says how much is left of a pause of the bulk lane (a 429 any replica heard).
func (s *Store) BulkPaused(ctx context.Context, now time.Time) (time.Duration, error) {
	v, err := s.rdb.HGet(ctx, s.bulkRateKey(), "pause").Result()
	if err == redis.Nil {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("bulk pause: %w", err)
	}
	until, _ := strconv.ParseInt(v, 10, 64)
	if now.IsZero() {
		// The pause is on Redis's clock; ours is close enough for a pause of seconds.
		now = time.Now()
	}
	return max(time.Duration(until-now.UnixMilli())*time.Millisecond, 0), nil
}

// BulkRate is the shared rate's state, for metrics and the load driver.
type BulkRate struct {
	Rate, Ceiling float64
	Throttles     int64
}

// BulkRateState reads the shared rate's state (zero before the first bulk message).
func (s *Store) BulkRateState(ctx context.Context) (BulkRate, error) {
	h, err := s.rdb.HMGet(ctx, s.bulkRateKey(), "rate", "ceil", "n429").Result()
	if err != nil {
		return BulkRate{}, fmt.Errorf("bulk rate: %w", err)
	}
	var r BulkRate
	f := func(v any) float64 { x, _ := strconv.ParseFloat(fmt.Sprint(v), 64); return x }
	r.Rate, r.Ceiling, r.Throttles = f(h[0]), f(h[1]), int64(f(h[2]))
	return r, nil
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

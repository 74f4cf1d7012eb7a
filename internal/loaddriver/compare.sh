#!/usr/bin/env bash
# Out-of-process load figures of the bot as it is now against the bot at an earlier commit (by
# default eb12d97, the last before issue 7 "one message per tap"): updates per second, the bot's CPU
# time per update, and bot actions (sends, edits, callback answers) per alumnus. It builds the bot and
# the driver of both (the earlier ones from a temporary git worktree: each driver checks the texts of
# its own bot), starts its own Redis on a spare port (no data written to disk), and runs them in
# turn, earlier then now, RUNS times, so that whatever else the machine does weighs on both alike.
# Each run starts the driver (the fake Bot API), then the bot polling it, as README "Load test" does,
# with fresh user ids; the keys are deleted after it. The load average is printed before and after.
#
#   internal/loaddriver/compare.sh                  # 2,000 alumni, 100 at a time, 3 runs each, onboarding
#   BASE= internal/loaddriver/compare.sh            # only the bot as it is now
#   ALUMNI=1000 RUNS=5 MEETUP=1 BASE= internal/loaddriver/compare.sh   # onboarding and a seat each
#
# Settings (environment): BASE (eb12d97; empty: no earlier bot), ALUMNI (2000), CONCURRENCY (100),
# RUNS (3), MEETUP (0: onboarding and /profil; 1: then /acara, the meetup, "Aku ikut": drivers before
# issue 7 cannot), WORKERS (the bot's WORKERS, 64), PORT_BASE (7400: Redis on it, the fake Bot API on
# +1, the bot's HTTP on +2), OUT (a directory for the builds and the raw reports).
set -euo pipefail

BASE=${BASE-eb12d97}
ALUMNI=${ALUMNI:-2000}
CONCURRENCY=${CONCURRENCY:-100}
RUNS=${RUNS:-3}
MEETUP=${MEETUP:-0}
WORKERS=${WORKERS:-64}
PORT_BASE=${PORT_BASE:-7400}
OUT=${OUT:-$(mktemp -d /tmp/alumniload-compare.XXXXXX)}

REDIS_PORT=$PORT_BASE
API_ADDR=127.0.0.1:$((PORT_BASE + 1))
HTTP_ADDR=127.0.0.1:$((PORT_BASE + 2))
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
PREFIX=compare:

root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$OUT"
echo "builds and reports in $OUT"

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "$BASE" ] && [ -d "$OUT/base-src" ]; then git -C "$root" worktree remove --force "$OUT/base-src" 2>/dev/null || true; fi
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average before: $(load) on $(nproc) cores"
if awk '{exit !($1 >= 1)}' /proc/loadavg; then
	echo "WARNING: the machine is not idle (1-minute load average $(cut -d' ' -f1 /proc/loadavg) >= 1): the figures will be low"
fi

# build NAME DIR builds the bot and the driver of the source tree DIR into $OUT/NAME.
build() {
	mkdir -p "$OUT/$1"
	(cd "$2" && go build -o "$OUT/$1/alumnibot" ./cmd/alumnibot && go build -o "$OUT/$1/alumniload" ./cmd/alumniload)
}
versions=(now)
build now "$root"
if [ -n "$BASE" ]; then
	git -C "$root" worktree add --detach "$OUT/base-src" "$BASE" >/dev/null
	build base "$OUT/base-src"
	versions=(base now)
fi

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT" \
	--logfile "$OUT/redis.log" --daemonize no &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

meetup_flags=()
if [ "$MEETUP" = 1 ]; then meetup_flags=(-meetup -prefix "$PREFIX"); fi

for run in $(seq "$RUNS"); do
	for v in "${versions[@]}"; do
		report="$OUT/$v/run$run.txt"
		"$OUT/$v/alumniload" -listen "$API_ADDR" -alumni "$ALUMNI" -concurrency "$CONCURRENCY" \
			-redis "$REDIS_URL" -pidfile "$OUT/alumnibot.pid" "${meetup_flags[@]}" >"$report" 2>&1 &
		driver=$!
		sleep 1 # the fake Bot API listens before the bot polls it
		TELEGRAM_BOT_TOKEN=123:abc TELEGRAM_API_URL="http://$API_ADDR" REDIS_URL="$REDIS_URL" \
			REDIS_PREFIX="$PREFIX" HTTP_ADDR="$HTTP_ADDR" WORKERS="$WORKERS" LOG_LEVEL=warn \
			"$OUT/$v/alumnibot" serve >"$OUT/$v/bot$run.log" 2>&1 &
		bot=$!
		pids+=("$bot")
		echo "$bot" >"$OUT/alumnibot.pid"
		status=0
		wait "$driver" || status=$?
		kill "$bot" 2>/dev/null || true
		wait "$bot" 2>/dev/null || true
		redis-cli -p "$REDIS_PORT" --scan --pattern "$PREFIX*" | xargs -r -n 500 redis-cli -p "$REDIS_PORT" unlink >/dev/null
		if [ "$status" != 0 ]; then
			echo "$v, run $run: the driver failed (exit $status); see $report"
			tail -20 "$report"
			exit 1
		fi
		# "updates 14000, bot actions 22000, in 6.3s: 2222 updates/s, ..." and "bot (pid N): cpu ..., 419µs/update; ..."
		awk -v v="$v" -v run="$run" -v alumni="$ALUMNI" '
			/^updates [0-9]+, bot actions/ { gsub(",", ""); updates = $2; actions = $5; ups = $8 }
			/^bot \(pid/ { for (i = 1; i <= NF; i++) if ($i ~ /µs\/update/) { cpu = $i; sub("µs/update;?", "", cpu) } }
			/^redis-server: cpu/ { for (i = 1; i <= NF; i++) if ($i ~ /µs\/update/) { rcpu = $i; sub("µs/update", "", rcpu) } }
			END { printf "%-4s run %s: %s updates/s, bot %s µs CPU/update, redis %s µs CPU/update, %.1f bot actions per alumnus (%s updates)\n",
				v, run, ups, cpu, rcpu, actions / alumni, updates }' "$report" | tee -a "$OUT/$v/summary.txt"
	done
done

echo "load average after: $(load)"
echo
for v in "${versions[@]}"; do
	label=now
	if [ "$v" = base ]; then label="at $BASE"; fi
	awk -v label="$label" '{ u += $4; c += $7; r += $11; a += $(NF-6); n++ }
		END { printf "%-12s mean of %d runs: %.0f updates/s, bot %.0f µs CPU/update, redis %.0f µs CPU/update, %.1f bot actions per alumnus\n",
			label, n, u / n, c / n, r / n, a / n }' "$OUT/$v/summary.txt"
done

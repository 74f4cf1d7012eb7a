#!/usr/bin/env bash
# Instructions the bot executes per update while onboarding alumni, counted by callgrind: a figure that,
# unlike timed runs, hardly moves with whatever else the machine is doing. It builds the bot and the
# driver, runs the bot under `valgrind --tool=callgrind` against alumniload and its own Redis, and
# counts only while the alumni talk to it: after a warm-up run, the driver zeroes the counters once the bot answered
# (-before) and dumps them when the last alumnus finished (-after). It prints the instructions per
# update and the functions that cost the most per update (their own instructions, not their callees').
#
#   internal/loaddriver/callgrind.sh            # 150 alumni, 10 at a time, about two minutes
#   N=300 TOP=40 internal/loaddriver/callgrind.sh
#
# The bot idles under valgrind about fifty times slower than it runs, so its timers (polling, the
# scheduler, the lanes) weigh more here than in production: compare figures of this script only with
# figures of this script.
#
# Go's preemption signals upset callgrind: GODEBUG=asyncpreemptoff=1, and the bot is killed rather
# than stopped with SIGTERM.
set -euo pipefail
export LC_ALL=C

N=${N:-150}
TOP=${TOP:-25}
PORT=${PORT:-7800}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/alumnibot-callgrind.XXXXXX)
(cd "$root" && go build -o "$out/alumnibot" ./cmd/alumnibot && go build -o "$out/alumniload" ./cmd/alumniload)

redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --logfile "$out/redis.log" >/dev/null
sleep 0.5
# drive N: one run of the driver (its own fake Bot API on the same address) for N alumni.
drive() {
	local n=$1 first=$2
	shift 2
	"$out/alumniload" -listen "127.0.0.1:$((PORT + 1))" -alumni "$n" -concurrency 10 -first-user "$first" \
		-redis "redis://127.0.0.1:$PORT/0" -pidfile "$out/bot.pid" "$@"
}
# A first run of 10 alumni warms the bot up (connections, the decoders' and encoders' type caches),
# then the measured one.
drive 10 5000000000 >"$out/warmup.log" 2>&1 &
driver=$!
sleep 1 # the fake Bot API listens before the bot asks it getMe
TELEGRAM_BOT_TOKEN=123:abc TELEGRAM_API_URL="http://127.0.0.1:$((PORT + 1))" \
	REDIS_URL="redis://127.0.0.1:$PORT/0" REDIS_PREFIX=cg: HTTP_ADDR="127.0.0.1:$((PORT + 2))" \
	LOG_LEVEL=error GODEBUG=asyncpreemptoff=1 \
	valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$out/alumnibot" serve >"$out/bot.log" 2>&1 &
bot=$!
echo "$bot" >"$out/bot.pid"
status=0
wait "$driver" || status=$?
if [ "$status" = 0 ]; then
	drive "$N" 6000000000 -before "callgrind_control -z $bot >/dev/null" -after "callgrind_control -d $bot >/dev/null" \
		>"$out/driver.log" 2>&1 || status=$?
	sleep 2 # the dump is written
fi
kill -9 "$bot" 2>/dev/null || true
wait "$bot" 2>/dev/null || true
redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
if [ "$status" != 0 ]; then
	echo "alumniload failed ($status), see $out/warmup.log and $out/driver.log" >&2
	exit 1
fi

dump=$out/cg.out.1
updates=$(awk '/^updates [0-9]/ { gsub(",", ""); print $2 }' "$out/driver.log")
instr=$(awk '/^totals:/ { print $2 }' "$dump")
echo "$N alumni: $updates updates, $instr instructions while they talked"
awk -v u="$updates" -v i="$instr" 'BEGIN { printf "%.0f instructions per update\n", i / u }'
echo "functions taking the most instructions per update (their own, not their callees'); dump $dump:"
callgrind_annotate --threshold=100 "$dump" 2>/dev/null |
	awk -v u="$updates" '/^ *[0-9,]+ +\(/ && / \[/ { n = $1; gsub(",", "", n); sub(/^[^:]*:/, ""); sub(/ \[.*/, ""); c[$0] += n }
		END { for (k in c) printf "%9.0f %s\n", c[k] / u, k }' | sort -rn | head -"$TOP"

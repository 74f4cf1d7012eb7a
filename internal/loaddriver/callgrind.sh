#!/usr/bin/env bash
# Instructions the bot executes per update while onboarding alumni, counted by callgrind: a figure that,
# unlike timed runs, does not move with whatever else the machine is doing. It builds the bot and the
# driver, then for N1 and N2 alumni (10 at a time) runs the bot under `valgrind --tool=callgrind` against
# alumniload and its own Redis; the difference of the two totals divided by the difference of the updates
# is the cost of one update (start-up cancels out).
#
#   internal/loaddriver/callgrind.sh            # N1=50 N2=150, about two minutes
#
# Go's preemption signals upset callgrind: GODEBUG=asyncpreemptoff=1, and the bot is dumped
# (callgrind_control -d) and killed rather than stopped with SIGTERM.
set -euo pipefail
export LC_ALL=C # sort and join agree on the order

N1=${N1:-50}
N2=${N2:-150}
PORT=${PORT:-7800}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/alumnibot-callgrind.XXXXXX)
(cd "$root" && go build -o "$out/alumnibot" ./cmd/alumnibot && go build -o "$out/alumniload" ./cmd/alumniload)

# run N prints "<updates> <instructions>" for one run onboarding N alumni.
run() {
	local n=$1
	redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --logfile "$out/redis.log" >/dev/null
	sleep 0.5
	rm -f "$out"/cg.out "$out"/cg.out.*
	"$out/alumniload" -listen "127.0.0.1:$((PORT + 1))" -alumni "$n" -concurrency 10 \
		-redis "redis://127.0.0.1:$PORT/0" -pidfile "$out/bot.pid" >"$out/driver$n.log" 2>&1 &
	local driver=$!
	sleep 1 # the fake Bot API listens before the bot asks it getMe
	TELEGRAM_BOT_TOKEN=123:abc TELEGRAM_API_URL="http://127.0.0.1:$((PORT + 1))" \
		REDIS_URL="redis://127.0.0.1:$PORT/0" REDIS_PREFIX=cg: HTTP_ADDR="127.0.0.1:$((PORT + 2))" \
		LOG_LEVEL=error GODEBUG=asyncpreemptoff=1 \
		valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$out/alumnibot" serve >"$out/bot$n.log" 2>&1 &
	local bot=$!
	echo "$bot" >"$out/bot.pid"
	wait "$driver"
	callgrind_control -d "$bot" >/dev/null
	sleep 2
	kill -9 "$bot" 2>/dev/null || true
	wait "$bot" 2>/dev/null || true
	redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
	local updates instr
	updates=$(awk '/^updates [0-9]/ { gsub(",", ""); print $2 }' "$out/driver$n.log")
	instr=$(cat "$out"/cg.out "$out"/cg.out.* | awk '/^totals:/ { s += $2 } END { print s }')
	local f
	for f in "$out"/cg.out "$out"/cg.out.*; do # the dumps, kept for callgrind_annotate and the top list
		[ -s "$f" ] && mv "$f" "$out/cg$n.${f##*/}"
	done
	echo "$updates $instr"
}

read -r u1 i1 < <(run "$N1")
read -r u2 i2 < <(run "$N2")
echo "$N1 alumni: $u1 updates, $i1 instructions; $N2 alumni: $u2 updates, $i2 instructions"
awk -v u1="$u1" -v i1="$i1" -v u2="$u2" -v i2="$i2" \
	'BEGIN { printf "%.0f instructions per update\n", (i2 - i1) / (u2 - u1) }'

# selfcost N prints "<function> <instructions spent in it>" over run N's dumps.
selfcost() {
	for f in "$out"/cg"$1".cg.out*; do
		callgrind_annotate --threshold=100 "$f"
	done | awk '/^ *[0-9,]+ +\(/ && / \[/ { n = $1; gsub(",", "", n); sub(/^[^:]*:/, ""); sub(/ \[.*/, ""); c[$0] += n }
		END { for (k in c) print k, c[k] }'
}
echo "functions taking the most instructions per update (their own, not their callees'); dumps in $out:"
join -a2 -e0 -o 0,1.2,2.2 <(selfcost "$N1" | sort) <(selfcost "$N2" | sort) |
	awk -v du=$((u2 - u1)) '{ printf "%9.0f %s\n", ($3 - $2) / du, $1 }' | sort -rn | head -"${TOP:-25}"

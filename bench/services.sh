#!/bin/sh
# SPDX-License-Identifier: MIT
# The supervision benchmark: pouch-init beside runit (runsvdir), s6
# (s6-svscan) and supervisord, each as pid 1 of a fresh pid namespace, in
# the same run. Appends its tables to bench/RESULTS.md (or $OUT).
# Sections: `restart` (restart latency of a SIGKILLed service) and `load`
# (3 and N services: start, memory, idle wakeups, stop); with none named,
# both. Named alone (`sh bench/services.sh restart`), their tables go to
# stdout (or $OUT).
set -eu
: "${POUCH_INIT:?}" "${PT:?}"
N=${N:-1000}
IDLE_S=${IDLE_S:-10}
LAT_RUNS=${LAT_RUNS:-10}
LAT_RUN_MS=${LAT_RUN_MS:-1200}
if [ $# -eq 0 ]; then
	sections=" restart load "
	out=${OUT:-bench/RESULTS.md}
else
	for a in "$@"; do
		case $a in restart|load) ;; *) echo "usage: $0 [restart] [load]" >&2; exit 2 ;; esac
	done
	sections=" $* "
	out=${OUT:-/dev/stdout}
fi
has() { case $sections in *" $1 "*) return 0 ;; esac; return 1; }
tmp=$(mktemp -d /tmp/pouch-bench-svc.XXXXXX)
chmod 755 "$tmp"
NS="unshare --pid --fork --mount-proc --kill-child"
if has load; then
	trap 'pkill -f "sleep 7777" 2>/dev/null || true; rm -rf "$tmp"' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi

sups="pouch-init"
command -v runsvdir >/dev/null && sups="$sups runit"
command -v s6-svscan >/dev/null && sups="$sups s6"
command -v supervisord >/dev/null && sups="$sups supervisord"

# make_tree SUP DIR COUNT CMD: a service tree for SUP with COUNT services
make_tree() {
	sup=$1 d=$2 n=$3 cmd=$4
	rm -rf "$d"; mkdir -p "$d"
	case $sup in
	pouch-init)
		mkdir -p "$d/services.d"
		i=0; while [ $i -lt "$n" ]; do
			printf '[service]\nexec = %s\nrestart_delay = 0\nstart_limit = 100/1s\nstdout = inherit\nstderr = inherit\n' \
				"$cmd" >"$d/services.d/s$i.ini"
			i=$((i + 1)); done ;;
	runit|s6)
		i=0; while [ $i -lt "$n" ]; do
			mkdir -p "$d/s$i"
			printf '#!/bin/sh\nexec %s\n' "$cmd" >"$d/s$i/run"
			chmod +x "$d/s$i/run"
			i=$((i + 1)); done ;;
	floor) ;;
	supervisord)
		{ printf '[supervisord]\nnodaemon=true\nlogfile=%s/sd.log\npidfile=%s/sd.pid\nchildlogdir=%s\n' "$d" "$d" "$d"
		  printf '[unix_http_server]\nfile=%s/sd.sock\n' "$d"
		  i=0; while [ $i -lt "$n" ]; do
			printf '[program:s%d]\ncommand=%s\nautorestart=true\nstartsecs=0\nstartretries=100\nstopwaitsecs=5\n' "$i" "$cmd"
			i=$((i + 1)); done; } >"$d/sd.conf" ;;
	esac
}

# start SUP DIR: run it as pid 1 of a new namespace; sets BG and P1
start() {
	ns=$NS
	case $1 in
	pouch-init) $ns "$POUCH_INIT" -c "$2" >/dev/null 2>&1 & ;;
	runit) $ns runsvdir "$2" >/dev/null 2>&1 & ;;
	s6) $ns s6-svscan -c 20000 "$2" >/dev/null 2>&1 & ;;
	supervisord) $ns supervisord -c "$2/sd.conf" >/dev/null 2>&1 & ;;
	floor) $ns "$PT" spawnmany "$FLOOR_N" -- /bin/sleep 7777 >/dev/null 2>&1 & ;;
	esac
	BG=$!
	P1=
	while [ -z "$P1" ]; do P1=$(pgrep -P "$BG" | head -n 1); sleep 0.01; done
}

# stop SUP DIR: ask for a graceful stop of everything
stop() {
	case $1 in
	pouch-init|supervisord|floor) kill -TERM "$P1" ;;
	runit) kill -HUP "$P1" ;;
	s6) s6-svscanctl -t "$2" ;;
	esac
}

# supervision tree of SUP: pid 1 and its supervisors, not the services
tree_pids() {
	case $1 in
	runit) echo "$P1 $(pgrep -x runsv | tr '\n' ' ')" ;;
	s6) echo "$P1 $(pgrep -x s6-supervise | tr '\n' ' ')" ;;
	*) echo "$P1" ;;
	esac
}
sum_pss() { for p in $1; do awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
sum_cs() { for p in $1; do awk '/ctxt_switches/ {s += $2} END {print s + 0}' "/proc/$p/status" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# supervisor command of SUP for the tree in DIR
sup_cmd() {
	case $1 in
	pouch-init) echo "$POUCH_INIT -c $2" ;;
	runit) echo "runsvdir $2" ;;
	s6) echo "s6-svscan -c 20000 $2" ;;
	supervisord) echo "supervisord -c $2/sd.conf" ;;
	esac
}

# Restart latency: the supervisor runs beside `pt restartlat` under a
# shell that is pid 1 of a fresh pid namespace (so the benchmark sees the
# service's pid, and the namespace's end takes every process with it);
# each service has run LAT_RUN_MS before it is killed.
if has restart; then
	echo "bench: restart latency ($LAT_RUNS kills each, each after ${LAT_RUN_MS} ms of running)" >&2
	for s in $sups; do
		f="$tmp/pids.$s"; : >"$f"; chmod 666 "$f"
		make_tree "$s" "$tmp/tree" 1 "/bin/sh -c 'echo \$\$ >>$f; exec sleep 7777'"
		$NS sh -c '
			$1 >/dev/null 2>&1 &
			i=0; while [ ! -s "$2" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
			"$3" restartlat "$2" "$4" "$5"' sh "$(sup_cmd "$s" "$tmp/tree")" "$f" "$PT" "$LAT_RUNS" "$LAT_RUN_MS" \
			>"$tmp/lat.$s" || echo "- - -" >"$tmp/lat.$s"
	done
fi

if has load; then
for count in 3 "$N"; do
	echo "bench: $count services: start, memory, idle wakeups, stop" >&2
	FLOOR_N=$count
	for s in $sups floor; do
		make_tree "$s" "$tmp/tree" "$count" "/bin/sleep 7777"
		t0=$(date +%s%N)
		start "$s" "$tmp/tree"
		i=0
		while [ "$(pgrep -c -f '^/bin/sleep 7777')" -lt "$count" ] && [ $i -lt 6000 ]; do
			sleep 0.02; i=$((i + 1)); done
		echo "$(ms_since "$t0")" >"$tmp/start.$s.$count"
		[ "$(pgrep -c -f '^/bin/sleep 7777')" -ge "$count" ] || echo "timeout" >"$tmp/start.$s.$count"
		sleep 2
		pids=$(tree_pids "$s")
		sum_pss "$pids" >"$tmp/pss.$s.$count"
		c0=$(sum_cs "$pids")
		sleep "$IDLE_S"
		echo $(( $(sum_cs "$pids") - c0 )) >"$tmp/wake.$s.$count"
		t0=$(date +%s%N)
		stop "$s" "$tmp/tree"
		i=0
		while kill -0 "$BG" 2>/dev/null && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
		if kill -0 "$BG" 2>/dev/null; then
			echo "timeout" >"$tmp/stop.$s.$count"
		else
			echo "$(ms_since "$t0")" >"$tmp/stop.$s.$count"
		fi
		kill -KILL "$P1" 2>/dev/null || true; wait "$BG" 2>/dev/null || true
		pkill -f '^/bin/sleep 7777' 2>/dev/null || true
	done
done
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a ~ /^[0-9.]+$/) printf "%.2f", a / b; else print "-" }'; }
restart_table() {
echo
echo "## Restart latency of a SIGKILLed service ($LAT_RUNS kills, microseconds)"
echo
echo "Alone: \`make pouch-init build/pt && PT=build/pt POUCH_INIT=./pouch-init"
echo "sh bench/services.sh restart\` (this table: $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r))."
echo "From kill(2) of the service to its successor's pid seen (the service is"
echo "\`/bin/sh -c 'echo \$\$ >>FILE; exec sleep 7777'\`, FILE polled every 200 us)."
echo "Every service has run $LAT_RUN_MS ms before each kill, for every supervisor alike,"
echo "so that no pacing of a service that ran under a second applies (runsv sleeps"
echo "1 s after such a service). Restart delay 0 where the"
echo "supervisor has one (pouch-init \`restart_delay = 0\`, supervisord \`startsecs=0\`)."
echo "Each supervisor (pouch-init, runsvdir, s6-svscan, supervisord) runs beside the"
echo "measuring process under a shell that is pid 1 of a fresh pid namespace, so that"
echo "the benchmark sees the service's pid. Ratios are each median over pouch-init's."
echo
echo "| supervisor | min | median | max | ratio (median) |"
echo "|---|---|---|---|---|"
pm=$(awk '{print $2}' "$tmp/lat.pouch-init")
for s in $sups; do
	set -- $(cat "$tmp/lat.$s")
	echo "| $s | $1 | $2 | $3 | $(ratio "$2" "$pm") |"
done
}

{
if has load; then
echo
echo "# Supervision benchmark"
echo
echo "Produced by \`make bench\` (bench/services.sh) on $(date -u +%Y-%m-%d), in the same"
echo "run as the tables above. Each supervisor runs as pid 1 of a fresh pid namespace:"
echo "pouch-init with services.d, runit's runsvdir, s6's s6-svscan, supervisord."
echo "Services are \`/bin/sleep\`; the memory and wakeups are those of the"
echo "supervision tree (pid 1 and, for runit and s6, one supervisor per service),"
echo "not of the services. Ratios are each figure over pouch-init's."
echo "The row \`floor\` is no supervisor: a C loop that starts the same"
echo "services with posix_spawn() and nothing else (\`pt spawnmany\`), the"
echo "fastest they can be started on this machine."
fi
if has restart; then restart_table; fi
if has load; then
for count in 3 "$N"; do
	echo
	echo "## $count services"
	echo
	echo "| supervisor | start until all run (ms) | PSS of the tree (KiB) | wakeups in ${IDLE_S} s | graceful stop until the namespace is empty (ms) | start ratio | PSS ratio | stop ratio |"
	echo "|---|---|---|---|---|---|---|---|"
	for s in $sups floor; do
		st=$(cat "$tmp/start.$s.$count"); ps=$(cat "$tmp/pss.$s.$count")
		wk=$(cat "$tmp/wake.$s.$count"); sp=$(cat "$tmp/stop.$s.$count")
		[ "$s" = floor ] && { ps=-; wk=-; sp=-; }
		echo "| $s | $st | $ps | $wk | $sp | $(ratio "$st" "$(cat "$tmp/start.pouch-init.$count")") | $(ratio "$ps" "$(cat "$tmp/pss.pouch-init.$count")") | $(ratio "$sp" "$(cat "$tmp/stop.pouch-init.$count")") |"
	done
done
fi
} >>"$out"
[ "$out" = /dev/stdout ] || tail -n 40 "$out"

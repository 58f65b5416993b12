#!/bin/sh
# SPDX-License-Identifier: MIT
# The output-relay benchmark: one service writes lines as fast as it can
# for OUT_S seconds (short lines, and 64 KiB lines), relayed by pouch-init
# (`stdout = prefix`: to its stdout, a pipe; `stdout = file:`) beside
# s6-log and supervisord's log files, and a bare cat between the same
# pipes, in the same run. Every line is checked on arrival (whole, in
# sequence). Appends its tables to bench/RESULTS.md (or $OUT). A
# benchmark, not a test: numbers, no verdicts.
set -eu
: "${POUCH_INIT:?}" "${PT:?}"
# absolute: the services run elsewhere (s6 in their own directories)
PT=$(cd "$(dirname "$PT")" && pwd)/$(basename "$PT")
POUCH_INIT=$(cd "$(dirname "$POUCH_INIT")" && pwd)/$(basename "$POUCH_INIT")
OUT_S=${OUT_S:-10}
ROUNDS=${ROUNDS:-3}
SHORT=${SHORT:-64}
LONG=${LONG:-65536}
ROT=268435456 # rotation size of the log files: 256 MiB
out=${OUT:-bench/RESULTS.md}
tmp=$(mktemp -d /tmp/pouch-bench-out.XXXXXX)
logs=$tmp/logs
NS="unshare --pid --fork --mount-proc --kill-child"
mkdir -p "$logs"
mount -t tmpfs -o size=3g tmpfs "$logs"
trap 'umount -l "$logs" 2>/dev/null; rm -rf "$tmp"' EXIT
tck=$(getconf CLK_TCK)

relays="cat pouch-prefix pouch-file"
command -v s6-svscan >/dev/null && command -v s6-log >/dev/null && relays="$relays s6-log"
command -v supervisord >/dev/null && relays="$relays supervisord"

# user + system time of a process so far, in microseconds
cpu_us() { awk -v t="$tck" '{printf "%d", ($14 + $15) * 1000000 / t}' "/proc/$1/stat"; }
ns_pid1() { p=; while [ -z "$p" ]; do p=$(pgrep -P "$1" | head -n 1); [ -n "$p" ] || sleep 0.01; done; echo "$p"; }

# tree RELAY LEN DIR FLOOD: the relay's configuration for one writer
tree() {
	r=$1 len=$2 d=$3 flood=$4
	rm -rf "$d"; mkdir -p "$d"
	case $r in
	pouch-prefix|pouch-file)
		mkdir -p "$d/services.d"
		{ printf '[service]\nexec = sh -c "%s; exec sleep 100000"\n' "$flood"
		  [ "$r" = pouch-prefix ] ||
			printf 'stdout = file:%s/w.log\nlog_max_size = %s\nlog_max_files = 2\n' "$logs" "$ROT"
		} >"$d/services.d/w.ini" ;;
	s6-log)
		mkdir -p "$d/w/log" "$logs/s6"
		printf '#!/bin/sh\n%s\nexec sleep 100000\n' "$flood" >"$d/w/run"
		# -l 0: lines are never split (its default cuts them at 8192)
		printf '#!/bin/sh\nexec s6-log -l 0 n2 s99999999 %s/s6\n' "$logs" >"$d/w/log/run"
		chmod +x "$d/w/run" "$d/w/log/run" ;;
	supervisord)
		{ printf '[supervisord]\nnodaemon=true\nlogfile=%s/sd.log\npidfile=%s/sd.pid\n' "$d" "$d"
		  printf '[unix_http_server]\nfile=%s/sd.sock\n' "$d"
		  printf '[program:w]\ncommand=sh -c "%s; exec sleep 100000"\nautorestart=false\nstartsecs=0\n' "$flood"
		  printf 'stdout_logfile=%s/w.log\nstdout_logfile_maxbytes=%s\nstdout_logfile_backups=1\n' "$logs" "$ROT"
		} >"$d/sd.conf" ;;
	esac
}

# one RELAY LEN: one run; writes "BYTES LINES SPLIT LOST SECONDS CPU_US"
one() {
	r=$1 len=$2 d=$tmp/tree cnt=$tmp/count
	rm -f "$cnt" "$tmp/a" "$tmp/b"
	rm -rf "${logs:?}"/*
	mkfifo "$tmp/a" "$tmp/b"
	flood="$PT flood w.1 $len $OUT_S $cnt"
	tree "$r" "$len" "$d" "$flood"
	case $r in
	cat)
		$flood >"$tmp/a" &
		"$PT" rusage "$tmp/cpu" -- cat <"$tmp/a" >"$tmp/b" &
		"$PT" linecheck "w.1:" "$len" "$cnt" <"$tmp/b" >"$tmp/check"
		wait
		cpu=$(awk '{print $1 + $2}' "$tmp/cpu") ;;
	pouch-prefix)
		$NS "$POUCH_INIT" -c "$d" >"$tmp/b" 2>/dev/null &
		bg=$!
		"$PT" linecheck "w| w.1:" "$len" "$cnt" <"$tmp/b" >"$tmp/check" ;;
	pouch-file)
		$NS "$POUCH_INIT" -c "$d" >/dev/null 2>&1 &
		bg=$!
		"$PT" linecheck "w.1:" "$len" "$cnt" "$logs/w.log" >"$tmp/check" ;;
	s6-log)
		$NS s6-svscan "$d" >/dev/null 2>&1 &
		bg=$!
		"$PT" linecheck "w.1:" "$len" "$cnt" "$logs/s6/current" >"$tmp/check" ;;
	supervisord)
		$NS supervisord -c "$d/sd.conf" >/dev/null 2>&1 &
		bg=$!
		"$PT" linecheck "w.1:" "$len" "$cnt" "$logs/w.log" >"$tmp/check" ;;
	esac
	if [ "$r" != cat ]; then
		p1=$(ns_pid1 "$bg")
		case $r in
		s6-log) cpu=$(cpu_us "$(pgrep --ns "$p1" -x s6-log | head -n 1)") ;;
		*) cpu=$(cpu_us "$p1") ;;
		esac
		kill -KILL "$p1"; wait "$bg" 2>/dev/null || true
	fi
	set -- $(cat "$tmp/check")
	start=$(awk '{print $3}' "$cnt")
	# lines N bytes B split S lost L last_us T
	awk -v b="$4" -v l="$2" -v s="$6" -v lo="$8" -v t0="$start" -v t1="${10}" -v c="$cpu" \
		'BEGIN { printf "%.0f %.0f %.0f %.0f %.3f %.0f\n", b, l, s, lo, (t1 - t0) / 1e6, c }'
}

# rounds, each relay in turn; the median round (by MB/s) is reported
for len in "$SHORT" "$LONG"; do
	k=0
	while [ $k -lt "$ROUNDS" ]; do
		for r in $relays; do
			echo "bench: output relay, $r, lines of $len bytes, ${OUT_S}s (round $((k + 1)) of $ROUNDS)" >&2
			one "$r" "$len" >>"$tmp/runs.$r.$len"
		done
		k=$((k + 1))
	done
	for r in $relays; do
		awk '$5 > 0 {print $1 / $5, $0}' "$tmp/runs.$r.$len" | sort -n |
			awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}' | cut -d' ' -f2- >"$tmp/res.$r.$len"
	done
done

mbs() { awk '{ if ($5 > 0) printf "%.1f", $1 / $5 / 1e6; else print "-" }' "$1"; }
lps() { awk '{ if ($5 > 0) printf "%.0f", $2 / $5; else print "-" }' "$1"; }
cpm() { awk '{ if ($1 > 0) printf "%.3f", $6 / 1000 / ($1 / 1e6); else print "-" }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a ~ /^[0-9.]+$/) printf "%.2f", a / b; else print "-" }'; }
{
echo
echo "# Output relay benchmark"
echo
echo "Produced by \`make bench\` (bench/output.sh; alone: \`PT=build/pt POUCH_INIT=./pouch-init"
echo "sh bench/output.sh\`) on $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r)."
echo "One service writes lines as fast as it can for ${OUT_S} s (\`pt flood\`, 64 KiB"
echo "per write(), as stdio would; a payload of $SHORT bytes, lines of about 90, or of"
echo "$LONG), relayed by: pouch-init"
echo "\`stdout = prefix\` (as \`w| line\` to its own stdout, a pipe) and \`stdout ="
echo "file:\` (rotated at 256 MiB); s6-log (under s6-svscan, \`s6-log -l 0 n2 s99999999\`:"
echo "lines never split, its default cuts them at 8192 bytes); supervisord"
echo "(\`stdout_logfile\`, rotated at 256 MiB); and a bare \`cat\` between the same"
echo "two pipes. Each supervisor is pid 1 of a fresh pid namespace. Log files are"
echo "on a tmpfs. The reader (\`pt linecheck\`) reads the pipe or follows the log"
echo "file across rotations, and checks every line: whole (its length) and in"
echo "sequence (lost). MB/s: bytes the reader got over the time from the"
echo "writer's start to the last line's arrival (MB = 10^6 bytes); CPU: user and"
echo "system time of the relaying process (pouch-init's pid 1, s6-log,"
echo "supervisord, cat) per MB. Ratios are each row's figure over pouch-init's"
echo "in the same mode (prefix for cat, file: for the log writers). Each"
echo "row is the median of $ROUNDS rounds (by MB/s); lost and split are the"
echo "most of any round."
for len in "$SHORT" "$LONG"; do
	echo
	echo "## Lines of $len bytes of payload"
	echo
	echo "| relay | MB/s | lines/s | relay CPU (ms per MB) | lines lost | lines split | MB/s ratio | CPU ratio |"
	echo "|---|---|---|---|---|---|---|---|"
	for r in $relays; do
		f=$tmp/res.$r.$len
		case $r in cat|pouch-prefix) ref=$tmp/res.pouch-prefix.$len ;; *) ref=$tmp/res.pouch-file.$len ;; esac
		name=$r
		case $r in pouch-prefix) name="pouch-init prefix" ;; pouch-file) name="pouch-init file:" ;; esac
		lost=$(awk 'BEGIN {m = 0} $4 > m {m = $4} END {print m}' "$tmp/runs.$r.$len")
		split=$(awk 'BEGIN {m = 0} $3 > m {m = $3} END {print m}' "$tmp/runs.$r.$len")
		echo "| $name | $(mbs "$f") | $(lps "$f") | $(cpm "$f") | $lost | $split | $(ratio "$(mbs "$f")" "$(mbs "$ref")") | $(ratio "$(cpm "$f")" "$(cpm "$ref")") |"
	done
done
} >>"$out"
tail -n 24 "$out"

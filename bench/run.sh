#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: pouch-init beside tini, tini-static, dumb-init and catatonit,
# each as pid 1 of a fresh pid namespace, in the same run. Writes
# bench/RESULTS.md. A benchmark, not a test: numbers, no verdicts.
# BENCH="memory" (any of: startup reap signal memory) runs those parts
# alone and puts their tables in place of the old ones in RESULTS.md,
# with a note at its top (`make bench BENCH=memory`).
set -eu
: "${POUCH_INIT:?}" "${PT:?}"
ALL="startup reap signal memory"
BENCH=${BENCH:-$ALL}
for b in $BENCH; do
	case " $ALL " in *" $b "*) ;; *) echo "bench: unknown part $b (of: $ALL)" >&2; exit 2 ;; esac
done
want() { case " $BENCH " in *" $1 "*) return 0 ;; esac; return 1; }
RUNS=${RUNS:-200}
REAP_RUNS=${REAP_RUNS:-5}
IDLE_S=${IDLE_S:-10}
out=${OUT:-bench/RESULTS.md}
tmp=$(mktemp -d /tmp/pouch-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
NS="unshare --pid --fork --mount-proc --kill-child"

inits="pouch-init"
for p in tini tini-static dumb-init catatonit; do
	command -v $p >/dev/null && inits="$inits $p"
done
bin() { if [ "$1" = pouch-init ]; then echo "$POUCH_INIT"; else command -v "$1"; fi; }
median() { echo "$1" | awk '{print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

stats() { sort -n "$1" | awk '{v[NR]=$1} END {printf "%d %d %d", v[1], v[int((NR+1)/2)], v[NR]}'; }
if want startup; then
echo "bench: startup ($RUNS runs each, interleaved in rounds of 10)" >&2
r=0
while [ $r -lt "$RUNS" ]; do
	PT_RAW=1 $PT runtime 10 -- $NS /bin/true >>"$tmp/start.direct.raw"
	for i in $inits; do
		PT_RAW=1 $PT runtime 10 -- $NS "$(bin $i)" -- /bin/true >>"$tmp/start.$i.raw"
	done
	r=$((r + 10))
done
base=$(stats "$tmp/start.direct.raw")
for i in $inits; do stats "$tmp/start.$i.raw" >"$tmp/start.$i"; done
fi

if want reap; then
echo "bench: reaping 10,000 orphans ($REAP_RUNS runs each)" >&2
for i in $inits; do
	: >"$tmp/reap.$i"
	r=0
	while [ $r -lt "$REAP_RUNS" ]; do
		$NS "$(bin $i)" -- "$PT" orphans 10000 >>"$tmp/reap.$i"
		r=$((r + 1))
	done
done
fi

if want signal; then
echo "bench: signal latency (200 signals each)" >&2
: >"$tmp/lat.direct.f"
"$PT" siglat-recv "$tmp/lat.direct.f" & rp=$!
sleep 0.2
$PT siglat-send $rp "$tmp/lat.direct.f" 200 >"$tmp/lat.direct"
kill $rp; wait $rp 2>/dev/null || true
for i in $inits; do
	: >"$tmp/lat.$i.f"
	$NS "$(bin $i)" -- "$PT" siglat-recv "$tmp/lat.$i.f" 2>/dev/null & bg=$!
	sleep 0.3
	p1=$(pgrep -P $bg | head -n 1)
	$PT siglat-send "$p1" "$tmp/lat.$i.f" 200 >"$tmp/lat.$i"
	kill -KILL "$p1"; wait $bg 2>/dev/null || true
done
fi

if want memory; then
echo "bench: memory and idle wakeups (${IDLE_S}s, all at once)" >&2
for i in $inits; do
	$NS "$(bin $i)" -- "$PT" sleep 0 2>/dev/null & echo $! >"$tmp/bg.$i"
done
sleep 1
# Where Anonymous is, by mapping of /proc/PID/smaps: the binary's
# read-only-after-relocation part (relro), its .data, the anonymous
# mapping right after it (.bss), heap, stack, the rest (shared libraries'
# own, other mappings).
where() {
	awk -v exe="$(readlink "/proc/$1/exe")" '
		/^[0-9a-f]+-[0-9a-f]+ / {
			prev = k
			k = "rest"
			if ($6 == exe && $2 ~ /^r--/) k = "relro"
			else if ($6 == exe && $2 ~ /^rw/) k = "data"
			else if ($6 == "" && prev == "data") k = "bss"
			else if ($6 == "[heap]") k = "heap"
			else if ($6 == "[stack]") k = "stack"
		}
		/^Anonymous:/ { v[k] += $2 }
		END { printf "%d %d %d %d %d %d\n", v["relro"], v["data"], v["bss"], v["heap"], v["stack"], v["rest"] }
	' "/proc/$1/smaps"
}
cs() { awk '/^voluntary_ctxt_switches|^nonvoluntary_ctxt_switches/ {s += $2} END {print s}' "/proc/$1/status"; }
for i in $inits; do
	p1=$(pgrep -P "$(cat "$tmp/bg.$i")" | head -n 1)
	echo "$p1" >"$tmp/pid.$i"
	awk '/^VmRSS/ {r=$2} /^VmHWM/ {h=$2} END {print r, h}' "/proc/$p1/status" >"$tmp/rss.$i"
	awk '/^Anonymous/ {print $2}' "/proc/$p1/smaps_rollup" >"$tmp/anon.$i"
	where "$p1" >"$tmp/where.$i"
	cs "$p1" >"$tmp/cs0.$i"
done
sleep "$IDLE_S"
for i in $inits; do
	p1=$(cat "$tmp/pid.$i")
	echo $(( $(cs "$p1") - $(cat "$tmp/cs0.$i") )) >"$tmp/wake.$i"
	kill -KILL "$p1"; wait "$(cat "$tmp/bg.$i")" 2>/dev/null || true
done
fi

# --- report: the header, then one file a part
reap_stats() { stats "$1"; }
{
echo "# Benchmark results"
echo
echo "Produced by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d), $(nproc) cores,"
echo "kernel $(uname -r). Every init runs as pid 1 of a fresh pid namespace"
echo "(\`unshare --pid --fork --mount-proc\`), all in the same run."
echo "Versions: $(for i in $inits; do printf '%s: %s; ' "$i" "$("$(bin $i)" --version 2>&1 | head -n 1)"; done)"
echo
} >"$tmp/part.head"
want startup && {
echo "## Startup: \`INIT -- /bin/true\` vs \`/bin/true\` ($RUNS runs, microseconds)"
echo
echo "| init | min | median | max | overhead (median) | ratio to direct |"
echo "|---|---|---|---|---|---|"
echo "| direct exec | $(echo $base | tr ' ' '|' | sed 's/|/ | /g') | - | 1.00 |"
for i in $inits; do
	s=$(cat "$tmp/start.$i")
	echo "| $i | $(echo $s | sed 's/ / | /g') | $(( $(median "$s") - $(median "$base") )) | $(ratio "$(median "$s")" "$(median "$base")") |"
done
echo
} >"$tmp/part.startup"
want reap && {
pi_reap=$(reap_stats "$tmp/reap.pouch-init" | awk '{print $2}')
echo "## Reaping: time until 10,000 orphans are reaped ($REAP_RUNS runs, ms)"
echo
echo "| init | min | median | max | ratio to pouch-init |"
echo "|---|---|---|---|---|"
for i in $inits; do
	set -- $(reap_stats "$tmp/reap.$i")
	echo "| $i | $(ms $1) | $(ms $2) | $(ms $3) | $(ratio "$2" "$pi_reap") |"
done
echo
} >"$tmp/part.reap"
want signal && {
echo "## Signal forwarding: kill(2) to pid 1 until CMD's handler runs (200 signals, us)"
echo
echo "| init | min | median | max |"
echo "|---|---|---|---|"
echo "| direct (no init) | $(sed 's/ / | /g' "$tmp/lat.direct") |"
for i in $inits; do
	echo "| $i | $(sed 's/ / | /g' "$tmp/lat.$i") |"
done
echo
} >"$tmp/part.signal"
want memory && {
pi_rss=$(awk '{print $1}' "$tmp/rss.pouch-init")
pi_anon=$(cat "$tmp/anon.pouch-init")
echo "## Memory and idle wakeups of pid 1 supervising a sleeping child"
echo
echo "RSS counts the binary's own file pages, shared by every container that"
echo "bind-mounts the same host binary; Anonymous (from smaps_rollup) is the"
echo "per-container cost. Wakeups: voluntary + involuntary context switches of"
echo "pid 1 over ${IDLE_S} s of idleness."
echo
echo "| init | binary size (KiB) | RSS (KiB) | peak RSS (KiB) | Anonymous (KiB) | RSS ratio | Anonymous ratio | wakeups in ${IDLE_S} s |"
echo "|---|---|---|---|---|---|---|---|"
for i in $inits; do
	set -- $(cat "$tmp/rss.$i")
	size=$(( $(stat -L -c %s "$(bin $i)") / 1024 ))
	echo "| $i | $size | $1 | $2 | $(cat "$tmp/anon.$i") | $(ratio "$1" "$pi_rss") | $(ratio "$(cat "$tmp/anon.$i")" "$pi_anon") | $(cat "$tmp/wake.$i") |"
done
echo
echo "Where Anonymous is (KiB, from /proc/PID/smaps at the same moment):"
echo "relro is the binary's part that is read-only after relocation"
echo "(.data.rel.ro, GOT); a static-pie relocates itself at start, which"
echo "writes to every page of it; .bss is the anonymous mapping after the"
echo "binary's .data; rest: shared libraries' own and other."
echo
echo "| init | relro | .data | .bss | heap | stack | rest |"
echo "|---|---|---|---|---|---|---|"
for i in $inits; do
	echo "| $i | $(sed 's/ / | /g' "$tmp/where.$i") |"
done
echo
relro=$(readelf -lW "$POUCH_INIT" 2>/dev/null | awk '$1 == "GNU_RELRO" {print $6}')
if [ -n "$relro" ]; then
	relro=$(printf '%d' "$relro")
	echo "pouch-init's relro (GNU_RELRO) is $relro bytes, $(( (relro + 4095) / 4096 )) pages, every one"
	echo "written at start: glibc's own tables of pointers (printf's jump tables,"
	echo "the C locale, the error messages, the dynamic linker's) relocated by the"
	echo "static-pie, and its tunables, which it writes; pouch-init's own tables keep"
	echo "no pointers (config/nametab.h). A page fewer takes"
	echo "$(( relro - (relro - 1) / 4096 * 4096 )) bytes fewer. The non-PIE peers relocate nothing: their"
	echo "relro pages are the ones glibc writes. The stack holds the kernel's"
	echo "arguments and environment and, at a random offset below them (a page"
	echo "more or less from run to run), the frames; the deepest is glibc's own"
	echo "start in every static glibc pid 1 (a PATH_MAX buffer 5.4 KB under _start)."
	echo
fi
echo "Ratios in the last tables are each init's figure over pouch-init's."
echo
} >"$tmp/part.memory"

# A part's section: from its heading to the next heading.
heading() {
	case $1 in
	startup) echo "## Startup:" ;; reap) echo "## Reaping:" ;;
	signal) echo "## Signal forwarding:" ;; memory) echo "## Memory and idle wakeups" ;;
	esac
}
if [ "$BENCH" = "$ALL" ] || [ ! -s "$out" ]; then
	cat "$tmp/part.head" >"$out"
	for b in $ALL; do [ -f "$tmp/part.$b" ] && cat "$tmp/part.$b" >>"$out"; done
	sed -i '$ { /^$/d }' "$out"
	cat "$out"
	exit 0
fi
for b in $BENCH; do
	note="Re-run alone on $(date -u +%Y-%m-%d), kernel $(uname -r): the $b table, by \`make bench BENCH=$b\`."
	awk -v h="$(heading $b)" -v part="$tmp/part.$b" -v note="$note" -v b="$b" '
		/^Re-run alone on / && index($0, "the " b " table,") { next }
		/^Versions: / && !noted { print; print note; noted = 1; next }
		skip && /^#/ { skip = 0 }
		skip { next }
		index($0, h) == 1 { while ((getline l < part) > 0) print l; skip = 1; next }
		{ print }' "$out" >"$tmp/new"
	cat "$tmp/new" >"$out"
done
cat "$out"

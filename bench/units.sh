#!/bin/sh
# SPDX-License-Identifier: MIT
# The units benchmark: the same Debian image, the same units, run by
# pouch-init (pouch mode, `[init] units = enabled`) and by the image's own
# systemd (`--mode systemd`), both under `pouch-runc rich-run` and real
# runc, interleaved in one run. Per container: the time from rich-run's
# start until every unit is active, the memory (PSS) of pid 1 and of the
# processes that are neither the units' daemons nor CMD, and the time of
# a stop (SIGTERM to rich-run) until rich-run has returned. A benchmark,
# not a test: numbers, no verdicts.
#
# Two unit sets, each its own table:
#   base  the cached root of tools/debian-rootfs.sh as it is: cron,
#         rsyslog (Type=notify), ssh (notify, ExecStartPre=)
#   full  that root with nginx and mariadb-server installed in a layer of
#         this run's own (the host's apt downloads the packages for the
#         root's dpkg state; dpkg in a chroot installs them): the base
#         units, nginx (forking, PIDFile=) and mariadb (notify); when
#         the packages cannot be fetched or installed, the base set alone
# The cached root is only ever a lower layer of throw-away overlays.
#
# `make bench BENCH=units`, or alone:
#   make pouch-init pouch-runc && POUCH_INIT=$PWD/pouch-init \
#     POUCH_RUNC=$PWD/pouch-runc sh bench/units.sh
# RUNS (default 10) rounds; SETS (default "base full"); PKGS (default
# "nginx mariadb-server"; empty: no full set); SETTLE_S (default 2): the
# wait between "all active" and the memory reading; POLL_S (default
# 0.02): the poll interval inside the container. The section "# Units:"
# of bench/RESULTS.md (or $OUT) is replaced, or appended; OUT=/dev/stdout
# prints it.
set -eu
: "${POUCH_INIT:?}" "${POUCH_RUNC:?}"
RUNS=${RUNS:-10}
SETS=${SETS:-base full}
PKGS=${PKGS-nginx mariadb-server}
SETTLE_S=${SETTLE_S:-2}
POLL_S=${POLL_S:-0.02}
out=${OUT:-bench/RESULTS.md}
here=$(cd "$(dirname "$0")/.." && pwd)
POUCH_INIT=$(realpath "$POUCH_INIT")
POUCH_RUNC=$(realpath "$POUCH_RUNC")
for c in runc jq unshare chroot apt-get; do
	command -v $c >/dev/null || { echo "bench units: $c missing" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench units: needs root (runc, overlay mounts)" >&2; exit 1; }
base=$(sh "$here/tools/debian-rootfs.sh") || {
	echo "bench units: no Debian root filesystem (tools/debian-rootfs.sh failed)" >&2
	exit 1
}
[ -x "$base/lib/systemd/systemd" ] || { echo "bench units: $base has no systemd" >&2; exit 1; }

tmp=$(mktemp -d /tmp/pouch-bench-units.XXXXXX)
chmod 755 "$tmp"
NAMES=
cleanup() {
	for n in $NAMES; do
		runc kill "$n" KILL 2>/dev/null || true
		runc delete -f "$n" 2>/dev/null || true
	done
	for m in "$tmp"/*/merged "$tmp"/img/merged; do
		mountpoint -q "$m" 2>/dev/null && umount "$m"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s%N; }
pi_ino=$(stat -L -c %d:%i "$POUCH_INIT")
log() { echo "bench units: $*" >&2; }

# ---- the full set's layer: nginx and mariadb-server over the cached root
layer=
if [ -n "$PKGS" ] && case " $SETS " in *" full "*) true ;; *) false ;; esac; then
	log "the full set's layer: $PKGS"
	mkdir -p "$tmp/debs/partial" "$tmp/img/upper" "$tmp/img/work" "$tmp/img/merged"
	if apt-get -q -o Dir::State::status="$base/var/lib/dpkg/status" \
		-o Dir::Cache::archives="$tmp/debs" -o Debug::NoLocking=1 \
		install -d -y --no-install-recommends $PKGS >"$tmp/apt-download.log" 2>&1; then
		m=$tmp/img/merged
		mount -t overlay overlay -o "lowerdir=$base,upperdir=$tmp/img/upper,workdir=$tmp/img/work" "$m"
		mkdir -p "$m/tmp/debs"
		cp "$tmp/debs/"*.deb "$m/tmp/debs/"
		# no daemon starts in the chroot
		printf '#!/bin/sh\nexit 101\n' >"$m/usr/sbin/policy-rc.d"
		chmod 755 "$m/usr/sbin/policy-rc.d"
		if unshare -m --propagation private chroot "$m" sh -c 'mount -t proc proc /proc &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/debs/*.deb' \
			>"$tmp/apt-install.log" 2>&1; then
			layer=$tmp/img/upper
		else
			tail -n 20 "$tmp/apt-install.log" >&2
		fi
		rm -rf "$m/tmp/debs" "$m/usr/sbin/policy-rc.d" "$m/var/cache/apt/archives/"*.deb
		umount "$m"
		rm -rf "$tmp/debs"
	else
		tail -n 5 "$tmp/apt-download.log" >&2
	fi
	if [ -z "$layer" ]; then
		log "no full set: the packages could not be installed (above)"
		SETS=$(echo "$SETS" | sed 's/full//')
	fi
fi
units_of() {
	case $1 in
	base) echo "cron rsyslog ssh" ;;
	full) echo "cron rsyslog ssh nginx mariadb" ;;
	esac
}

# overlay RUN SET MODE: a throw-away root for one container at $tmp/RUN/merged
overlay() {
	d=$tmp/$1
	mkdir -p "$d/upper" "$d/work" "$d/merged" "$d/conf"
	lower=$base
	[ "$2" = full ] && lower=$layer:$base
	mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/work" "$d/merged"
	# pouch mode: pouch-init is the image's systemctl, as package scripts
	# and operators call it (t_unitrun); systemd mode keeps systemd's
	if [ "$3" = pouch ]; then
		rm -f "$d/merged/usr/bin/systemctl"
		ln -s /.pouch/init "$d/merged/usr/bin/systemctl"
	fi
	# the same configuration in both modes (systemd mode does not use it)
	printf '[init]\nunits = enabled\n' >"$d/conf/init.ini"
}

# mem PID: "PSS Anonymous RSS" in KiB, from smaps_rollup
mem() { awk '/^Pss:/ {p = $2} /^Anonymous:/ {a = $2} /^Rss:/ {r = $2} END {print p + 0, a + 0, r + 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo "0 0 0"; }
nspid() { awk '/^NSpid:/ {print $NF}' "/proc/$1/status"; }

# one SET MODE ROUND: a container; appends a line to $tmp/res.SET.MODE:
#   start_ms pid1_pss helpers_pss relay_pss daemons_pss pid1_anon
#   helpers_anon pid1_rss helpers_rss stop_ms exit clean sd_boot_ms
# (sd_boot_ms: systemd's own timestamps, its userspace start to the last
# unit's ActiveEnterTimestamp)
# and "name pss" lines of its helpers to $tmp/help.SET.MODE. The relay:
# pouch-init relaying CMD's output in systemd mode (MODES.md), not systemd's
one() {
	set_=$1 mode=$2 run=$1-$2-$3
	name=pouch-bench-units-$run-$$
	overlay "$run" "$set_" "$mode"
	d=$tmp/$run
	units=$(units_of "$set_")
	[ "$mode" = floor ] && units=
	want=
	for u in $units; do want="$want${want:+ }active"; done
	NAMES="$NAMES $name"
	case $mode in systemd) margs="--mode systemd" ;; *) margs= ;; esac
	[ "$mode" = floor ] && : >"$d/conf/init.ini"
	t0=$(now)
	"$POUCH_RUNC" rich-run --rootfs "$d/merged" --config "$d/conf" $margs --name "$name" \
		-- /bin/sleep 4242424 >"$d.out" 2>"$d.err" &
	bg=$!
	# the poll: one runc exec as soon as the container takes one, looping
	# inside every POLL_S on `systemctl is-active UNITS`; its own clock
	# (the host's) when every unit says active
	t1=
	while :; do
		if [ -z "$units" ]; then
			t1=$(runc exec "$name" date +%s%N 2>/dev/null) && break
		else
			t1=$(runc exec --env "W=$want" --env "P=$POLL_S" "$name" sh -c '
				i=0
				until [ "$(systemctl is-active "$@" 2>/dev/null | tr "\n" " ")" = "$W " ]; do
					i=$((i + 1)); [ $i -lt 6000 ] || exit 97
					sleep "$P"
				done
				date +%s%N' sh $units 2>/dev/null) && break
			[ $? = 97 ] && { t1=; break; }
		fi
		kill -0 $bg 2>/dev/null || { t1=; break; }
		[ $(( ($(now) - t0) / 1000000000 )) -lt 180 ] || { t1=; break; }
		sleep 0.01
	done
	if [ -z "$t1" ]; then
		log "$run: not every unit became active ($units):"
		runc exec "$name" systemctl is-active $units 2>&1 | tr '\n' ' ' >&2 || true
		echo >&2
		tail -n 20 "$d.err" >&2
		start_ms=-
	else
		start_ms=$(( (t1 - t0) / 1000000 ))
	fi
	m="- - - - - - - -" sdb=-
	if [ -n "$t1" ] && [ "$mode" != floor ]; then
		sleep "$SETTLE_S"
		h1=$(runc state "$name" | jq -r .pid)
		ns=$(readlink "/proc/$h1/ns/pid")
		# the units' daemons: each unit's MainPID and its descendants
		mains=
		for u in $units; do
			mains="$mains $(runc exec "$name" systemctl show -p MainPID --value "$u" 2>/dev/null)"
		done
		: >"$d.procs"
		for p in /proc/[0-9]*; do
			p=${p#/proc/}
			[ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" = "$ns" ] || continue
			exe=$(stat -L -c %d:%i "/proc/$p/exe" 2>/dev/null) || exe=-
			echo "$p $(nspid "$p" 2>/dev/null) $(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null) $(mem "$p") $exe $(tr " " _ <"/proc/$p/comm" 2>/dev/null) $(tr '\0' ' ' <"/proc/$p/cmdline")" >>"$d.procs"
		done
		if [ "$mode" = systemd ]; then
			us=$(runc exec "$name" systemctl show -p UserspaceTimestampMonotonic --value 2>/dev/null)
			ae=$(runc exec "$name" systemctl show -p ActiveEnterTimestampMonotonic --value $units 2>/dev/null | sort -n | tail -n 1)
			[ -n "$us" ] && [ -n "$ae" ] && sdb=$(( (ae - us) / 1000 ))
		fi
		# host-pid ns-pid ppid pss anon rss exe comm cmdline...: classify
		awk -v h1="$h1" -v mains="$mains" -v pi="$pi_ino" -v hf="$tmp/help.$set_.$mode" '
			BEGIN { n = split(mains, m, " "); for (i = 1; i <= n; i++) if (m[i] > 0) main[m[i]] = 1 }
			{ host[NR] = $1; ns[$1] = $2; pp[$1] = $3; ps[$1] = $4; an[$1] = $5; rs[$1] = $6; exe[$1] = $7; comm[$1] = $8
			  cmd[$1] = $0; for (k = 0; k < 8; k++) sub(/^[^ ]+ /, "", cmd[$1]) }
			function unit_proc(p) {
				while (p in ns) { if (ns[p] in main) return 1; p = pp[p] }
				return 0
			}
			END {
				for (i = 1; i <= NR; i++) {
					p = host[i]
					if (p == h1) { p1 = ps[p]; p1a = an[p]; p1r = rs[p] }
					else if (cmd[p] ~ /^\/bin\/sleep 4242424/) continue
					else if (unit_proc(p)) dm += ps[p]
					else if (exe[p] == pi) rl += ps[p]
					else { hp += ps[p]; ha += an[p]; hr += rs[p]; print comm[p], ps[p] >> hf }
				}
				printf "%d %d %d %d %d %d %d %d\n", p1, hp, rl, dm, p1a, ha, p1r, hr
			}' "$d.procs" >"$d.mem"
		m=$(cat "$d.mem")
	fi
	t2=$(now)
	kill -TERM $bg
	rc=0
	wait $bg || rc=$?
	stop_ms=$(( ($(now) - t2) / 1000000 ))
	NAMES=$(echo "$NAMES" | sed "s/ $name//")
	# a clean stop: nothing SIGKILLed by pouch-init; MariaDB's own word
	clean=yes
	grep -q '^pouch-init: .*SIGKILL' "$d.err" && clean=no
	if [ "$set_" = full ] && [ "$mode" != floor ]; then
		if [ "$mode" = systemd ] && ! command -v journalctl >/dev/null; then
			clean=unknown
		elif [ "$mode" = systemd ]; then
			journalctl --directory="$d/merged/var/log/journal" -u mariadb.service -o cat 2>/dev/null |
				grep -q 'mariadbd: Shutdown complete' || clean=no
		else
			grep -q 'mariadbd: Shutdown complete' "$d.err" || clean=no
		fi
	fi
	[ "$mode" = floor ] && stop_ms=-
	echo "$start_ms $m $stop_ms $rc $clean $sdb" >>"$tmp/res.$set_.$mode"
	log "$run: start $start_ms ms (systemd's own: $sdb); PSS pid 1, helpers, relay, daemons; Anonymous, RSS pid 1, helpers (KiB): $m; stop $stop_ms ms (status $rc, clean $clean)"
	umount "$d/merged"
	rm -rf "$d"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
log "$RUNS rounds of: $(for s in $SETS; do printf '%s ' "$s"; done)x pouch-init, systemd; one floor"
r=1
while [ $r -le "$RUNS" ]; do
	one base floor $r
	for s in $SETS; do
		# pouch first in odd rounds, systemd first in even ones
		if [ $((r % 2)) = 1 ]; then one $s pouch $r; one $s systemd $r
		else one $s systemd $r; one $s pouch $r; fi
	done
	r=$((r + 1))
done

# ---- report
col() { awk -v c="$2" '$c != "-" {print $c}' "$1" | sort -n | awk '{v[NR]=$1} END {if (NR) printf "%d %d %d", v[1], v[int((NR+1)/2)], v[NR]; else print "- - -"}'; }
med() { col "$1" "$2" | awk '{print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-") printf "%.2f", a / b; else print "-" }'; }
mmm() { col "$1" "$2" | sed 's/ / \/ /g'; }
ver() { dpkg-query --admindir="$1/var/lib/dpkg" -W -f '${Version}' "$2" 2>/dev/null; }
helpers() { # FILE: name median-PSS, by name
	[ -s "$1" ] || { echo "none"; return; }
	sort "$1" | awk '{v[$1] = v[$1] " " $2; n[$1]++} END {for (k in v) print k, v[k]}' |
		while read -r k vals; do
			printf '%s %s\n' "$k" "$(echo $vals | tr ' ' '\n' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')"
		done | sort | awk '{printf "%s%s %d KiB", (NR > 1 ? ", " : ""), $1, $2}'
}
fl=$tmp/res.base.floor
floor_ms=$(med "$fl" 1)
{
echo "# Units: pouch-init against systemd"
echo
echo "Produced by \`make bench BENCH=units\` (bench/units.sh) on $(date -u +%Y-%m-%d), $(nproc) cores,"
echo "kernel $(uname -r), runc $(runc --version | awk 'NR == 1 {print $3}'), $RUNS rounds, interleaved"
echo "(pouch-init first in odd rounds, systemd first in even ones), one container at a time;"
echo "load average $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
echo "The image: the cached Debian bookworm root of tools/debian-rootfs.sh"
echo "(systemd $(ver "$base" systemd), cron, rsyslog, openssh-server), in the full set with"
echo "$PKGS installed over it in a layer of the run's own; each container on a"
echo "throw-away overlay. pouch-init: \`pouch-runc rich-run --config DIR\` with"
echo "\`[init] units = enabled\` and no services.d, \`/usr/bin/systemctl\` a link to"
echo "pouch-init; systemd: the same with \`--mode systemd\` and the image's own"
echo "systemctl. CMD \`/bin/sleep\` in both."
echo
echo "- start: from rich-run's start until \`systemctl is-active UNITS\` says"
echo "  active for every unit, polled inside the container every ${POLL_S} s by"
echo "  one \`runc exec\` (tried every 10 ms until the container takes it); the"
echo "  floor row is the same container with no units, until that first"
echo "  \`runc exec\` runs (creating the container, runc and pid 1 starting);"
echo "  \"above the floor\" subtracts its median."
echo "  systemd's own row: its manager's UserspaceTimestampMonotonic to the"
echo "  latest ActiveEnterTimestampMonotonic of the units (no poll in it)."
echo "- memory: PSS (smaps_rollup) ${SETTLE_S} s after every unit was active: pid 1;"
echo "  the helpers, every process in the container that is neither a unit's"
echo "  daemon (its MainPID and descendants) nor CMD nor systemd mode's output"
echo "  relay (pouch-init relaying CMD's output, docs/MODES.md: its own row); the"
echo "  units' daemons for comparison. PSS splits a shared page among the"
echo "  processes that map it: beside systemd the daemons share libc and"
echo "  libcrypto with systemd and journald, and any other container on the"
echo "  host running from the same cached root lowers every figure of the"
echo "  rounds it overlaps (the spread of the rows); RSS does not depend on"
echo "  that."
echo "- stop: SIGTERM to rich-run (which gives systemd SIGRTMIN+3, its halt"
echo "  signal) until rich-run returned, the container deleted. Clean: pouch-init"
echo "  SIGKILLed nothing, and in the full set MariaDB logged \"Shutdown"
echo "  complete\" (pouch-init's output; systemd's journal)."
echo
echo "Ratios are pouch-init's median over systemd's. Figures: min / median / max."
# sum FILE COLS...: the median over runs of the sum of those columns
sum() { f=$1; shift; awk -v c="$*" '$2 != "-" {n = split(c, k, " "); t = 0; for (i = 1; i <= n; i++) t += $k[i]; print t}' "$f" |
	sort -n | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print "-"}'; }
statuses() { awk '{print $11}' "$1" | sort | uniq -c | awk '{printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1}'; }
for s in $SETS; do
	P=$tmp/res.$s.pouch S=$tmp/res.$s.systemd
	echo
	echo "## $(units_of "$s" | sed 's/ /, /g')"
	echo
	echo "| | pouch-init | systemd | ratio |"
	echo "|---|---|---|---|"
	echo "| start until all active (ms) | $(mmm "$P" 1) | $(mmm "$S" 1) | $(ratio "$(med "$P" 1)" "$(med "$S" 1)") |"
	ap=$(awk -v a="$(med "$P" 1)" -v f="$floor_ms" 'BEGIN {print a - f}')
	as=$(awk -v a="$(med "$S" 1)" -v f="$floor_ms" 'BEGIN {print a - f}')
	echo "| start above the floor (median ms; floor $(mmm "$fl" 1)) | $ap | $as | $(ratio "$ap" "$as") |"
	echo "| systemd's own: its userspace start to the last unit active (ms) | - | $(mmm "$S" 13) | - |"
	echo "| PSS of pid 1 (KiB) | $(mmm "$P" 2) | $(mmm "$S" 2) | $(ratio "$(med "$P" 2)" "$(med "$S" 2)") |"
	echo "| PSS of the helpers (KiB) | $(mmm "$P" 3) | $(mmm "$S" 3) | - |"
	tp=$(sum "$P" 2 3) ts=$(sum "$S" 2 3)
	echo "| **PSS of pid 1 and the helpers** (median KiB) | $tp | $ts | $(ratio "$tp" "$ts") |"
	echo "| PSS of systemd mode's output relay (pouch-init, KiB) | - | $(mmm "$S" 4) | - |"
	tp=$(sum "$P" 2 3 4) ts=$(sum "$S" 2 3 4)
	echo "| PSS of pid 1, the helpers and the relay (median KiB) | $tp | $ts | $(ratio "$tp" "$ts") |"
	tp=$(sum "$P" 6 7) ts=$(sum "$S" 6 7)
	echo "| Anonymous of pid 1 and the helpers (median KiB) | $tp | $ts | $(ratio "$tp" "$ts") |"
	tp=$(sum "$P" 8 9) ts=$(sum "$S" 8 9)
	echo "| RSS of pid 1 and the helpers (median KiB) | $tp | $ts | $(ratio "$tp" "$ts") |"
	echo "| PSS of the units' daemons (KiB) | $(mmm "$P" 5) | $(mmm "$S" 5) | $(ratio "$(med "$P" 5)" "$(med "$S" 5)") |"
	tp=$(sum "$P" 2 3 4 5) ts=$(sum "$S" 2 3 4 5)
	echo "| PSS of the container but CMD (median KiB) | $tp | $ts | $(ratio "$tp" "$ts") |"
	echo "| stop (ms) | $(mmm "$P" 10) | $(mmm "$S" 10) | $(ratio "$(med "$P" 10)" "$(med "$S" 10)") |"
	echo "| exit statuses; clean stops | $(statuses "$P"); $(awk '$12 == "yes"' "$P" | wc -l)/$(wc -l <"$P") | $(statuses "$S"); $(awk '$12 == "yes"' "$S" | wc -l)/$(wc -l <"$S") | - |"
	echo
	echo "Helpers (median PSS): pouch-init: $(helpers "$tmp/help.$s.pouch"); systemd: $(helpers "$tmp/help.$s.systemd")."
done
} >"$tmp/part"

if [ "$out" = /dev/stdout ] || [ ! -s "$out" ]; then
	cat "$tmp/part" >>"$out"
	exit 0
fi
# the old section (from its heading to the next "# " heading) goes
awk -v part="$tmp/part" '
	/^# Units: pouch-init against systemd/ { while ((getline l < part) > 0) print l; skip = 1; done = 1; next }
	skip && /^# / { skip = 0; print "" }
	skip { next }
	{ print }
	END { if (!done) { print ""; while ((getline l < part) > 0) print l } }' "$out" >"$tmp/new"
cat "$tmp/new" >"$out"
cat "$tmp/part"

# SPDX-License-Identifier: MIT
# Shared helpers for the e2e tests: the real pouch-init as pid 1 of a fresh
# pid namespace. Sourced by run.sh; every test cleans up what it starts.

: "${POUCH_INIT:?}" "${PT:?}"
T_RESULTS=${T_RESULTS:-/dev/null}

ok() { echo "ok - $*"; echo pass >>"$T_RESULTS"; }
not_ok() { echo "not ok - $*"; echo fail >>"$T_RESULTS"; }
skip() { echo "skip - $*"; echo skip >>"$T_RESULTS"; }

# check NAME COMMAND...: pass when COMMAND succeeds
check() {
	_check_name=$1; shift
	if "$@"; then ok "$_check_name"; else not_ok "$_check_name"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi
}

# in_ns ARGS...: run pouch-init ARGS as pid 1 of a new pid namespace
in_ns() {
	unshare --pid --fork --mount-proc --kill-child "$POUCH_INIT" "$@"
}

# ns_start ARGS...: like in_ns, in the background; sets NS_BG (unshare)
# and NS_PID1 (pouch-init's pid as seen from here)
ns_start() {
	unshare --pid --fork --mount-proc --kill-child "$POUCH_INIT" "$@" &
	NS_BG=$!
	NS_PID1=
	i=0
	while [ -z "$NS_PID1" ] && [ $i -lt 200 ]; do
		NS_PID1=$(pgrep -P "$NS_BG" | head -n 1)
		[ -n "$NS_PID1" ] || sleep 0.01
		i=$((i + 1))
	done
}

# ns_wait: wait for the background namespace; sets NS_RC
ns_wait() {
	wait "$NS_BG"
	NS_RC=$?
}

# ns_kill: end the background namespace whatever state it is in
ns_kill() {
	[ -n "${NS_PID1:-}" ] && kill -KILL "$NS_PID1" 2>/dev/null
	wait "$NS_BG" 2>/dev/null
	NS_PID1=
}

# wait_for SECONDS COMMAND...: poll every 10 ms until COMMAND succeeds
wait_for() {
	limit=$(( $1 * 100 )); shift
	n=0
	until "$@"; do
		n=$((n + 1))
		[ $n -ge $limit ] && return 1
		sleep 0.01
	done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# child_of PID: the first child of PID
child_of() { pgrep -P "$1" | head -n 1; }

# conf_new: a fresh config root in $C (services in $C/services.d)
conf_new() {
	C=$(mktemp -d "$T_TMP/conf.XXXXXX")
	mkdir -p "$C/services.d"
}

# svc NAME: write $C/services.d/NAME.ini from stdin
svc() { cat >"$C/services.d/$1.ini"; }

# lines FILE: number of lines in FILE (0 when missing)
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

T_TMP=$(mktemp -d /tmp/pouch-e2e.XXXXXX)
chmod 755 "$T_TMP" # services running as nobody write here
# pid 1's sockets, of every pouch-init a test starts, stay in here
export POUCH_STATE_DIR="$T_TMP/state"
mkdir -m 755 "$POUCH_STATE_DIR"
# umount_under DIR: every mount below DIR, deepest first; never with an
# empty DIR or /, which would take the machine's own mounts
umount_under() {
	case ${1:-} in "" | / | //*) echo "umount_under: refusing '${1:-}'" >&2; return 1 ;; esac
	grep " ${1%/}/" /proc/mounts | awk '{print $2}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
}

t_cleanup() {
	umount_under "$T_TMP"
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT

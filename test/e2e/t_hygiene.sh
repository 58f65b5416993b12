# Transparency: CMD gets the signal mask and ignored set pid 1 inherited,
# and no descriptor pid 1 opened; orphans are reaped; subreaper mode.

direct=$(sh -c "trap '' HUP QUIT; exec '$PT' status")
via=$(sh -c "trap '' HUP QUIT; exec '$POUCH_INIT' -- '$PT' status")
expect_eq "same SigBlk/SigIgn/fds as when run directly" "$via" "$direct"
check "the ignored set really was non-empty" sh -c "echo '$via' | grep -q 'SigIgn:.*0005$'"
direct=$(exec 7</dev/null; "$PT" status)
via=$(exec 7</dev/null; in_ns -- "$PT" status)
expect_eq "inherited descriptors pass, pid 1's own do not" "$via" "$direct"
direct=$("$PT" mask 10,12,34 -- "$PT" status)
via=$("$PT" mask 10,12,34 -- "$POUCH_INIT" -- "$PT" status)
expect_eq "an inherited blocked mask is given to CMD" "$via" "$direct"
check "the blocked mask really was non-empty" sh -c "echo '$via' | grep -q 'SigBlk:.*200000a00'"

out=$(in_ns -- "$PT" orphans 10000); rc=$?
expect_eq "10,000 orphans are all reaped (in ${out:-?} us)" "$rc" 0

# not pid 1: a subreaper, so orphans come to us
out=$("$POUCH_INIT" -- sh -c '(sleep 2 & echo $! >'"$T_TMP"'/gc); sleep 0.2; awk "/^PPid/{print \$2}" /proc/$(cat '"$T_TMP"'/gc)/status; echo $PPID')
set -- $out
expect_eq "orphans are re-parented to pouch-init when not pid 1" "$1" "$2"
out=$("$POUCH_INIT" -s -- "$PT" orphans 200); rc=$?
expect_eq "subreaper reaps orphans (-s)" "$rc" 0

# the static binary in a root filesystem with nothing else
root="$T_TMP/root"
mkdir -p "$root"
cp "$POUCH_INIT" "$root/init"; cp "$PT" "$root/pt"
if file "$POUCH_INIT" | grep -Eq "statically linked|static-pie linked"; then
	unshare --pid --fork --kill-child chroot "$root" /init -- /pt exit 42
	expect_eq "runs in a root filesystem without any libc" "$?" 42
else
	skip "libc-less root filesystem (this build is not static)"
fi

# pid 1's memory, waiting for a sleeping CMD. The code it runs is packed
# at the head of its text (init/hot.ld), so that few of the binary's file
# pages are in its RSS: about 350 KiB of 2.7 MiB, where the static peers
# (tini-static, catatonit), smaller binaries, map about 700. A change of
# what pid 1 runs that leaves it outside the packed part shows here:
# `make hot-text` measures it again.
if file "$POUCH_INIT" | grep -q "static-pie linked"; then
	# an empty environment: a large one would be on pid 1's stack
	env -i PATH=/usr/bin:/bin unshare --pid --fork --mount-proc --kill-child \
		"$POUCH_INIT" -- sleep 30 &
	NS_BG=$!
	NS_PID1=
	wait_for 5 sh -c "pgrep -P $NS_BG >/dev/null" && NS_PID1=$(child_of "$NS_BG")
	wait_for 5 sh -c "pgrep -P ${NS_PID1:-0} >/dev/null"
	sleep 0.5
	rf=$(awk '/^RssFile/ {print $2}' "/proc/${NS_PID1:-0}/status" 2>/dev/null)
	an=$(awk '/^Anonymous/ {print $2}' "/proc/${NS_PID1:-0}/smaps_rollup" 2>/dev/null)
	ns_kill
	# 800: above what another CPU's string functions add (about 650),
	# below the 1.2 MiB of an unpacked link
	check "an idle pid 1 maps few of its file pages (${rf:-?} KiB; at most 800)" \
		[ "${rf:-99999}" -le 800 ]
	check "an idle pid 1's private memory is small (${an:-?} KiB; at most 64)" \
		[ "${an:-99999}" -le 64 ]
else
	skip "pid 1's memory (this build is not the static-pie one)"
fi

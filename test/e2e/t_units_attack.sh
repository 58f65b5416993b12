# A unit's commands beside its main process (ExecStartPre= and the
# like), restarts, limits and capabilities, attacked: pid 1 must not
# hang, spin, grow, crash or give a service more than its unit says.
# pid 1 runs in a mount namespace whose unit directories and /run are
# this test's own (as t_units.sh's wstart; no init.d script of the
# machine's).
T=$T_TMP
if grep -qa __asan_init "$POUCH_INIT"; then
	# entered namespaces show no /proc/self to the static ASan runtime
	P1=$POUCH_INIT
	POUCH_INIT=$POUCH_INIT_DYN
fi
P1=${P1:-$POUCH_INIT}
W=$T/ua
mkdir -p "$W/etc/systemd/system/multi-user.target.wants" "$W/usr/lib/systemd/system" \
	"$W/run" "$W/var/lib" "$W/etc/pouch" "$W/usr/lib/tmpfiles.d" "$W/etc/tmpfiles.d" \
	"$W/etc/init.d"
chmod 755 "$W/run"
wunit() {
	cat >"$W/usr/lib/systemd/system/$1"
	ln -sf "/usr/lib/systemd/system/$1" "$W/etc/systemd/system/multi-user.target.wants/$1"
}
wclear() { rm -f "$W"/etc/systemd/system/multi-user.target.wants/* "$W"/usr/lib/systemd/system/*; }
wsock=$T/state/ua.sock
printf '[init]\nunits = enabled\ncontrol_socket = %s\n' "$wsock" >"$W/etc/pouch/init.ini"
# wstart [MOUNT-CMD]: pid 1 in its namespace; MOUNT-CMD runs there first
wstart() {
	rm -f "$wsock"
	unshare --pid --fork --mount --mount-proc --kill-child sh -c '
		r=$1; m=$2; shift 2
		for d in /etc/systemd/system /usr/lib/systemd/system /usr/lib/tmpfiles.d /etc/tmpfiles.d /etc/init.d /run /var/lib; do
			mount --bind "$r$d" "$d"
		done
		eval "$m"
		exec "$@"' sh "$W" "${1:-:}" ${WRAP:-} "$P1" -c "$W/etc/pouch" 2>"$T/pid1.err" &
	NS_BG=$!
	wait_for 10 test -S "$wsock"
	NS_PID1=$(pgrep -P "$NS_BG" | head -n 1)
}
wctl() { timeout 10 "$POUCH_INIT" ctl --socket "$wsock" "$@"; }
wstate() { wctl status --json "$1" | sed -n 's/.*"state": "\([a-z]*\)".*/\1/p'; }
# wstop: SIGTERM to pid 1, which must be gone within 15 s (else killed)
wstop() {
	kill -TERM "$NS_PID1" 2>/dev/null
	if wait_for 15 sh -c "! kill -0 $NS_PID1 2>/dev/null"; then
		ns_wait
	else
		ns_kill
		NS_RC=hung
	fi
}

# ---- an ExecStartPre= that cannot even be started (an unknown User=),
# restarted at once with no start limit: each failure restarted the
# unit inside the same dispatch, so pid 1 never came back to its loop
# (no ctl, no SIGTERM) and its queue of actions grew without end
wunit lp.service <<'EOF'
[Unit]
StartLimitIntervalSec=0
[Service]
User=pouch-no-such-user
Restart=always
RestartSec=0
ExecStartPre=/bin/true
ExecStart=/bin/sleep 3001
EOF
wstart
sleep 1
wctl status lp >/dev/null; rc=$?
expect_eq "an ExecStartPre= whose start fails at once, restarted at once: pid 1 still answers" "$rc" 0
check "... the unit is stopped after that many failed starts in one turn, and that is said" \
	grep -q 'service lp: 10000 starts failed at once: stopped' "$T/pid1.err"
rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$NS_PID1/status")
check "... pid 1 did not grow (VmRSS ${rss:-?} kB < 20 MB)" [ "${rss:-999999}" -lt 20000 ]
wstop
expect_eq "... and SIGTERM stops it: 0" "$NS_RC" 0
wclear

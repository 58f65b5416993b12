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
printf '[init]\nunits = enabled\ncontrol_socket = %s\nshutdown_timeout = 5s\n' "$wsock" >"$W/etc/pouch/init.ini"
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
# restarted NAME N: it was restarted N times or more
restarted() {
	_n=$(wctl status --json "$1" | sed -n 's/.*"restarts": \([0-9]*\).*/\1/p')
	[ "${_n:-0}" -ge "$2" ]
}
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
	# the sanitizer build's report, wherever it comes
	if grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$T/pid1.err"; then
		not_ok "sanitizer: $(grep -m 1 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$T/pid1.err")"
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
if [ "$P1" != "$POUCH_INIT" ]; then
	skip "pid 1's VmRSS under the sanitizer build (its quarantine)"
else
	check "... pid 1 did not grow (VmRSS ${rss:-?} kB < 20 MB)" [ "${rss:-999999}" -lt 20000 ]
fi
wstop
expect_eq "... and SIGTERM stops it: 0" "$NS_RC" 0
wclear

# ---- start limits: StartLimitBurst=0 (none) kept a ring of 2^31 start
# times (16 GiB of address space: a start that fails under any memory
# limit); a daemon-reload that raised the limit of a restarting unit
# (its entry replaced, not restarted) wrote past the ring made for the
# old one (a heap overflow in pid 1: the sanitizer build stops there)
wunit slz.service <<'EOF2'
[Unit]
StartLimitBurst=0
[Service]
Restart=always
RestartSec=100ms
ExecStart=/bin/sh -c 'sleep 0.1; exit 1'
EOF2
wunit slr.service <<'EOF2'
[Unit]
StartLimitBurst=3
StartLimitIntervalSec=100
[Service]
Restart=always
RestartSec=100ms
ExecStart=/bin/sh -c 'sleep 2; exit 1'
EOF2
wstart
wait_for 10 restarted slz 3
vm=$(sed -n 's/^VmSize:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$NS_PID1/status")
if [ "$P1" != "$POUCH_INIT" ]; then
	skip "StartLimitBurst=0: pid 1's VmSize under the sanitizer build (its shadow memory)"
else
	check "StartLimitBurst=0, restarted: pid 1 keeps no ring of 2^31 start times (VmSize ${vm:-?} kB < 1 GiB)" \
		[ "${vm:-99999999}" -lt 1048576 ]
fi
# its second start made the ring (of 3)
wait_for 10 sh -c "$POUCH_INIT ctl --socket $wsock status --json slr | grep -q '\"restarts\": 1,.*\"state\": \"running\"\|\"state\": \"running\".*\"restarts\": 1,'"
sed -i 's/^StartLimitBurst=3$/StartLimitBurst=40/; s/sleep 2/sleep 0.05/' "$W/usr/lib/systemd/system/slr.service"
wctl reload >/dev/null
wait_for 10 restarted slr 10
expect_eq "StartLimitBurst= raised by a reload while the unit restarts: it goes on restarting (its new limit)" \
	"$(wstate slr | sed 's/starting\|backoff/restarting/')" restarting
check "... pid 1 did not crash" kill -0 "$NS_PID1"
wstop
expect_eq "... SIGTERM to pid 1: 0" "$NS_RC" 0
check "... no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer' '$T/pid1.err'"
wclear

# ---- an idle pid 1 wakes up for nothing: units with commands, a
# forking unit with no pid file, a done RemainAfterExit=, a stop given
# up (SendSIGKILL=no); and a daemon-reload that took RuntimeMaxSec=
# away from a running unit (its timer stayed due: pid 1 spun)
wunit idfork.service <<'EOF2'
[Service]
Type=forking
ExecStart=/bin/sh -c 'sleep 3010 & exit 0'
ExecStartPost=/bin/true
ExecReload=/bin/true
EOF2
wunit idra.service <<'EOF2'
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/bin/true
EOF2
wunit idnk.service <<'EOF2'
[Service]
SendSIGKILL=no
TimeoutStopSec=1
ExecStart=/bin/sh -c 'trap "" TERM; exec sleep 3011'
EOF2
wunit idrt.service <<'EOF2'
[Service]
RuntimeMaxSec=3
ExecStartPre=/bin/true
ExecStart=/bin/sleep 3012
ExecStopPost=/bin/true
EOF2
wstart
wait_for 10 sh -c "pgrep -f '^sleep 3010\$' && pgrep -f '^sleep 3011\$' && pgrep -f '^/bin/sleep 3012\$'" >/dev/null
wctl reload idfork >/dev/null
wctl stop idnk >/dev/null
sed -i '/^RuntimeMaxSec=/d' "$W/usr/lib/systemd/system/idrt.service"
wctl reload >/dev/null
sleep 4 # past the RuntimeMaxSec= it had, and idnk's stop given up
cs() { awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$NS_PID1/status"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$NS_PID1/stat"; }
c0=$(cs) t0=$(cpu)
sleep 10
c1=$(cs) t1=$(cpu)
expect_eq "idle pid 1 with such units: no wakeup in 10 s, no CPU time" \
	"$((c1 - c0)) $((t1 - t0))" "0 0"
expect_eq "... the unit whose RuntimeMaxSec= a reload took away still runs" "$(wstate idrt)" running
wstop
expect_eq "... SIGTERM to pid 1: 0" "$NS_RC" 0
wclear

# ---- capabilities: CapabilityBoundingSet= with User= and no
# AmbientCapabilities= (as many packaged units have it) failed every
# start (pid 1 set the capabilities the user had lost); the service runs
# with none, in that bounding set. pid 1 lacks CAP_NET_RAW here (the
# container did not give it), and has CAP_NET_ADMIN inheritable: neither
# reaches a nobody service by AmbientCapabilities= or a dropped bound
capline() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$(pgrep -f "^/bin/sleep $1\$")/status"; }
wunit capu.service <<'EOF2'
[Service]
User=nobody
CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE
ExecStartPre=/bin/true
ExecStart=/bin/sleep 3020
EOF2
wunit capa.service <<'EOF2'
[Service]
User=nobody
CapabilityBoundingSet=CAP_CHOWN CAP_NET_RAW
AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN CAP_CHOWN
ExecStart=/bin/sleep 3021
EOF2
WRAP="setpriv --bounding-set -net_raw --inh-caps +net_admin" wstart
wait_for 10 sh -c "pgrep -f '^/bin/sleep 3020\$' && pgrep -f '^/bin/sleep 3021\$'" >/dev/null
expect_eq "User=nobody, CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE: it runs, with that bounding set and no capability" \
	"$(wstate capu) $(capline 3020 CapBnd) $(capline 3020 CapPrm) $(capline 3020 CapEff) $(capline 3020 CapInh)" \
	"running 0000000000000401 0000000000000000 0000000000000000 0000000000000000"
expect_eq "User=nobody, AmbientCapabilities= beyond the container and the bound: only CAP_CHOWN" \
	"$(capline 3021 CapAmb) $(capline 3021 CapPrm) $(capline 3021 CapEff) $(capline 3021 CapInh)" \
	"0000000000000001 0000000000000001 0000000000000001 0000000000000001"
check "... the one the container lacks is said by name" \
	grep -q 'service capa: AmbientCapabilities=cap_net_raw: the container does not have it: not raised' "$T/pid1.err"
wstop
expect_eq "... SIGTERM to pid 1: 0" "$NS_RC" 0
wclear

# ---- /run not writable (a read-only container): pid 1 runs its units,
# and says what it could not make (the tmpfiles.d at boot and
# /run/systemd/system; when /run/systemd itself could not be made,
# nothing was said)
rm -rf "$W/run/systemd"
wunit rorun.service <<'EOF2'
[Service]
ExecStartPre=/bin/true
ExecStart=/bin/sleep 3030
EOF2
echo 'd /run/rotmp 0755 root root -' >"$W/usr/lib/tmpfiles.d/ro.conf"
wstart 'mount -o remount,bind,ro /run'
wait_for 10 pgrep -f '^/bin/sleep 3030$' >/dev/null
expect_eq "/run read-only: the unit runs" "$(wstate rorun)" running
check "... the tmpfiles.d line that could not be applied is said" \
	grep -q 'ro.conf:1: d /run/rotmp: unable to create the directory: Read-only file system' "$T/pid1.err"
check "... and /run/systemd/system that could not be made" \
	grep -q 'units: unable to make /run/systemd/system: Read-only file system' "$T/pid1.err"
wstop
expect_eq "... SIGTERM to pid 1: 0" "$NS_RC" 0
rm -f "$W/usr/lib/tmpfiles.d/ro.conf"
wclear

# ---- a stop during a reload that never ends, and a stop given up
# (SendSIGKILL=no) while its ExecStop= never ends: the next start waited
# for the command left behind, for ever (starting)
wunit lrl.service <<'EOF2'
[Service]
TimeoutStartSec=infinity
ExecStart=/bin/sleep 3040
ExecReload=/bin/sleep 3041
EOF2
wunit lsk.service <<'EOF2'
[Service]
SendSIGKILL=no
TimeoutStopSec=1
ExecStart=/bin/sleep 3042
ExecStop=/bin/sh -c 'trap "" TERM; exec sleep 3043'
EOF2
wstart
wait_for 10 sh -c "pgrep -f '^/bin/sleep 3040\$' && pgrep -f '^/bin/sleep 3042\$'" >/dev/null
timeout 10 "$POUCH_INIT" ctl --socket "$wsock" reload lrl >"$T/lrl.out" 2>&1 &
rlpid=$!
wait_for 5 pgrep -f '^/bin/sleep 3041$' >/dev/null
wctl stop lrl >/dev/null
wait "$rlpid"; rc=$?
expect_eq "a stop during ExecReload=: the waiting reload's answer comes (cut short)" \
	"$rc $(cat "$T/lrl.out")" "1 pouch-init ctl: error: the reload was cut short (the service stopped)"
check "... its command is gone" wait_for 5 sh -c "! pgrep -f '^/bin/sleep 3041\$' >/dev/null"
wctl start lrl >/dev/null
check "... and the next start runs the unit" wait_for 5 sh -c "[ \"\$($POUCH_INIT ctl --socket $wsock status --json lrl | sed -n 's/.*\"state\": \"\([a-z]*\)\".*/\1/p')\" = running ]"
wctl stop lsk >/dev/null
check "SendSIGKILL=no, an ExecStop= that outlasts TimeoutStopSec=: failed" \
	wait_for 5 sh -c "[ \"\$($POUCH_INIT ctl --socket $wsock status --json lsk | sed -n 's/.*\"state\": \"\([a-z]*\)\".*/\1/p')\" = failed ]"
check "... what is left is left (its main process and its ExecStop=)" \
	sh -c "pgrep -f '^/bin/sleep 3042\$' >/dev/null && pgrep -f '^sleep 3043\$' >/dev/null"
wctl start lsk >/dev/null
check "... and the next start runs it again" wait_for 5 sh -c "[ \$(pgrep -fc '^/bin/sleep 3042\$') = 2 ]"
wstop
expect_eq "... SIGTERM to pid 1: 0" "$NS_RC" 0
wclear

# ---- a nobody service names, as its MAINPID=, its own ExecStartPost=
# command, that command's child, the child of a '+' (root) command of
# another unit, and a root service's process: none is taken, and its
# stop signals none of them but its own command's
mkdir -p "$T/mp" && chown nobody "$T/mp"
cat >"$T/mp-main.sh" <<EOF2
#!/bin/sh
$PT notify READY=1
while [ ! -s $T/mp/child ] || [ ! -s $T/mp/rootchild ]; do sleep 0.05; done
for p in \$(cat $T/mp/post) \$(cat $T/mp/child) \$(cat $T/mp/rootchild) \$(pgrep -f '^/bin/sleep 3063\$'); do
	$PT notify "MAINPID=\$p"
done
echo sent >$T/mp/sent
exec sleep 3062
EOF2
cat >"$T/mp-post.sh" <<'EOF2'
#!/bin/sh
sleep "$1" & echo $! >"$2"
[ "$3" ] && echo $$ >"$3"
wait
EOF2
chmod 755 "$T/mp-main.sh" "$T/mp-post.sh"
wunit mp.service <<EOF2
[Service]
Type=notify
User=nobody
ExecStart=$T/mp-main.sh
ExecStartPost=$T/mp-post.sh 3061 $T/mp/child $T/mp/post
EOF2
wunit mproot.service <<EOF2
[Service]
User=nobody
ExecStart=/bin/sleep 3064
ExecStartPost=+$T/mp-post.sh 3065 $T/mp/rootchild
EOF2
wunit mpvictim.service <<'EOF2'
[Service]
ExecStart=/bin/sleep 3063
EOF2
wstart
wait_for 10 test -s "$T/mp/sent"
sleep 0.5 # pid 1 reads the messages
nspid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status"; }
expect_eq "MAINPID= of its own command, that one's child, a root command's child, a root service's process: none taken" \
	"$(wctl status --json mp | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')" "$(nspid "$(pgrep -f '^sleep 3062$')")"
check "... the first said: one of its own commands" \
	grep -q 'service mp: MAINPID=[0-9]* refused: one of its own commands' "$T/pid1.err"
wctl stop mp >/dev/null
check "... its stop ends its own command, and that one's child" \
	wait_for 5 sh -c "! pgrep -f '^sleep 306[12]\$' >/dev/null"
check "... and no other unit's process" \
	sh -c "pgrep -f '^sleep 3065\$' >/dev/null && pgrep -f '^/bin/sleep 3063\$' >/dev/null && pgrep -f '^/bin/sleep 3064\$' >/dev/null"
expect_eq "... which are still their units'" "$(wstate mproot) $(wstate mpvictim)" "starting running"
wstop
expect_eq "... SIGTERM to pid 1: 0" "$NS_RC" 0
wclear

# ---- the container's stop, within shutdown_timeout (5 s here) and
# with its poststop hooks, whatever the units' commands do: an ExecStop=
# and an ExecStopPost= that never exit (TimeoutStopSec=infinity), a
# SendSIGKILL=no unit that ignores SIGTERM, an ExecReload= that never
# ends while a ctl client waits for it, an ExecStartPre= that never ends
mkdir -p "$W/etc/pouch/hooks/poststop.d"
printf '#!/bin/sh\necho "$POUCH_STOP_REASON" >%s/poststop\n' "$T" >"$W/etc/pouch/hooks/poststop.d/10-mark"
chmod 755 "$W/etc/pouch/hooks/poststop.d/10-mark"
for u in hs:ExecStop hp:ExecStopPost; do
	wunit "${u%%:*}.service" <<EOF2
[Service]
User=nobody
TimeoutStopSec=infinity
ExecStart=/bin/sleep 3070
${u#*:}=/bin/sh -c 'trap "" TERM; exec sleep 3071'
EOF2
done
wunit hnk.service <<'EOF2'
[Service]
User=nobody
SendSIGKILL=no
TimeoutStopSec=infinity
ExecStart=/bin/sh -c 'trap "" TERM; exec sleep 3072'
EOF2
wunit hrl.service <<'EOF2'
[Service]
User=nobody
TimeoutStartSec=infinity
ExecStart=/bin/sleep 3073
ExecReload=/bin/sh -c 'trap "" TERM; exec sleep 3074'
EOF2
wunit hpre.service <<'EOF2'
[Service]
User=nobody
TimeoutStartSec=infinity
ExecStartPre=/bin/sh -c 'trap "" TERM; exec sleep 3075'
ExecStart=/bin/sleep 3076
EOF2
wstart
wait_for 10 sh -c "[ \$(pgrep -fc '^/bin/sleep 3070\$') = 2 ] && pgrep -f '^sleep 3075\$'" >/dev/null
wctl reload hrl >/dev/null 2>&1 &
rlpid=$!
wait_for 5 pgrep -f '^sleep 3074$' >/dev/null
t0=$(now_ms)
wctl shutdown >/dev/null
if wait_for 15 sh -c "! kill -0 $NS_PID1 2>/dev/null"; then ns_wait; else ns_kill; fi
t1=$(now_ms)
check "ctl shutdown with such commands: done within shutdown_timeout ($((t1 - t0)) ms < 6500)" [ $((t1 - t0)) -lt 6500 ]
expect_eq "... its poststop hook ran" "$(cat "$T/poststop" 2>/dev/null)" shutdown
check "... nothing of it is left" sh -c "! pgrep -f '^(/bin/)?sleep 307' >/dev/null"
wait "$rlpid"
rm -rf "$W/etc/pouch/hooks"
wclear

# ---- odd sequences (for the sanitizer build: no report): a stop during
# ExecStartPre=, a restart during ExecStopPost=, a reload of the unit
# and 30 daemon-reloads while its ExecReload= runs, a unit removed
# during its ExecStop= and added back
wunit oqpre.service <<'EOF2'
[Service]
ExecStartPre=/bin/sleep 2
ExecStart=/bin/sleep 3080
ExecStopPost=/bin/sleep 1
EOF2
wunit oqstp.service <<'EOF2'
[Service]
ExecStart=/bin/sleep 3081
ExecStop=/bin/sleep 0.5
ExecStopPost=/bin/sleep 2
EOF2
wunit oqrl.service <<'EOF2'
[Service]
ExecStart=/bin/sleep 3082
ExecReload=/bin/sleep 2
ExecStop=/bin/sleep 0.2
EOF2
wunit oqgone.service <<'EOF2'
[Service]
ExecStart=/bin/sleep 3083
ExecStop=/bin/sleep 2
ExecStopPost=/bin/true
EOF2
wstart
wait_for 10 sh -c "pgrep -f '^/bin/sleep 3081\$' && pgrep -f '^/bin/sleep 3082\$' && pgrep -f '^/bin/sleep 3083\$'" >/dev/null
wctl stop oqpre >/dev/null
wctl stop oqstp >/dev/null
wait_for 5 pgrep -f '^/bin/sleep 2$' >/dev/null
wctl restart oqstp >/dev/null
wctl reload oqrl >/dev/null 2>&1 &
rlpid=$!
wctl stop oqgone >/dev/null
rm "$W/usr/lib/systemd/system/oqgone.service" "$W/etc/systemd/system/multi-user.target.wants/oqgone.service"
sed -i 's/3082/3084/' "$W/usr/lib/systemd/system/oqrl.service"
i=0; while [ $i -lt 30 ]; do wctl reload >/dev/null; i=$((i + 1)); done
printf '[Service]\nExecStartPre=/bin/sleep 0.5\nExecStart=/bin/sleep 3085\n' | wunit oqgone.service
wctl reload >/dev/null
wctl restart oqrl >/dev/null
wait "$rlpid"
check "odd sequences: the units end up as asked" wait_for 10 sh -c "{
	pgrep -f '^/bin/sleep 3081\$' && pgrep -f '^/bin/sleep 3084\$' && pgrep -f '^/bin/sleep 3085\$' &&
	! pgrep -f '^/bin/sleep 3080\$'; } >/dev/null"
wstop
expect_eq "... SIGTERM to pid 1: 0" "$NS_RC" 0
check "... no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error:' '$T/pid1.err'"
wclear

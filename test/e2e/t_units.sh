# Units ([init] units = enabled) and pouch-init as systemctl and service:
# the file commands on a tree of units (--root), the runtime ones with no
# pouch-init (the "Running in chroot" no-ops), and with the real binary as
# pid 1 in a mount namespace whose unit directories are the test's own.
T=$T_TMP
U=$T/root
# The static sanitizer build reads its options and its threads from
# /proc/self, which the namespaces these commands are entered into do not
# show (another pid namespace's /proc): every exit would be its "fatal
# error". These run on the regular dynamic build there; the units code
# runs under the sanitizers in fuzz_units (make fuzz).
if grep -qa __asan_init "$POUCH_INIT"; then
	skip "units and systemctl under the sanitizer build: run on the dynamic build (no /proc/self in the entered namespaces)"
	POUCH_INIT=$POUCH_INIT_DYN
fi
sysd() { "$POUCH_INIT" systemctl "$@"; }
dot=$(printf '\342\227\217') # systemctl's bullet

mkdir -p "$U/etc/systemd/system/multi-user.target.wants" "$U/usr/lib/systemd/system" \
	"$U/usr/lib/tmpfiles.d" "$U/etc/tmpfiles.d" \
	"$U/run/systemd" "$U/etc/init.d" "$U/etc/pouch/services.d"
unit() { cat >"$U/usr/lib/systemd/system/$1"; }
unit a.service <<'EOF'
[Unit]
Description=Service A
[Service]
ExecStart=/bin/sleep 1000
[Install]
WantedBy=multi-user.target
Alias=alpha.service
EOF
unit b.service <<'EOF'
[Unit]
Description=Service B
After=a.service
[Service]
ExecStart=/bin/sleep 1001
[Install]
WantedBy=multi-user.target
EOF
unit c.service <<'EOF'
[Unit]
Description=One shot
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
[Install]
WantedBy=multi-user.target
EOF
unit d.service <<'EOF'
[Unit]
Description=Disabled D
[Service]
ExecStart=/bin/sleep 1003
[Install]
WantedBy=multi-user.target
EOF
unit static.service <<'EOF'
[Service]
ExecStart=/bin/true
EOF
for u in a b c; do
	ln -s /usr/lib/systemd/system/$u.service "$U/etc/systemd/system/multi-user.target.wants/$u.service"
done
ln -s /usr/lib/systemd/system/a.service "$U/etc/systemd/system/alpha.service"
ln -s /dev/null "$U/etc/systemd/system/m.service"
printf '[init]\nunits = enabled\n' >"$U/etc/pouch/init.ini"
mkdir -p "$U/bin" && cp /bin/sleep /bin/true "$U/bin/" # check --root looks for them there
printf '[service]\nexec = sleep 1002\n' >"$U/etc/pouch/services.d/svcd.ini"

# ---- check
"$POUCH_INIT" check --root "$U" >"$T/check.out" 2>&1
expect_eq "check --root: a tree of units is a valid configuration" "$?" 0
check "check: each enabled unit is a service, with what it runs" sh -c "
	grep -q '^unit a.service: service a, simple' '$T/check.out' &&
	grep -q '^  runs: /bin/sleep 1000' '$T/check.out' &&
	grep -q '^unit c.service: service c, oneshot, stays active after it exits' '$T/check.out' &&
	! grep -q '^unit d.service' '$T/check.out'"
check "check: 4 services (3 units and services.d's)" grep -q ': 4 services, configuration OK' "$T/check.out"
printf '[init]\nunits = no\n' >"$T/no.ini"
mkdir -p "$T/noconf" && cp "$T/no.ini" "$T/noconf/init.ini"
"$POUCH_INIT" check --root "$U" -c "$T/noconf" >"$T/check.out" 2>&1
check "check: units = no loads no unit" sh -c "grep -q ': 0 services' '$T/check.out' && ! grep -q '^unit ' '$T/check.out'"

# ---- file commands on the tree (--root: no pid 1 is asked)
out=$(sysd --root="$U" is-enabled a.service); rc=$?
expect_eq "is-enabled of an enabled unit: enabled, 0" "$out $rc" "enabled 0"
out=$(sysd --root="$U" is-enabled d); rc=$?
expect_eq "is-enabled of a disabled unit (NAME for NAME.service): disabled, 1" "$out $rc" "disabled 1"
out=$(sysd --root="$U" is-enabled static.service alpha.service m.service); rc=$?
expect_eq "is-enabled: static, alias, masked" "$(echo $out) $rc" "static alias masked 0"
sysd --root="$U" is-enabled nosuch.service >/dev/null 2>"$T/err"; rc=$?
expect_eq "is-enabled of no such unit: 1 and systemd's message" "$rc $(cat "$T/err")" \
	"1 Failed to get unit file state for nosuch.service: No such file or directory"
sysd --root="$U" enable d.service 2>"$T/err"
expect_eq "enable: 0" "$?" 0
check "enable: the WantedBy= link, said as systemd says it" sh -c "
	[ \"\$(readlink '$U/etc/systemd/system/multi-user.target.wants/d.service')\" = /usr/lib/systemd/system/d.service ] &&
	grep -q '^Created symlink /etc/systemd/system/multi-user.target.wants/d.service .* /usr/lib/systemd/system/d.service.\$' '$T/err'"
expect_eq "... is-enabled says enabled" "$(sysd --root="$U" is-enabled d)" enabled
sysd --root="$U" disable d.service 2>"$T/err"
check "disable: the link is removed, and said" sh -c "
	[ ! -e '$U/etc/systemd/system/multi-user.target.wants/d.service' ] &&
	grep -qx 'Removed \"/etc/systemd/system/multi-user.target.wants/d.service\".' '$T/err'"
sysd --root="$U" -q mask d.service 2>"$T/err"
check "mask: a link to /dev/null, quietly with -q" sh -c "
	[ \"\$(readlink '$U/etc/systemd/system/d.service')\" = /dev/null ] && [ ! -s '$T/err' ]"
sysd --root="$U" -q unmask d.service
check "unmask: the link is gone" test ! -e "$U/etc/systemd/system/d.service"
sysd --root="$U" enable static.service 2>"$T/err"
check "enable of a unit with no [Install]: systemd's explanation, 0" \
	grep -q 'The unit files have no installation config' "$T/err"
sysd --root="$U" cat a >"$T/out"
check "cat: the file, with its path" sh -c "head -n 1 '$T/out' | grep -qx '# /usr/lib/systemd/system/a.service' && grep -qx 'ExecStart=/bin/sleep 1000' '$T/out'"
sysd --root="$U" cat nosuch >/dev/null 2>&1
expect_eq "cat of no such unit: 1" "$?" 1
expect_eq "show -p UnitFileState --value" "$(sysd --root="$U" show -p UnitFileState --value d.service)" disabled
expect_eq "show -p LoadState of a masked unit" "$(sysd --root="$U" -p LoadState show m.service)" "LoadState=masked"
expect_eq "show -p ActiveState of a unit nothing runs" "$(sysd --root="$U" show -p ActiveState,CanReload a.service | tr '\n' ' ')" \
	"ActiveState=inactive CanReload=no "
sysd --root="$U" list-unit-files --no-legend >"$T/out"
check "list-unit-files: each file with its state" sh -c "
	grep -q '^a.service  *enabled  *enabled\$' '$T/out' && grep -q '^d.service  *disabled  *enabled\$' '$T/out' &&
	grep -q '^m.service  *masked  *-\$' '$T/out'"
# the runtime commands, with no pid 1: no-ops, as in a chroot
sysd --root="$U" start a.service 2>"$T/err"; rc=$?
expect_eq "start with no pouch-init: 0 and systemd's chroot message" "$rc $(cat "$T/err")" \
	"0 Running in chroot, ignoring command 'start'"
POUCH_CONTROL_SOCKET=$T/no.sock sysd restart whatever 2>"$T/err"; rc=$?
expect_eq "restart, no control socket: the same" "$rc $(cat "$T/err")" \
	"0 Running in chroot, ignoring command 'restart'"
POUCH_CONTROL_SOCKET=$T/no.sock sysd daemon-reload 2>/dev/null
expect_eq "daemon-reload, no pid 1: 0" "$?" 0
out=$(sysd --root="$U" is-active a.service); rc=$?
expect_eq "is-active with nothing running: inactive, 3" "$out $rc" "inactive 3"
sysd --root="$U" status a.service >"$T/out"; rc=$?
check "status with nothing running: 3, Loaded: and Active: as systemd's" sh -c "[ $rc = 3 ] &&
	grep -q '^     Loaded: loaded (/usr/lib/systemd/system/a.service; enabled; preset: enabled)\$' '$T/out' &&
	grep -q '^     Active: inactive (dead)\$' '$T/out'"
sysd --root="$U" status nosuch.service >/dev/null 2>"$T/err"; rc=$?
expect_eq "status of no such unit: 4" "$rc $(cat "$T/err")" "4 Unit nosuch.service could not be found."
out=$(POUCH_CONTROL_SOCKET=$T/no.sock "$POUCH_INIT" service a start 2>&1); rc=$?
expect_eq "service NAME start with no pid 1: the same no-op" "$rc $out" "0 Running in chroot, ignoring command 'start'"
ln -s "$POUCH_INIT" "$T/systemctl"
expect_eq "as systemctl by its name: --version is systemd 252's first word" \
	"$("$T/systemctl" --version | head -n 1 | sed -n 's/^systemd \([0-9]*\) (.*/\1/p')" 252

# ---- with pouch-init as pid 1, the tree's units as its services
sock=$T/state/units.sock
printf '[init]\nunits = enabled\ncontrol_socket = %s\n' "$sock" >"$U/etc/pouch/init.ini"
unshare --pid --fork --mount --mount-proc --kill-child sh -c '
	r=$1; shift
	# (tmpfiles.d: the tree'"'"'s, which it has not; /run: the tree'"'"'s)
	for d in /etc/systemd/system /usr/lib/systemd/system /run/systemd /etc/init.d /usr/lib/tmpfiles.d /etc/tmpfiles.d; do
		[ -d "$d" ] && mount --bind "$r$d" "$d"
	done
	exec "$@"' sh "$U" "$POUCH_INIT" -c "$U/etc/pouch" 2>"$T/pid1.err" &
NS_BG=$!
wait_for 10 test -S "$sock"
NS_PID1=$(pgrep -P "$NS_BG" | head -n 1)
export POUCH_CONTROL_SOCKET=$sock
inside() { nsenter -t "$NS_PID1" -m -- "$POUCH_INIT" systemctl "$@"; }
wait_for 10 sh -c "nsenter -t $NS_PID1 -m -- $POUCH_INIT systemctl is-active -q a b c svcd"
out=$(inside is-active a.service b alpha.service svcd); rc=$?
expect_eq "pid 1 runs the enabled units: is-active (also by alias) active, 0" "$(echo $out) $rc" \
	"active active active active 0"
wait_for 5 sh -c "[ \"\$(nsenter -t $NS_PID1 -m -- $POUCH_INIT systemctl is-active c)\" = active ]"
expect_eq "a oneshot with RemainAfterExit=yes stays active" "$(inside is-active c)" active
out=$(inside is-active d.service); rc=$?
expect_eq "a unit no target wants does not run: inactive, 3" "$out $rc" "inactive 3"
out=$(inside is-active nosuch.service); rc=$?
expect_eq "is-active of no such unit: inactive, 3" "$out $rc" "inactive 3"
inside status a.service >"$T/out"; rc=$?
check "status of a running unit: 0, active (running), its Main PID" sh -c "[ $rc = 0 ] &&
	grep -q '^$dot a.service - Service A\$' '$T/out' &&
	grep -q '^     Active: active (running) since .* ago\$' '$T/out' &&
	grep -q '^   Main PID: [0-9]* (sleep)\$' '$T/out'"
inside status nosuch >/dev/null 2>&1
expect_eq "status of no such unit: 4" "$?" 4
pid=$(inside show -p MainPID --value a)
inside stop a.service
expect_eq "stop: 0 once stopped" "$?" 0
out=$(inside is-active a); rc=$?
expect_eq "... is-active: inactive, 3" "$out $rc" "inactive 3"
check "... its process is gone" sh -c "! nsenter -t $NS_PID1 -p -m kill -0 $pid 2>/dev/null"
inside start a
expect_eq "start: 0 once running" "$?" 0
expect_eq "... active" "$(inside is-active a)" active
pid=$(inside show -p MainPID --value a)
inside restart a
expect_eq "restart: 0" "$?" 0
check "... a new main process" sh -c "p=\$(nsenter -t $NS_PID1 -m -- $POUCH_INIT systemctl show -p MainPID --value a); [ \"\$p\" != $pid ] && [ \"\$p\" -gt 0 ]"
expect_eq "show -p ActiveState,SubState" "$(inside show -p ActiveState -p SubState a | tr '\n' ' ')" \
	"ActiveState=active SubState=running "
inside try-restart d
expect_eq "try-restart of what does not run: 0, nothing started" "$? $(inside is-active d)" "0 inactive"
inside kill -s KILL b.service
wait_for 5 sh -c "nsenter -t $NS_PID1 -m -- $POUCH_INIT systemctl is-failed -q b"
expect_eq "kill -s KILL: the unit (Restart=no) is failed" "$(inside is-failed b)" failed
inside list-units --no-legend >"$T/out"
check "list-units: running units and services.d's" sh -c "
	grep -q '^  a.service  *loaded  *active  *running  *Service A\$' '$T/out' &&
	grep -q '^  svcd.service  *loaded  *active  *running' '$T/out' &&
	grep -q '^$dot b.service  *loaded  *failed  *failed' '$T/out'"
inside start m.service 2>"$T/err"; rc=$?
expect_eq "start of a masked unit: 1, said" "$rc $(cat "$T/err")" "1 Failed to start m.service: Unit m.service is masked."
inside start nosuch.service 2>/dev/null
expect_eq "start of no such unit: 5" "$?" 5
inside reload a.service 2>"$T/err"
expect_eq "reload of a unit with no ExecReload=: 1" "$?" 1
inside enable --now d.service 2>/dev/null
expect_eq "enable --now of a new unit: 0" "$?" 0
expect_eq "... it runs" "$(inside is-active d)" active
nsenter -t "$NS_PID1" -m -- "$POUCH_INIT" service svcd stop
expect_eq "service NAME stop: a services.d entry as a unit" "$(inside is-active svcd)" inactive
nsenter -t "$NS_PID1" -m -- "$POUCH_INIT" service svcd start
expect_eq "service NAME start" "$(inside is-active svcd)" active
inside start multi-user.target
expect_eq "start of a target: 0 (targets count as reached)" "$?" 0
expect_eq "is-system-running" "$(inside is-system-running)" running
kill -TERM "$NS_PID1"
ns_wait
expect_eq "SIGTERM to pid 1 stops it: 0 with no CMD" "$NS_RC" 0
unset POUCH_CONTROL_SOCKET

# ---- tmpfiles.d: made as root, never through a symlink someone else planted
V=$T/tmpf
mkdir -p "$V/etc/tmpfiles.d" "$V/usr/lib/tmpfiles.d" "$V/run" "$V/srv"
chmod 1777 "$V/run" # writable by anyone, as /tmp is
cp /etc/passwd /etc/group "$V/etc/"
setpriv --reuid nobody --regid nogroup --clear-groups ln -s /etc "$V/run/app"
ln -s /srv "$V/run/link" # root's own
cat >"$V/usr/lib/tmpfiles.d/app.conf" <<'EOF2'
d /run/app/planted 0755 root root -
d /run/ok 0750 nobody nogroup -
f /run/ok/file 0640 nobody nogroup - hello\n
d /run/link/through 0700
L /run/ok/l - - - - /srv
EOF2
printf 'd /run/vendor-hidden\n' >"$V/usr/lib/tmpfiles.d/hide.conf"
printf 'd /run/admin\n' >"$V/etc/tmpfiles.d/hide.conf"
"$POUCH_INIT" tmpfiles --root "$V" 2>"$T/err"; rc=$?
check "tmpfiles: a line that would go through nobody's symlink fails, said, exit 1" sh -c "[ $rc = 1 ] &&
	grep -q 'app.conf:1: d /run/app/planted: unable to create the directory: Operation not permitted' '$T/err'"
check "... nothing was made where the symlink leads" test ! -e "$V/etc/planted"
check "tmpfiles: d with owner and mode" sh -c "[ \"\$(stat -c '%U %a' '$V/run/ok')\" = 'nobody 750' ]"
check "tmpfiles: f with its owner, mode and argument" sh -c "
	[ \"\$(stat -c '%U %a' '$V/run/ok/file')\" = 'nobody 640' ] && [ \"\$(cat '$V/run/ok/file')\" = hello ]"
check "tmpfiles: a root-owned symlink is followed" test -d "$V/srv/through"
check "tmpfiles: L" sh -c "[ \"\$(readlink '$V/run/ok/l')\" = /srv ]"
check "tmpfiles: /etc/tmpfiles.d hides the same name in /usr/lib/tmpfiles.d" sh -c "
	[ -d '$V/run/admin' ] && [ ! -e '$V/run/vendor-hidden' ]"

# ---- pid 1 acts on more unit keys: a second tree, with /run and /var's
# directories of its own (so that what units make stays in the test)
W=$T/u2
mkdir -p "$W/etc/systemd/system/multi-user.target.wants" "$W/usr/lib/systemd/system" \
	"$W/run/systemd" "$W/var/lib" "$W/var/cache" "$W/var/log" "$W/etc/pouch" "$W/etc/init.d" \
	"$W/etc/rc2.d" "$W/usr/lib/tmpfiles.d" "$W/etc/tmpfiles.d"
wunit() {
	cat >"$W/usr/lib/systemd/system/$1"
	ln -s "/usr/lib/systemd/system/$1" "$W/etc/systemd/system/multi-user.target.wants/$1"
}
wsock=$T/state/units2.sock
printf '[init]\nunits = enabled\ncontrol_socket = %s\n' "$wsock" >"$W/etc/pouch/init.ini"
# wstart: pid 1 in a mount namespace where the unit directories, init.d,
# /run and /var/{lib,cache,log} are the tree's
wstart() {
	rm -f "$wsock"
	unshare --pid --fork --mount --mount-proc --kill-child sh -c '
		r=$1; shift
		for d in /etc/systemd/system /usr/lib/systemd/system /etc/init.d /etc/rc2.d /usr/lib/tmpfiles.d /etc/tmpfiles.d /run /var/lib /var/cache /var/log; do
			[ -d "$d" ] && mount --bind "$r$d" "$d"
		done
		exec "$@"' sh "$W" ${WRAP:-} "$POUCH_INIT" -c "$W/etc/pouch" 2>"$T/pid1w.err" &
	NS_BG=$!
	wait_for 10 test -S "$wsock"
	NS_PID1=$(pgrep -P "$NS_BG" | head -n 1)
}
winside() { POUCH_CONTROL_SOCKET=$wsock nsenter -t "$NS_PID1" -m -- "$POUCH_INIT" systemctl "$@"; }
wctl() { "$POUCH_INIT" ctl --socket "$wsock" "$@"; }
wstate() { wctl status --json "$1" | sed -n 's/.*"state": "\([a-z]*\)".*/\1/p'; }
# wis NAME STATE: the unit is in that state now (for wait_for)
wis() { [ "$(wstate "$1")" = "$2" ]; }

# Condition*= and Assert*=: asked right before each start
wunit cskip.service <<'EOF2'
[Unit]
Description=Skipped
ConditionPathExists=/nonexistent/pouch-cond
[Service]
ExecStart=/bin/sleep 1010
EOF2
wunit cneeds.service <<'EOF2'
[Unit]
Requires=cskip.service
After=cskip.service
[Service]
ExecStart=/bin/sleep 1011
EOF2
wunit cok.service <<'EOF2'
[Unit]
ConditionPathIsDirectory=/
ConditionPathExists=|/nonexistent/pouch-cond
ConditionPathExists=|!/nonexistent/pouch-cond
[Service]
ExecStart=/bin/sleep 1012
EOF2
wunit cassert.service <<'EOF2'
[Unit]
AssertPathExists=/nonexistent/pouch-assert
[Service]
ExecStart=/bin/sleep 1013
EOF2
wunit cblocked.service <<'EOF2'
[Unit]
Requires=cassert.service
After=cassert.service
[Service]
ExecStart=/bin/sleep 1014
EOF2
wstart
wait_for 10 wis cblocked blocked
expect_eq "a failed condition: ctl status says skipped" "$(wstate cskip)" skipped
check "... said once, with the condition, FILE:LINE" sh -c "
	[ \$(grep -c 'service cskip: skipped' '$T/pid1w.err') = 1 ] &&
	grep -q 'service cskip: skipped: ConditionPathExists=/nonexistent/pouch-cond failed (/[a-z/]*lib/systemd/system/cskip.service:3)\$' '$T/pid1w.err'"
check "... nothing of it ran" sh -c "! pgrep -f '^/bin/sleep 1010\$' >/dev/null"
expect_eq "... what requires it runs" "$(wstate cneeds)" running
expect_eq "conditions that hold (one of the '|' ones): it runs" "$(wstate cok)" running
out=$(wctl wait-ready cskip --timeout 1s); rc=$?
expect_eq "... wait-ready NAME of a skipped unit: ready at once" "$rc $out" "0 ready"
out=$(winside is-active cskip); rc=$?
expect_eq "... systemctl is-active: inactive, 3 (as systemd)" "$out $rc" "inactive 3"
out=$(winside is-failed cskip); rc=$?
expect_eq "... is-failed: not failed" "$out $rc" "inactive 1"
winside status cskip >"$T/out"
check "... status: inactive (dead), the condition" sh -c "
	grep -q '^     Active: inactive (dead)\$' '$T/out' && grep -q '^  Condition: start condition failed\$' '$T/out'"
winside start cskip; rc=$?
expect_eq "... systemctl start: asked again, 0 (a condition is no failure)" "$rc $(wstate cskip)" "0 skipped"
check "... said again for the new start" sh -c "[ \$(grep -c 'service cskip: skipped' '$T/pid1w.err') = 2 ]"
expect_eq "a failed assert: the start fails" "$(wstate cassert)" failed
check "... said, with FILE:LINE" grep -q 'service cassert: not started: AssertPathExists=/nonexistent/pouch-assert failed (/[a-z/]*lib/systemd/system/cassert.service:2)$' "$T/pid1w.err"
expect_eq "... what requires it is blocked" "$(wstate cblocked)" blocked
out=$(winside is-failed cassert); rc=$?
expect_eq "... systemctl is-failed: failed, 0" "$out $rc" "failed 0"
out=$(wctl wait-ready --timeout 200ms 2>&1); rc=$?
check "... wait-ready (all) is not met, and names it" sh -c "[ $rc != 0 ] && echo '$out' | grep -q 'cassert (failed)'"
kill -TERM "$NS_PID1"
ns_wait
expect_eq "SIGTERM to pid 1: 0" "$NS_RC" 0

# RuntimeDirectory= and friends: made as root before each start, owned by
# User=, in the environment; RuntimeDirectory= removed at the stop
wunit wdirs.service <<'EOF2'
[Service]
User=nobody
RuntimeDirectory=wdirs wdirs/sub
RuntimeDirectoryMode=2750
StateDirectory=wdirs
StateDirectoryMode=0700
CacheDirectory=wdirs
LogsDirectory=wdirs
ExecStart=/bin/sh -c 'echo "$RUNTIME_DIRECTORY|$STATE_DIRECTORY|$CACHE_DIRECTORY|$LOGS_DIRECTORY" >/run/wdirs/env; id -u >>/run/wdirs/env; exec sleep 1020'
EOF2
wunit wkeep.service <<'EOF2'
[Service]
RuntimeDirectory=wkeep
RuntimeDirectoryPreserve=yes
ExecStart=/bin/sleep 1021
EOF2
wunit wapp.service <<'EOF2'
[Service]
User=nobody
StateDirectory=wapp wapp/cache
ExecStart=/bin/sleep 1022
EOF2
mkdir -m 700 "$T/victim"
wstart
wait_for 10 sh -c "[ -s '$W/run/wdirs/env' ] && [ \$(wc -l <'$W/run/wdirs/env') = 2 ]"
expect_eq "the directories are in the environment, and the service runs as User=" \
	"$(cat "$W/run/wdirs/env" | tr '\n' ' ')" \
	"/run/wdirs:/run/wdirs/sub|/var/lib/wdirs|/var/cache/wdirs|/var/log/wdirs 65534 "
check "RuntimeDirectory= (setgid mode), StateDirectory=, CacheDirectory=, LogsDirectory=: owner and mode" sh -c "
	[ \"\$(stat -c '%U %a' '$W/run/wdirs' '$W/run/wdirs/sub' '$W/var/lib/wdirs' '$W/var/cache/wdirs' '$W/var/log/wdirs' | tr '\n' ' ')\" = \
	  'nobody 2750 nobody 2750 nobody 700 nobody 755 nobody 755 ' ]"
expect_eq "... the unit runs" "$(wstate wdirs)" running
winside stop wdirs wkeep
check "a stop removes RuntimeDirectory=, keeps StateDirectory= and friends" sh -c "
	[ ! -e '$W/run/wdirs' ] && [ -d '$W/var/lib/wdirs' ] && [ -d '$W/var/cache/wdirs' ] && [ -d '$W/var/log/wdirs' ]"
check "... RuntimeDirectoryPreserve=yes keeps it" test -d "$W/run/wkeep"
winside start wdirs
wait_for 10 test -s "$W/run/wdirs/env"
check "... and a new start makes it again" sh -c "[ \"\$(stat -c '%U %a' '$W/run/wdirs')\" = 'nobody 2750' ]"
# the service's user plants a symlink where its next start makes a directory
expect_eq "a unit with User=nobody and StateDirectory=wapp wapp/cache runs" "$(wstate wapp)" running
winside stop wapp
setpriv --reuid nobody --regid nogroup --clear-groups sh -c "
	rm -r '$W/var/lib/wapp/cache' && ln -s '$T/victim' '$W/var/lib/wapp/cache'"
check "... (nobody replaced its cache directory with a symlink)" test -L "$W/var/lib/wapp/cache"
winside start wapp 2>/dev/null; rc=$?
expect_eq "... its next start fails" "$rc $(wstate wapp)" "1 failed"
check "... said: the symlink is not followed" grep -q \
	"service wapp: unable to start: unable to make /var/lib/wapp/cache: a symlink on the way is not root's" "$T/pid1w.err"
check "... where it leads is untouched (root's, 0700)" sh -c "[ \"\$(stat -c '%U %a' '$T/victim')\" = 'root 700' ]"
rm "$W/var/lib/wapp/cache"
winside start wapp; rc=$?
expect_eq "... with the symlink gone, it starts again" "$rc $(wstate wapp)" "0 running"
kill -TERM "$NS_PID1"
ns_wait
expect_eq "SIGTERM to pid 1: 0" "$NS_RC" 0
check "... the stop removed the runtime directories" test ! -e "$W/run/wdirs"

# ExecStart=: $VAR / ${VAR} with the service's environment, the prefixes
wunit wexp.service <<'EOF2'
[Service]
Environment="GREETING=hello world" WORD=one EMPTY=
ExecStart=/bin/sh -c 'printf "%%s|" "$@" >/run/wexp; exec sleep 1030' sh $GREETING ${WORD} ${UNSET} $UNSET $EMPTY ${EMPTY} end
EOF2
wunit wnoexp.service <<'EOF2'
[Service]
Environment=WORD=one
ExecStart=:/bin/sh -c 'printf "%%s|" "$@" >/run/wnoexp; exec sleep 1031' sh $WORD ${WORD}
EOF2
wunit wargv0.service <<'EOF2'
[Service]
ExecStart=@/bin/sleep pouch-renamed 1032
EOF2
wunit wbang.service <<'EOF2'
[Service]
User=nobody
ExecStart=!/bin/sh -c 'id -u >/run/wbang; exec sleep 1033'
EOF2
wunit wdash.service <<'EOF2'
[Service]
Restart=on-failure
ExecStart=-/bin/sh -c 'exit 3'
EOF2
wstart
wait_for 10 sh -c "[ -s '$W/run/wexp' ] && [ -s '$W/run/wnoexp' ] && [ -s '$W/run/wbang' ]"
expect_eq "ExecStart=: \$VAR splits, \${VAR} is one word, unset or empty \$VAR none" \
	"$(cat "$W/run/wexp")" "hello|world|one|||end|"
expect_eq "ExecStart=:... expands nothing" "$(cat "$W/run/wnoexp")" '$WORD|${WORD}|'
check "ExecStart=@: the program gets the given argv[0]" wait_for 5 sh -c "pgrep -f '^pouch-renamed 1032\$' >/dev/null"
expect_eq "ExecStart=!: User= not applied (root)" "$(cat "$W/run/wbang")" 0
wait_for 5 wis wdash stopped
expect_eq "ExecStart=-: its exit 3 counts as a success (stopped, not failed or restarted)" \
	"$(wstate wdash) $(wctl status --json wdash | sed -n 's/.*"restarts": \([0-9]*\).*/\1/p')" "stopped 0"
kill -TERM "$NS_PID1"
ns_wait
expect_eq "SIGTERM to pid 1: 0" "$NS_RC" 0

# ---- a unit's commands beside its main process: ExecCondition=,
# ExecStartPre=, ExecStartPost=, ExecReload=, ExecStop=, ExecStopPost=,
# a oneshot's several ExecStart=, RemainAfterExit=, SuccessExitStatus=,
# Restart=on-abnormal
rm -f "$W"/etc/systemd/system/multi-user.target.wants/*
wunit xseq.service <<'EOF2'
[Service]
RuntimeDirectory=xseq
RuntimeDirectoryPreserve=yes
ExecStartPre=/bin/sh -c 'echo pre $RUNTIME_DIRECTORY >>/run/xlog'
ExecStartPre=-/bin/false
ExecStart=/bin/sh -c 'echo main $$$$ >>/run/xlog; trap "echo hup >>/run/xlog" HUP; trap "echo term >>/run/xlog; exit 0" TERM; while :; do sleep 0.1; done'
ExecStartPost=/bin/sh -c 'sleep 0.3; echo post $MAINPID >>/run/xlog'
ExecReload=/bin/kill -HUP $MAINPID
ExecReload=/bin/sh -c 'echo reload2 >>/run/xlog'
ExecStop=/bin/sh -c 'echo stop $MAINPID >>/run/xlog'
ExecStopPost=/bin/sh -c 'echo stoppost >>/run/xlog'
EOF2
wunit xafter.service <<'EOF2'
[Unit]
After=xseq.service
[Service]
ExecStart=/bin/sh -c 'cut -d" " -f1 /run/xlog | tr "\n" " " >/run/xafter; exec sleep 1040'
EOF2
wunit xfail.service <<'EOF2'
[Service]
ExecStartPre=/bin/sh -c 'exit 3'
ExecStart=/bin/sleep 1041
ExecStopPost=/bin/sh -c 'echo stoppost >>/run/xfail'
EOF2
wunit xcond.service <<'EOF2'
[Service]
ExecCondition=/bin/sh -c 'exit 1'
ExecStart=/bin/sleep 1042
EOF2
wunit xone.service <<'EOF2'
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo 1 >>/run/xone'
ExecStart=/bin/sh -c 'echo 2 >>/run/xone'
ExecStartPost=/bin/sh -c 'echo post >>/run/xone'
ExecStop=/bin/sh -c 'echo stop >>/run/xone'
EOF2
wunit xabn.service <<'EOF2'
[Unit]
StartLimitBurst=3
[Service]
Restart=on-abnormal
RestartSec=100ms
ExecStart=/bin/sh -c 'echo run >>/run/xabn; kill -KILL $$$$'
EOF2
wunit xcode.service <<'EOF2'
[Service]
Restart=on-abnormal
ExecStart=/bin/sh -c 'echo run >>/run/xcode; exit 1'
EOF2
wunit xsucc.service <<'EOF2'
[Service]
Restart=on-failure
SuccessExitStatus=3
ExecStart=/bin/sh -c 'echo run >>/run/xsucc; exit 3'
EOF2
wunit xrd.service <<'EOF2'
[Service]
RuntimeDirectory=xrd
ExecStart=/bin/sleep 1043
ExecStopPost=/bin/sh -c 'if test -d /run/xrd; then echo there; else echo gone; fi >/run/xrd.post'
EOF2
rm -f "$W"/run/x*
# tmpfiles.d at boot, before any unit: not systemd's /run/nologin
cat >"$W/usr/lib/tmpfiles.d/xt.conf" <<'EOF2'
d /run/xtmp 0750 nobody nogroup -
f /run/xtmp/file 0640 nobody nogroup - hello
f+! /run/nologin 0644 - - - "System is booting up."
a /run/xtmp - - - - u:nobody:r
d /run/xtmp/bad 0755 pouch-no-such-user - -
EOF2
rm -f "$W/run/nologin"
wstart
wait_for 10 test -s "$W/run/xafter"
expect_eq "units: pid 1 applies tmpfiles.d at boot" \
	"$(stat -c '%U %a' "$W/run/xtmp") $(cat "$W/run/xtmp/file")" "nobody 750 hello"
check "... but not systemd's /run/nologin (no systemd-user-sessions would remove it)" test ! -e "$W/run/nologin"
check "... and it makes /run/systemd/system, which package scripts look for before they call systemctl" test -d "$W/run/systemd/system"
check "... a line that fails is said, with FILE:LINE; what is not applied is check's to say, not every boot's" sh -c "
	grep -q 'xt.conf:5: .*pouch-no-such-user' '$T/pid1w.err' && ! grep -q 'xt.conf:4' '$T/pid1w.err'"
mainpid=$(sed -n 's/^main //p' "$W/run/xlog")
expect_eq "ExecStartPre= (with \$RUNTIME_DIRECTORY; '-' lets a failure pass), ExecStart=, ExecStartPost= with \$MAINPID, in order" \
	"$(tr '\n' ' ' <"$W/run/xlog")" "pre /run/xseq main $mainpid post $mainpid "
expect_eq "... what is After= it starts once ExecStartPost= is done" "$(cat "$W/run/xafter")" "pre main post "
expect_eq "... then it is running" "$(wstate xseq)" running
winside reload xseq; rc=$?
expect_eq "systemctl reload: 0, once its ExecReload= lines are done" "$rc $(tail -n 1 "$W/run/xlog")" "0 reload2"
check "... the first sent SIGHUP to \$MAINPID" wait_for 5 grep -qx hup "$W/run/xlog"
winside stop xseq; rc=$?
expect_eq "systemctl stop: ExecStop= (with \$MAINPID), then the stop signal, then ExecStopPost=" \
	"$rc $(sed -n '/^stop/,$p' "$W/run/xlog" | tr '\n' ' ')" "0 stop $mainpid term stoppost "
wait_for 5 wis xfail failed
expect_eq "a failed ExecStartPre=: failed" "$(wstate xfail)" failed
check "... said, with the command, its status and FILE:LINE" grep -q \
	"service xfail: ExecStartPre=/bin/sh exited with status 3 (/[a-z/]*lib/systemd/system/xfail.service:2): not started\$" "$T/pid1w.err"
check "... and failed, with why" grep -q "service xfail: failed (its ExecStartPre= failed)" "$T/pid1w.err"
check "... its ExecStart= never ran" sh -c "! pgrep -f '^/bin/sleep 1041\$' >/dev/null"
check "... its ExecStopPost= did" wait_for 5 grep -qx stoppost "$W/run/xfail"
expect_eq "ExecCondition= exiting 1: skipped" "$(wstate xcond)" skipped
check "... said" grep -q "service xcond: skipped: ExecCondition=/bin/sh exited with status 1" "$T/pid1w.err"
out=$(winside is-active xone)
expect_eq "a oneshot with RemainAfterExit=: its ExecStart= lines in turn, ExecStartPost=, then active" \
	"$(tr '\n' ' ' <"$W/run/xone") $out" "1 2 post  active"
winside stop xone
expect_eq "... systemctl stop runs its ExecStop=, then it is inactive" \
	"$(tail -n 1 "$W/run/xone") $(winside is-active xone)" "stop inactive"
wait_for 10 wis xabn failed
expect_eq "Restart=on-abnormal: restarted after SIGKILL, until the start limit" "$(wc -l <"$W/run/xabn")" 3
expect_eq "... not after exit 1" "$(wstate xcode) $(wc -l <"$W/run/xcode")" "failed 1"
expect_eq "SuccessExitStatus=3: exit 3 is clean (stopped, not restarted)" "$(wstate xsucc) $(wc -l <"$W/run/xsucc")" "stopped 1"
wait_for 5 pgrep -f '^/bin/sleep 1043$' >/dev/null
winside stop xrd
expect_eq "ExecStopPost= still has the run's RuntimeDirectory=, which goes once it is done" \
	"$(cat "$W/run/xrd.post" 2>/dev/null) $(test -e "$W/run/xrd" && echo kept || echo removed)" "there removed"
# an init.d script with no pid file: active after its start (with no
# main process), stopped with its stop, reloaded with its reload
cat >"$W/etc/init.d/xsv" <<'EOF2'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          xsv
# Required-Start:    $remote_fs
# Default-Start:     2 3 4 5
# Short-Description: a test daemon
### END INIT INFO
case "$1" in
start) echo start >>/run/xsv.log
	setsid sh -c 'echo $$ >/run/xsv.daemon; exec sleep 1050' </dev/null >/dev/null 2>&1 &
	exit 0 ;;
stop) echo stop >>/run/xsv.log; kill "$(cat /run/xsv.daemon)"; exit 0 ;;
reload|force-reload) echo reload >>/run/xsv.log; exit 0 ;;
status) exit 0 ;;
*) echo "Usage: $0 {start|stop|reload|force-reload|status}"; exit 1 ;;
esac
EOF2
chmod 755 "$W/etc/init.d/xsv"
ln -s ../init.d/xsv "$W/etc/rc2.d/S01xsv"
winside start xsv; rc=$?
expect_eq "an init.d script with no pid file: systemctl start, then active" \
	"$rc $(winside is-active xsv) $(cat "$W/run/xsv.log")" "0 active start"
check "... its daemon runs" wait_for 5 pgrep -f "^sleep 1050$"
winside reload xsv; rc=$?
expect_eq "... systemctl reload runs its reload" "$rc $(tail -n 1 "$W/run/xsv.log")" "0 reload"
winside stop xsv; rc=$?
expect_eq "... systemctl stop runs its stop, then it is inactive" \
	"$rc $(tail -n 1 "$W/run/xsv.log") $(winside is-active xsv)" "0 stop inactive"
check "... its daemon is gone" wait_for 5 sh -c "! pgrep -f '^sleep 1050\$' >/dev/null"
winside start xsv
# CapabilityBoundingSet= and AmbientCapabilities=, as systemd's: from
# /proc/PID/status of each
capline() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$(pgrep -f "^/bin/sleep $1\$")/status"; }
wunit xcapb.service <<'EOF2'
[Service]
CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE
ExecStart=/bin/sleep 1060
EOF2
wunit xcapnone.service <<'EOF2'
[Service]
CapabilityBoundingSet=
ExecStart=/bin/sleep 1061
EOF2
wunit xcapamb.service <<'EOF2'
[Service]
User=nobody
AmbientCapabilities=CAP_NET_BIND_SERVICE
ExecStart=/bin/sleep 1062
EOF2
wunit xcapplus.service <<'EOF2'
[Service]
CapabilityBoundingSet=CAP_CHOWN
ExecStart=+/bin/sleep 1063
EOF2
winside daemon-reload
winside start xcapb xcapnone xcapamb xcapplus
wait_for 5 pgrep -f '^/bin/sleep 1063$'
expect_eq "CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE: the bounding and effective sets are those two" \
	"$(capline 1060 CapBnd) $(capline 1060 CapEff) $(capline 1060 CapPrm)" \
	"0000000000000401 0000000000000401 0000000000000401"
expect_eq "CapabilityBoundingSet= empty: none at all" \
	"$(capline 1061 CapBnd) $(capline 1061 CapEff)" "0000000000000000 0000000000000000"
expect_eq "User=nobody, AmbientCapabilities=CAP_NET_BIND_SERVICE: it has that one, ambient and effective" \
	"$(capline 1062 CapAmb) $(capline 1062 CapEff) $(capline 1062 CapPrm)" \
	"0000000000000400 0000000000000400 0000000000000400"
expect_eq "ExecStart=+: the bounding set is not applied" \
	"$(capline 1063 CapBnd)" "$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)"
winside stop xcapb xcapnone xcapamb xcapplus
# the container's stop: ExecStop= and ExecStopPost= run in it too
winside start xseq
wait_for 10 wis xseq running
: >"$W/run/xlog.before" && cp "$W/run/xlog" "$W/run/xlog.before"
kill -TERM "$NS_PID1"
ns_wait
expect_eq "SIGTERM to pid 1: 0" "$NS_RC" 0
mainpid=$(sed -n 's/^main //p' "$W/run/xlog" | tail -n 1)
expect_eq "... its ExecStop=, the stop signal and ExecStopPost= ran in the container's stop" \
	"$(tail -n 3 "$W/run/xlog" | tr '\n' ' ')" "stop $mainpid term stoppost "
expect_eq "... the init.d script's stop too" "$(tail -n 1 "$W/run/xsv.log")" stop
rm -f "$W/etc/rc2.d/S01xsv"

# Limit*= above the container's hard limit, with no CAP_SYS_RESOURCE to
# raise it: lowered to it and said, as systemd does (the start failed)
rm -f "$W"/etc/systemd/system/multi-user.target.wants/*
hard=$(sh -c 'ulimit -Hn')
wunit xlim.service <<EOF2
[Service]
LimitNOFILE=$((hard + 1000))
ExecStart=/bin/sh -c 'ulimit -Hn >/run/xlim; exec sleep 1070'
EOF2
rm -f "$W/run/xlim"
WRAP="setpriv --bounding-set -sys_resource" wstart
wait_for 10 test -s "$W/run/xlim"
expect_eq "LimitNOFILE= above the hard limit, no CAP_SYS_RESOURCE: it runs with the hard limit" \
	"$(cat "$W/run/xlim" 2>/dev/null) $(wstate xlim)" "$hard running"
check "... said, with the unit's name and both numbers" grep -q \
	"service xlim: LimitNOFILE=$((hard + 1000)) is above the container's hard limit: $hard instead" "$T/pid1w.err"
kill -TERM "$NS_PID1"
ns_wait
expect_eq "SIGTERM to pid 1: 0" "$NS_RC" 0

# EnvironmentFile= (systemd's syntax; '-': may be missing; it wins over
# Environment=), UnsetEnvironment=, WorkingDirectory=~ and -PATH, Nice=,
# OOMScoreAdjust=, IgnoreSIGPIPE= (yes by default)
rm -f "$W"/etc/systemd/system/multi-user.target.wants/*
wunit zenv.service <<'EOF2'
[Service]
Environment=A=from-unit B=b GONE=x
EnvironmentFile=-/nonexistent/pouch-env
EnvironmentFile=/run/zenv.conf
UnsetEnvironment=GONE
WorkingDirectory=~
Nice=5
OOMScoreAdjust=300
ExecStart=/bin/sh -c 'echo "$A|$B|$C|$${GONE-unset}|$(pwd)|$0" >/run/zenv.out; exec sleep 1090' $OPTS
EOF2
wunit zdir.service <<'EOF2'
[Service]
WorkingDirectory=-/nonexistent/pouch-dir
IgnoreSIGPIPE=no
ExecStart=/bin/sleep 1091
EOF2
printf '# a comment
A="from file"
C=c1 ; trailing
OPTS=--x
' >"$W/run/zenv.conf"
# a file the service's own user may change is read for its commands that
# run as that user, not for those that run as root (`!`): an LD_PRELOAD
# from it would be root's; anyone else able to change it refuses the start
wunit zuser.service <<'EOF2'
[Service]
User=nobody
RuntimeDirectory=zuser
RuntimeDirectoryPreserve=yes
EnvironmentFile=-/run/zuser/env
ExecStartPre=/bin/sh -c 'echo X=from-nobody >/run/zuser/env'
ExecStart=/bin/sh -c 'echo "$${X-unset}" >/run/zuser/out; exec sleep 1092'
ExecStartPost=!/bin/sh -c 'echo "$${X-unset}" >/run/zuser/root'
EOF2
wunit zother.service <<'EOF2'
[Service]
User=nobody
EnvironmentFile=/run/zother/env
ExecStart=/bin/sleep 1093
EOF2
mkdir -p "$W/run/zother" && echo X=1 >"$W/run/zother/env" && chown -R daemon "$W/run/zother"
rm -f "$W/run/zenv.out"
wstart
wait_for 10 test -s "$W/run/zenv.out"
expect_eq "EnvironmentFile= wins over Environment= and feeds \$VAR, a missing '-' one is no error, UnsetEnvironment= removes, WorkingDirectory=~ is root's home" \
	"$(cat "$W/run/zenv.out")" "from file|b|c1 ; trailing|unset|/root|--x"
zpid=$(pgrep -f '^sleep 1090$')
expect_eq "Nice=5, OOMScoreAdjust=300" "$(ps -o ni= -p "$zpid" | tr -d ' ') $(cat /proc/$zpid/oom_score_adj)" "5 300"
sigign() { printf '%d' "$(( 0x$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$1/status) >> 12 & 1 ))"; }
expect_eq "IgnoreSIGPIPE=: a unit starts with SIGPIPE ignored (systemd's default), not with IgnoreSIGPIPE=no" \
	"$(sigign "$zpid") $(sigign "$(pgrep -f '^/bin/sleep 1091$')")" "1 0"
expect_eq "WorkingDirectory=-/missing: it runs" "$(wstate zdir)" running
wait_for 5 test -s "$W/run/zuser/root"
expect_eq "an EnvironmentFile= its User= may change: read for its commands as that user, not for a '!' one (root)" \
	"$(cat "$W/run/zuser/out") $(cat "$W/run/zuser/root")" "from-nobody unset"
check "... said once" sh -c "[ \$(grep -c 'service zuser: EnvironmentFile=/run/zuser/env: its user may change it: not read for its commands that run as root' '$T/pid1w.err') = 1 ]"
expect_eq "an EnvironmentFile= another user (daemon) may change: the start fails" "$(wstate zother)" failed
check "... said, with why" grep -q "service zother: EnvironmentFile=/run/zother/env refused: /run/zother.*owned by uid 1" "$T/pid1w.err"
kill -TERM "$NS_PID1"
ns_wait
expect_eq "SIGTERM to pid 1: 0" "$NS_RC" 0

# BindsTo=, PartOf=, Conflicts= with real processes
rm -f "$W"/etc/systemd/system/multi-user.target.wants/*
wunit ybase.service <<'EOF2'
[Service]
ExecStart=/bin/sleep 1080
EOF2
wunit ybound.service <<'EOF2'
[Unit]
BindsTo=ybase.service
After=ybase.service
[Service]
ExecStart=/bin/sleep 1081
EOF2
wunit ypart.service <<'EOF2'
[Unit]
PartOf=ybase.service
[Service]
ExecStart=/bin/sleep 1082
EOF2
cat >"$W/usr/lib/systemd/system/yconf.service" <<'EOF2'
[Unit]
Conflicts=ybase.service
[Service]
ExecStart=/bin/sleep 1083
EOF2
wstart
wait_for 10 wis ypart running
p0=$(pgrep -f '^/bin/sleep 1082$')
winside restart ybase
wait_for 5 sh -c "p=\$(pgrep -f '^/bin/sleep 1082\$'); [ -n \"\$p\" ] && [ \"\$p\" != $p0 ]"
check "PartOf=: a restart of what it is part of restarts it" sh -c "[ \"\$(pgrep -f '^/bin/sleep 1082\$')\" != '$p0' ]"
winside start yconf
expect_eq "Conflicts=: starting it stops the other, and BindsTo= stops what is bound to that" \
	"$(wstate yconf) $(wstate ybase) $(wstate ybound)" "running stopped stopped"
check "... each said" sh -c "grep -q 'service ybase: stopped: yconf conflicts with it' '$T/pid1w.err' &&
	grep -q 'service ybound: stopped: it is bound to ybase, which is down' '$T/pid1w.err'"
winside start ybound
expect_eq "systemctl start of the bound one starts what it is bound to (and stops the conflicting one)" \
	"$(wstate ybound) $(wstate ybase) $(wstate yconf)" "running running stopped"
# daemon-reload: a changed definition applies at the next start only
p0=$(pgrep -f '^/bin/sleep 1080$')
sed -i 's|sleep 1080|sleep 1084|' "$W/usr/lib/systemd/system/ybase.service"
winside daemon-reload; rc=$?
expect_eq "systemctl daemon-reload: 0, the changed unit is not restarted" \
	"$rc $(pgrep -f '^/bin/sleep 1080$') $(wstate ybase)" "0 $p0 running"
winside restart ybase
check "... its restart runs the new definition" wait_for 5 pgrep -f '^/bin/sleep 1084$'

kill -TERM "$NS_PID1"
ns_wait
expect_eq "SIGTERM to pid 1: 0" "$NS_RC" 0

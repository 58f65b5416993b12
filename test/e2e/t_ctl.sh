# pouch-init ctl: every command and exit status, reload, health checks,
# and clients that misbehave while pid 1 goes on supervising.
T=$T_TMP

ctl_conf() {
	conf_new
	SOCK=$C/ctl.sock
	printf '[init]\ncontrol_socket = %s\nreload_signal = USR2\n' "$SOCK" >"$C/init.ini"
}
ctl() { "$POUCH_INIT" ctl --socket "$SOCK" "$@"; }

ctl_conf
svc web <<EOF2
[service]
exec = $PT sigecho $T/web.sigs
EOF2
svc db <<EOF2
[service]
exec = sleep 1000
EOF2
svc flaky <<EOF2
[service]
exec = sleep 1000
health = exec:test -e $T/healthy
health_interval = 100ms
health_retries = 2
restart_delay = 50ms
EOF2
touch "$T/healthy"
ns_start -c "$C" -- "$PT" sleep 0
wait_for 5 test -S "$SOCK"
ctl wait-ready --timeout 5s >/dev/null
expect_eq "wait-ready (all services and CMD): 0" "$?" 0
check "the socket is mode 0600" sh -c "[ \$(stat -c %a '$SOCK') = 600 ]"
ctl status >"$T/out"
expect_eq "status: exit 0" "$?" 0
check "status: a table with every service and CMD" sh -c "grep -q '^web  *running' '$T/out' && grep -q '^db  *running' '$T/out' && grep -q '^cmd  *running' '$T/out'"
ctl status --json db >"$T/out"
check "status --json NAME: the documented fields" grep -q '{"services": \[{"name": "db", "state": "running", "pid": [0-9]*, "restarts": 0, "last_exit": null, "ready": true, "health": "none"' "$T/out"
wait_for 3 sh -c "$POUCH_INIT ctl --socket $SOCK status --json flaky | grep -q '\"health\": \"healthy\"'"
expect_eq "status: health of a checked service" "$?" 0
ctl status nosuch 2>/dev/null
expect_eq "status of an unknown service: 3" "$?" 3
ctl signal web USR1
expect_eq "signal NAME SIG: 0" "$?" 0
wait_for 2 grep -qx 10 "$T/web.sigs"
expect_eq "... the service got it" "$?" 0
ctl stop db
expect_eq "stop: 0" "$?" 0
wait_for 5 sh -c "$POUCH_INIT ctl --socket $SOCK status db | grep -q '^db  *stopped'"
expect_eq "... db is stopped" "$?" 0
ctl signal db HUP 2>/dev/null
expect_eq "signal to a stopped service: 4" "$?" 4
ctl wait-ready db --timeout 200ms 2>/dev/null
expect_eq "wait-ready on a stopped service times out: 5" "$?" 5
ctl start db
wait_for 5 sh -c "$POUCH_INIT ctl --socket $SOCK status db | grep -q '^db  *running'"
expect_eq "start: db runs again" "$?" 0
p1=$(ctl status --json db | sed 's/.*"pid": \([0-9]*\).*/\1/')
ctl restart db
wait_for 5 sh -c "$POUCH_INIT ctl --socket $SOCK status --json db | grep -q '\"state\": \"running\", \"pid\": [0-9]' && ! $POUCH_INIT ctl --socket $SOCK status --json db | grep -q '\"pid\": $p1,'"
expect_eq "restart: a new process" "$?" 0
ctl frobnicate 2>/dev/null
expect_eq "unknown command: 2" "$?" 2
ctl signal web NOSIG 2>/dev/null
expect_eq "bad signal: 2" "$?" 2
"$POUCH_INIT" ctl --socket "$T/nowhere.sock" status 2>/dev/null
expect_eq "no server: 69" "$?" 69

# health: failing checks restart the service
rm -f "$T/healthy"
wait_for 5 sh -c "$POUCH_INIT ctl --socket $SOCK status --json flaky | grep -q '\"restarts\": [1-9]'"
expect_eq "health: retries failed checks, then restarts the service" "$?" 0

# a health check that overruns its interval is killed and counts as failed
svc slowcheck <<EOF2
[service]
exec = sleep 1000
health = exec:sleep 1234
health_interval = 150ms
health_retries = 2
restart_delay = 50ms
EOF2
ctl reload >/dev/null
wait_for 5 sh -c "$POUCH_INIT ctl --socket $SOCK status --json slowcheck | grep -q '\"restarts\": [1-9]'"
expect_eq "health: an overrunning check is killed, fails, and the service restarts" "$?" 0
check "... the overrunning checks are gone" sh -c "[ \$(pgrep -fc '^sleep 1234') -le 1 ]"
ctl stop slowcheck >/dev/null

# misbehaving clients, meanwhile pid 1 keeps answering
i=0; pids=
: >"$T/many"
while [ $i -lt 200 ]; do
	(ctl status db >/dev/null 2>&1; echo $? >>"$T/many") &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
expect_eq "200 clients at once: every one answered (or told to retry)" \
	"$(grep -cvE '^(0|75)$' "$T/many")" 0
ctl status db >/dev/null
expect_eq "after 200 clients at once, pid 1 still answers" "$?" 0
"$PT" ctlabuse "$SOCK" >"$T/abuse"
expect_eq "silent, garbage and never-reading clients do not stop pid 1" "$?" 0
ctl status db >/dev/null
expect_eq "... and it still answers" "$?" 0
chmod 666 "$SOCK"; chmod 755 "$C"
setpriv --reuid=65534 --regid=65534 --clear-groups "$POUCH_INIT" ctl --socket "$SOCK" status 2>"$T/err"
rc=$?
[ "$rc" = 77 ] || { cat "$T/err"; ls -ld "$T_TMP" "$C" "$SOCK"; }
expect_eq "a non-root client is refused: 77" "$rc" 77
chmod 600 "$SOCK"

# reload: add, remove, change, keep; a broken configuration changes nothing
svc added <<EOF2
[service]
exec = sleep 1001
EOF2
rm "$C/services.d/web.ini"
printf '[service]\nexec = sleep 1002\n' >"$C/services.d/db.ini"
pdb=$(ctl status --json flaky | sed 's/.*"pid": \([0-9]*\).*/\1/')
ctl reload >"$T/out"
expect_eq "reload: exit 0" "$?" 0
expect_eq "reload: what it did" "$(cat "$T/out")" "added 1, removed 1, changed 1, unchanged 2"
wait_for 5 sh -c "$POUCH_INIT ctl --socket $SOCK status added | grep -q running"
expect_eq "reload: the new service runs" "$?" 0
wait_for 8 sh -c "! $POUCH_INIT ctl --socket $SOCK status | grep -q '^web '"
expect_eq "reload: the removed one is stopped and gone (KILLed after its stop_timeout)" "$?" 0
check "reload: the changed one runs its new exec" sh -c "pgrep -f '^sleep 1002' >/dev/null"
printf '[service]\nexec = sleep 1\nbogus = 1\n' >"$C/services.d/broken.ini"
ctl reload 2>"$T/err"
expect_eq "reload of a broken configuration: 6" "$?" 6
check "... with FILE:LINE" grep -q "broken.ini:3: unknown key 'bogus'" "$T/err"
check "... and nothing changed" sh -c "$POUCH_INIT ctl --socket $SOCK status added | grep -q running"
rm "$C/services.d/broken.ini"
svc bysignal <<EOF2
[service]
exec = sleep 1003
EOF2
kill -USR2 "$NS_PID1"
wait_for 5 sh -c "$POUCH_INIT ctl --socket $SOCK status bysignal 2>/dev/null | grep -q running"
expect_eq "reload_signal = USR2 reloads services.d" "$?" 0

ctl shutdown
expect_eq "shutdown: 0" "$?" 0
ns_wait
expect_eq "... the container stops with CMD's status" "$NS_RC" 143

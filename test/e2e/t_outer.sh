# VM supervisor mode: the WITH_SYSTEMD build tells the systemd that runs
# it (here: a NOTIFY_SOCKET the test owns) READY=1 once every service is
# up, STATUS= as they change, WATCHDOG=1 pings and STOPPING=1; the static
# build does not link libsystemd and refuses `stdout = journal`.
T=$T_TMP
B=${POUCH_INIT_SYSTEMD:-}
if [ -z "$B" ] || [ ! -x "$B" ]; then
	skip "VM supervisor mode: no WITH_SYSTEMD build (make systemd-build)"
	return 0 2>/dev/null || exit 0
fi
conf_new
svc a <<EOF
[service]
exec = sh -c 'sleep 0.5; touch $T/a.ready; exec sleep 1000'
ready = file:$T/a.ready
EOF
svc b <<EOF
[service]
exec = sh -c 'env >$T/b.env; exec sleep 1000'
after = a
EOF
rm -f "$T/a.ready" "$T/msgs"
"$PT" notifyrecv "$T/notify.sock" "$T/msgs" &
rcv=$!
wait_for 5 test -S "$T/notify.sock"
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000 \
	unshare --pid --fork --mount-proc --kill-child "$B" -c "$C" -- "$PT" sleep 0 &
NS_BG=$!
wait_for 10 grep -q "READY=1" "$T/msgs"
check "READY=1 once every service is up, with the count" grep -q "^READY=1|STATUS=2 of 2 services up$" "$T/msgs"
check "... not before, and once" sh -c "[ \$(grep -c 'READY=1' '$T/msgs') = 1 ] && ! grep -q 'READY=1|STATUS=[01] of' '$T/msgs'"
check "STATUS= as services come up" grep -q "^STATUS=1 of 2 services up$" "$T/msgs"
sleep 1
check "WATCHDOG=1 every half WATCHDOG_USEC ($(grep -c '^WATCHDOG=1$' "$T/msgs") so far)" \
	test "$(grep -c '^WATCHDOG=1$' "$T/msgs")" -ge 3
check "services do not get the outer NOTIFY_SOCKET or watchdog" \
	sh -c "! grep -Eq '^(NOTIFY_SOCKET|WATCHDOG_USEC)=' '$T/b.env'"
kill -TERM "$(pgrep -P "$NS_BG" | head -n 1)"
wait "$NS_BG"
expect_eq "SIGTERM: CMD's status" "$?" 143
check "STOPPING=1 on the way out" grep -q "^STOPPING=1$" "$T/msgs"
kill "$rcv" 2>/dev/null; wait "$rcv" 2>/dev/null

# ---- stdout = journal
conf_new
printf '[service]\nexec = /bin/true\nstdout = journal\n' >"$C/services.d/j.ini"
"$B" check -c "$C" >/dev/null 2>&1
expect_eq "WITH_SYSTEMD build: stdout = journal is valid" "$?" 0
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "static build: stdout = journal is refused" "$?" 1
check "... saying it needs WITH_SYSTEMD=1" grep -q "j.ini:3: stdout = journal: journal needs pouch-init built with WITH_SYSTEMD=1" "$T/out"
# a journald of our own, in a private mount namespace (tmpfs /run and
# /var/log/journal), so that nothing reaches the machine's logs
J=/lib/systemd/systemd-journald
if [ -x "$J" ] && command -v journalctl >/dev/null; then
	printf '[service]\nexec = sh -c "echo journal-line-%s; echo journal-err-%s >&2"\nstdout = journal\nstderr = journal\nrestart = never\n' "$$" "$$" >"$C/services.d/j.ini"
	cat >"$T/journal.sh" <<EOF
mount -t tmpfs tmpfs /run
[ -d /var/log/journal ] && mount -t tmpfs tmpfs /var/log/journal
$J >"$T/journald.log" 2>&1 &
jd=\$!
i=0; while [ ! -S /run/systemd/journal/stdout ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
unshare --pid --fork --mount-proc --kill-child "$B" -c "$C" -- sh -c 'sleep 1'
sleep 0.5
journalctl -q -t j -o cat --no-pager >"$T/journal.out" 2>&1
journalctl -q -t j -p warning -o cat --no-pager >"$T/journal.err" 2>&1
kill \$jd; wait \$jd
EOF
	timeout 30 unshare --mount --propagation private sh "$T/journal.sh"
	check "stdout = journal: the service's lines are in journald as SYSLOG_IDENTIFIER=j" \
		grep -q "^journal-line-$$\$" "$T/journal.out"
	check "... stderr at priority warning" sh -c "grep -q '^journal-err-$$\$' '$T/journal.err' && ! grep -q 'journal-line' '$T/journal.err'"
else
	skip "stdout = journal reaching journald: systemd-journald is not installed"
fi
true

# The stop budget: shutdown_timeout shared between CMD, the services (in
# reverse order, each with its stop_timeout) and the poststop hooks, so
# that a CMD ignoring SIGTERM does not cost the services their clean
# stop, every SIGKILL is said, and the hooks run inside the budget.
T=$T_TMP

# a service whose TERM handler takes a moment and records that it ran
cat >"$T/clean.sh" <<EOF
trap 'sleep 0.3; echo clean >>$T/db-stop; exit 0' TERM
echo up >$T/db-up
while :; do sleep 0.05; done
EOF
cat >"$T/stubborn.sh" <<EOF
trap '' TERM
echo up >$T/stubborn-up
while :; do sleep 0.05; done
EOF

# ---- CMD ignores SIGTERM: the services still get theirs, in time
conf_new
svc db <<EOF
[service]
exec = sh $T/clean.sh
stop_timeout = 3s
EOF
printf '[init]\nshutdown_timeout = 6s\n' >"$C/init.ini"
rm -f "$T/db-up" "$T/db-stop"
ns_start -c "$C" -- sh -c "trap '' TERM; while :; do sleep 0.05; done" 2>"$T/err1"
wait_for 5 test -s "$T/db-up"
t0=$(now_ms)
kill -TERM "$NS_PID1"
ns_wait
t1=$(now_ms)
expect_eq "CMD ignoring SIGTERM: the service's TERM handler still ran" "$(cat "$T/db-stop" 2>/dev/null)" clean
check "... CMD was SIGKILLed at its share of the budget, and it is said" \
	grep -q "CMD: still running [0-9]* ms after SIGTERM (\[cmd\] stop_timeout): SIGKILL" "$T/err1"
check "... within shutdown_timeout ($((t1 - t0)) ms < 6000)" [ $((t1 - t0)) -lt 6000 ]
expect_eq "... the container's status is CMD's: SIGKILL, 137" "$NS_RC" 137

# ---- [cmd] stop_timeout is CMD's share
conf_new
svc db <<EOF
[service]
exec = sh $T/clean.sh
EOF
printf '[cmd]\nstop_timeout = 700ms\n' >"$C/init.ini"
rm -f "$T/db-up" "$T/db-stop"
ns_start -c "$C" -- sh -c "trap '' TERM; while :; do sleep 0.05; done"
wait_for 5 test -s "$T/db-up"
t0=$(now_ms)
kill -TERM "$NS_PID1"
ns_wait 2>/dev/null
t1=$(now_ms)
check "[cmd] stop_timeout = 700ms: CMD is killed then, the service stops cleanly ($((t1 - t0)) ms)" \
	sh -c "[ $((t1 - t0)) -ge 700 ] && [ $((t1 - t0)) -lt 3000 ] && grep -q clean '$T/db-stop'"

# ---- a service that ignores SIGTERM: SIGKILL at its stop_timeout, said
# with its name; the stop is not clean (status 1, not 0); POUCH_KILLED
conf_new
mkdir -p "$C/hooks/poststop.d"
printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON killed=$POUCH_KILLED" >%s/post\n' "$T" >"$C/hooks/poststop.d/10"
chmod +x "$C/hooks/poststop.d/10"
svc stubborn <<EOF
[service]
exec = sh $T/stubborn.sh
stop_timeout = 500ms
EOF
printf '[init]\ncontrol_socket = %s/ctl.sock\n' "$C" >"$C/init.ini"
rm -f "$T/stubborn-up" "$T/post"
ns_start -c "$C" 2>"$T/err3"
wait_for 5 test -s "$T/stubborn-up"
"$POUCH_INIT" ctl --socket "$C/ctl.sock" shutdown >/dev/null
ns_wait
check "a service ignoring SIGTERM: its SIGKILL is said, with its name and the wait" \
	grep -q "warning: service stubborn: still running [0-9]* ms after SIGTERM (its stop_timeout): SIGKILL" "$T/err3"
expect_eq "... the container's status says the stop was not clean (1, not 0)" "$NS_RC" 1
expect_eq "... and the poststop hooks see what was killed" "$(cat "$T/post" 2>/dev/null)" "1 shutdown killed=stubborn"

# ---- the poststop hooks get their time inside shutdown_timeout, even
# when CMD and a service use all of theirs
conf_new
mkdir -p "$C/hooks/poststop.d"
printf '#!/bin/sh\nsleep 0.5\necho ran >%s/post2\n' "$T" >"$C/hooks/poststop.d/10"
chmod +x "$C/hooks/poststop.d/10"
svc stubborn <<EOF
[service]
exec = sh $T/stubborn.sh
stop_timeout = 30s
EOF
printf '[init]\nshutdown_timeout = 4s\n' >"$C/init.ini"
rm -f "$T/stubborn-up" "$T/post2"
ns_start -c "$C" -- sh -c "trap '' TERM; while :; do sleep 0.05; done" 2>"$T/err4"
wait_for 5 test -s "$T/stubborn-up"
t0=$(now_ms)
kill -TERM "$NS_PID1"
ns_wait
t1=$(now_ms)
expect_eq "the poststop hook ran" "$(cat "$T/post2" 2>/dev/null)" ran
check "... and everything, hooks included, ended within shutdown_timeout ($((t1 - t0)) ms < 4000)" [ $((t1 - t0)) -lt 4000 ]
check "... the service's SIGKILL at the budget's end is said" \
	grep -q "service stubborn: still running [0-9]* ms after SIGTERM (the end of the stop budget): SIGKILL" "$T/err4"
"$POUCH_INIT" check -c "$C" >"$T/check" 2>&1
check "check warns that a stop_timeout does not fit in the budget" \
	grep -q "stubborn.ini: stop_timeout (30000 ms) is longer than the whole stop" "$T/check"
# a reserve that leaves nothing to stop with is an error, not a warning
conf_new
printf '[init]\nshutdown_timeout = 2s\n[hooks]\npoststop_reserve = 3s\n' >"$C/init.ini"
"$POUCH_INIT" check -c "$C" >"$T/check2" 2>&1
expect_eq "check: poststop_reserve >= shutdown_timeout fails (1)" "$?" 1
check "... saying why" grep -q "poststop_reserve (3000 ms) leaves nothing of shutdown_timeout (2000 ms)" "$T/check2"
# -t 0 (or shutdown_timeout = 0): no budget; the service gets its TERM
# and all the time it needs (its own stop_timeout = 0: no SIGKILL)
conf_new
svc db <<EOF
[service]
exec = sh $T/clean.sh
stop_timeout = 0
EOF
rm -f "$T/db-up" "$T/db-stop"
ns_start -t 0 -c "$C" -- sh -c "sleep 0.5 & wait" 2>"$T/err6"
wait_for 5 test -s "$T/db-up"
kill -TERM "$NS_PID1"
ns_wait
expect_eq "-t 0: nothing is SIGKILLed, the service stops cleanly" "$(cat "$T/db-stop" 2>/dev/null)" clean
check "... and no SIGKILL is said" sh -c "! grep -q SIGKILL '$T/err6'"
# -t is the budget, also after a reload (init.ini says 10 s)
conf_new
printf '[init]\ncontrol_socket = %s/ctl.sock\n' "$C" >"$C/init.ini"
svc db <<EOF
[service]
exec = sh $T/clean.sh
EOF
rm -f "$T/db-up"
ns_start -v -t 30s -c "$C" -- sleep 1000 2>"$T/err7"
wait_for 5 test -s "$T/db-up"
"$POUCH_INIT" ctl --socket "$C/ctl.sock" reload >/dev/null
kill -TERM "$NS_PID1"
ns_wait
check "-t 30s holds after a ctl reload (the stop has 30000 ms)" grep -q "all of it 30000 ms" "$T/err7"

# SIGTERM while a prestart hook runs: the hook is stopped too, the
# poststop hooks run, all within shutdown_timeout
conf_new
mkdir -p "$C/hooks/prestart.d" "$C/hooks/poststop.d"
printf '#!/bin/sh\ntrap "echo hook-termed >%s/pre-term; exit 1" TERM\necho up >%s/pre-up\nsleep 20 & wait\n' "$T" "$T" >"$C/hooks/prestart.d/10-migrate"
printf '#!/bin/sh\necho "$POUCH_STOP_REASON" >%s/post8\n' "$T" >"$C/hooks/poststop.d/10"
chmod +x "$C/hooks/prestart.d/10-migrate" "$C/hooks/poststop.d/10"
printf '[init]\nshutdown_timeout = 4s\n' >"$C/init.ini"
rm -f "$T/pre-up" "$T/pre-term" "$T/post8"
ns_start -c "$C" -- sleep 1000 2>/dev/null
wait_for 5 test -s "$T/pre-up"
t0=$(now_ms)
kill -TERM "$NS_PID1"
ns_wait
t1=$(now_ms)
expect_eq "SIGTERM during a prestart hook: the hook gets SIGTERM too" "$(cat "$T/pre-term" 2>/dev/null)" hook-termed
expect_eq "... the poststop hooks run" "$(cat "$T/post8" 2>/dev/null)" signal
check "... and it all ends within shutdown_timeout ($((t1 - t0)) ms < 4000)" [ $((t1 - t0)) -lt 4000 ]
expect_eq "... the status is 128+TERM" "$NS_RC" 143

# a signal during the poststop hooks skips none of them
conf_new
mkdir -p "$C/hooks/poststop.d"
printf '#!/bin/sh\necho a >%s/post9a\nsleep 1\n' "$T" >"$C/hooks/poststop.d/10-a"
printf '#!/bin/sh\necho b >%s/post9b\n' "$T" >"$C/hooks/poststop.d/20-b"
chmod +x "$C/hooks/poststop.d/10-a" "$C/hooks/poststop.d/20-b"
rm -f "$T/post9a" "$T/post9b"
ns_start -c "$C" -- sh -c 'exit 0' 2>/dev/null
wait_for 5 test -s "$T/post9a"
kill -TERM "$NS_PID1"
ns_wait
expect_eq "a SIGTERM during the poststop hooks: the later ones still run" "$(cat "$T/post9b" 2>/dev/null)" b

# -r TERM:USR1 (as TERM:QUIT for nginx; QUIT is ignored in a background job): with services too, CMD gets the rewritten signal
conf_new
svc idle <<EOF
[service]
exec = sleep 1000
EOF
ns_start -r TERM:USR1 -c "$C" -- sh -c 'trap "exit 0" USR1; trap "exit 1" TERM; while :; do sleep 0.05; done' 2>/dev/null
sleep 0.5
kill -TERM "$NS_PID1"
ns_wait
expect_eq "-r TERM:USR1 with services: CMD gets USR1 on SIGTERM (exit 0)" "$NS_RC" 0

# nothing starts again once the stop began: not from backoff
conf_new
svc crash <<EOF
[service]
exec = sh -c 'echo started >>$T/crash-starts; exit 1'
restart_delay = 1s
EOF
rm -f "$T/crash-starts"
ns_start -v -c "$C" -- sh -c "trap '' TERM; while :; do sleep 0.05; done" 2>"$T/err10"
wait_for 5 test -s "$T/crash-starts"
sleep 0.2
kill -TERM "$NS_PID1"
sleep 2
ns_kill
expect_eq "a service in backoff when the stop begins is not started again" "$(lines "$T/crash-starts")" 1

# a stopped (SIGSTOP) service still gets to handle its stop signal
conf_new
printf '[init]\ncontrol_socket = %s/ctl.sock\n' "$C" >"$C/init.ini"
svc db <<EOF
[service]
exec = sh $T/clean.sh
EOF
rm -f "$T/db-up" "$T/db-stop"
ns_start -c "$C" 2>/dev/null
wait_for 5 test -s "$T/db-up"
"$POUCH_INIT" ctl --socket "$C/ctl.sock" signal db STOP
sleep 0.2
kill -TERM "$NS_PID1"
ns_wait
expect_eq "a SIGSTOPped service is continued after its stop signal: its handler ran" "$(cat "$T/db-stop" 2>/dev/null)" clean

# every final SIGKILL is named: a kill_mode = process leftover that
# ignores SIGTERM
conf_new
printf '[init]\nshutdown_timeout = 2s\n' >"$C/init.ini"
svc lead <<EOF
[service]
exec = sh -c "sh -c 'trap \"\" TERM; exec sleep 1017' & sleep 1000"
kill_mode = process
EOF
ns_start -c "$C" 2>"$T/err11"
wait_for 5 pgrep -fx 'sleep 1017' >/dev/null
kill -TERM "$NS_PID1"
ns_wait
check "a leftover's final SIGKILL is said with its pid and name" grep -q "pid [0-9]* (sleep) still runs at the end of the stop: SIGKILL" "$T/err11"
true

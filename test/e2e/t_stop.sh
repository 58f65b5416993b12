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
true

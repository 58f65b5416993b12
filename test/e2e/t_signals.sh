# Signal forwarding: every signal 1..31 but KILL, STOP and CHLD, and every
# realtime signal, sent to pid 1 reaches CMD; -r rewrites and drops; -g
# reaches the whole group; SIGTERM escalation to SIGKILL.

f="$T_TMP/sigs"
: >"$f"
ns_start -- "$PT" sigecho "$f"
wait_for 5 grep -qx ready "$f"
missing=
for sig in $(seq 1 31) $(seq 34 64); do
	case $sig in 9|17|19) continue ;; esac
	kill -s "$sig" "$NS_PID1" 2>/dev/null || kill -"$sig" "$NS_PID1"
	wait_for 2 grep -qx "$sig" "$f" || missing="$missing $sig"
done
expect_eq "every catchable signal and RTMIN..RTMAX is forwarded" "$missing" ""
kill -0 "$NS_PID1" 2>/dev/null
expect_eq "pid 1 survives SEGV/BUS/FPE/ILL sent with kill(2)" "$?" 0
check "SIGCHLD is not forwarded" sh -c "! grep -qx 17 '$f'"
ns_kill

: >"$f"
ns_start -r USR1:USR2 -r HUP:0 -r 40:TERM -- "$PT" sigecho "$f"
wait_for 5 grep -qx ready "$f"
kill -HUP "$NS_PID1"; kill -USR1 "$NS_PID1"
wait_for 2 grep -qx 12 "$f"
expect_eq "-r USR1:USR2 rewrites" "$?" 0
kill -40 "$NS_PID1"
wait_for 2 grep -qx 15 "$f"
expect_eq "-r 40:TERM rewrites a realtime signal" "$?" 0
check "-r HUP:0 drops HUP, USR1 never arrives as itself" \
	sh -c "! grep -qxE '1|10|40' '$f'"
ns_kill

: >"$T_TMP/a"; : >"$T_TMP/b"
ns_start -g -- sh -c "'$PT' sigecho '$T_TMP/a' & exec '$PT' sigecho '$T_TMP/b'"
wait_for 5 grep -qx ready "$T_TMP/a"; wait_for 5 grep -qx ready "$T_TMP/b"
kill -USR1 "$NS_PID1"
wait_for 2 grep -qx 10 "$T_TMP/a" && wait_for 2 grep -qx 10 "$T_TMP/b"
expect_eq "-g forwards to CMD's whole process group" "$?" 0
ns_kill

: >"$T_TMP/a"; : >"$T_TMP/b"
ns_start -- sh -c "'$PT' sigecho '$T_TMP/a' & exec '$PT' sigecho '$T_TMP/b'"
wait_for 5 grep -qx ready "$T_TMP/a"; wait_for 5 grep -qx ready "$T_TMP/b"
kill -USR1 "$NS_PID1"
wait_for 2 grep -qx 10 "$T_TMP/b"
sleep 0.1
check "without -g only CMD itself gets the signal" sh -c "! grep -qx 10 '$T_TMP/a'"
ns_kill

# SIGTERM to pid 1 ends a sleeping CMD: 143
ns_start -- "$PT" sleep 0
sleep 0.1
kill -TERM "$NS_PID1"; ns_wait
expect_eq "SIGTERM to pid 1 gives 143 for a plain sleep" "$NS_RC" 143

# a CMD that ignores SIGTERM is killed after the stop timeout
ns_start -t 300ms -- "$PT" ignore-term
sleep 0.1
t0=$(now_ms); kill -TERM "$NS_PID1"; ns_wait; t1=$(now_ms)
expect_eq "CMD ignoring SIGTERM is killed after -t: 137" "$NS_RC" 137
check "... within the timeout (took $((t1 - t0)) ms)" [ $((t1 - t0)) -lt 1500 ]

# dumb-init mode forwards only, never escalates
ns_start -m dumb-init -- "$PT" ignore-term
sleep 0.1
kill -TERM "$NS_PID1"; sleep 0.5
kill -0 "$NS_PID1" 2>/dev/null
expect_eq "dumb-init mode does not kill a CMD that ignores SIGTERM" "$?" 0
ns_kill

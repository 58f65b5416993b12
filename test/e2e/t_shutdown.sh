# Shutdown with services: order (CMD, then services in reverse dependency
# order), the stop budget, exit statuses on every path, nothing left.
T=$T_TMP

stopper() { # NAME [AFTER]: a service that logs its stop
	svc "$1" <<EOF2
[service]
exec = sh -c 'trap "echo $1 >>$T/stops; exit 0" TERM; while :; do sleep 0.05; done'
${2:+after = $2}
EOF2
}

conf_new
rm -f "$T/stops"
stopper base
stopper mid base
stopper top mid
ns_start -c "$C" -- sh -c "trap 'echo cmd >>$T/stops; exit 0' TERM; while :; do sleep 0.05; done"
sleep 0.5
t0=$(now_ms); kill -TERM "$NS_PID1"; ns_wait; t1=$(now_ms)
expect_eq "SIGTERM: CMD's status (trapped, exit 0)" "$NS_RC" 0
expect_eq "stop order: CMD, then services in reverse dependency order" \
	"$(tr '\n' ' ' <"$T/stops")" "cmd top mid base "
check "... as soon as everything is dead ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 1000 ]

ns_start -c "$C" -- "$PT" sleep 0
sleep 0.3
kill -TERM "$NS_PID1"; ns_wait
expect_eq "SIGTERM with a plain sleep as CMD: 143" "$NS_RC" 143
rm -f "$T/sigs"
ns_start -c "$C" -- "$PT" sigecho "$T/sigs" 2
wait_for 5 grep -q ready "$T/sigs"
kill -INT "$NS_PID1"; ns_wait
expect_eq "SIGINT to pid 1 stops the container, CMD's status" "$NS_RC" 0
expect_eq "... CMD got SIGINT, not SIGTERM" "$(grep -v ready "$T/sigs" | tr '\n' ' ')" "2 "

# services that ignore SIGTERM: KILLed after stop_timeout; the budget
conf_new
svc stubborn <<EOF2
[service]
exec = $PT ignore-term
stop_timeout = 300ms
EOF2
ns_start -c "$C" -- "$PT" sleep 0
sleep 0.3
t0=$(now_ms); kill -TERM "$NS_PID1"; ns_wait; t1=$(now_ms)
expect_eq "a service ignoring SIGTERM does not keep the container" "$NS_RC" 143
check "... it is KILLed after its stop_timeout ($((t1 - t0)) ms)" [ $((t1 - t0)) -ge 250 -a $((t1 - t0)) -lt 1500 ]
conf_new
svc stubborn <<EOF2
[service]
exec = $PT ignore-term
stop_timeout = 20s
EOF2
printf '[init]\nshutdown_timeout = 500ms\n' >"$C/init.ini"
ns_start -c "$C" -- "$PT" ignore-term
sleep 0.3
t0=$(now_ms); kill -TERM "$NS_PID1"; ns_wait; t1=$(now_ms)
check "shutdown_timeout bounds the whole stop ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 1500 ]
expect_eq "... CMD killed by the budget: 137" "$NS_RC" 137

# no CMD: services only, stopped by a signal: 0
conf_new
stopper only
ns_start -c "$C"
sleep 0.3
kill -TERM "$NS_PID1"; ns_wait
expect_eq "no CMD, stopped by SIGTERM: 0" "$NS_RC" 0
"$POUCH_INIT" -c "$T_TMP/nowhere" 2>"$T/err"
expect_eq "no CMD and no services: 125" "$?" 125

# a signal before CMD started: 128+n
conf_new
svc never-ready <<EOF2
[service]
exec = $PT sleep 0
ready = file:$T/never
EOF2
printf '[cmd]\nafter = never-ready\n' >"$C/init.ini"
ns_start -c "$C" -- "$PT" exit 0
sleep 0.3
kill -TERM "$NS_PID1"; ns_wait
expect_eq "SIGTERM before CMD started: 143" "$NS_RC" 143

# [cmd] restart = on-failure: CMD restarted until it succeeds
conf_new
stopper helper
printf '[cmd]\nrestart = on-failure\n' >"$C/init.ini"
rm -f "$T/runs"
in_ns -c "$C" -- sh -c "echo x >>$T/runs; [ \$(wc -l <$T/runs) -ge 3 ]" 2>/dev/null
expect_eq "[cmd] restart = on-failure: the container ends with CMD's success" "$?" 0
expect_eq "... after three runs" "$(lines "$T/runs")" 3

# a service's orphans and its whole group are stopped (not pid 1 here)
conf_new
svc spawner <<EOF2
[service]
exec = sh -c 'sleep 3171 & setsid sleep 3172 & exec sleep 3173'
EOF2
"$POUCH_INIT" -c "$C" -- sh -c 'sleep 0.4' 2>/dev/null
sleep 0.2
left=$(pgrep -f 'sleep 317[123]' | wc -l)
expect_eq "subreaper: a service's group and escaped orphans are all stopped" "$left" 0
pkill -f 'sleep 317[123]' 2>/dev/null || true

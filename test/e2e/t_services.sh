# services.d: configuration errors, ordering and readiness, restarts and
# limits, per-service settings, output, shutdown.
T=$T_TMP

# ---- configuration errors
conf_new
svc bad <<EOF2
[service]
exec = /bin/true
restart = sometimes
stop_signal = NOPE
colour = blue
EOF2
svc loop1 <<EOF2
[service]
exec = /bin/true
after = loop2
EOF2
svc loop2 <<EOF2
[service]
exec = /bin/true
requires = loop1 ghost
EOF2
"$POUCH_INIT" check -c "$C" >"$T/out" 2>"$T/err"; rc=$?
expect_eq "check: a bad configuration exits 1" "$rc" 1
check "check: FILE:LINE for a bad value" grep -q "services.d/bad.ini:3: restart = sometimes: bad value" "$T/err"
check "check: FILE:LINE for a bad signal" grep -q "services.d/bad.ini:4: stop_signal = NOPE: bad signal" "$T/err"
check "check: FILE:LINE for an unknown key" grep -q "services.d/bad.ini:5: unknown key 'colour'" "$T/err"
check "check: a missing dependency" grep -q "services.d/loop2.ini:3: requires: no service 'ghost'" "$T/err"
check "check: a dependency cycle" grep -q "dependency cycle: loop1 -> loop2 -> loop1" "$T/err"
check "check: counts every error" grep -q ": 5 errors" "$T/err"
in_ns -c "$C" -- "$PT" exit 0 2>"$T/err"; rc=$?
expect_eq "pid 1 refuses a bad configuration with 125" "$rc" 125
check "... with the same FILE:LINE messages" grep -q "pouch-init: error: .*bad.ini:3: restart = sometimes" "$T/err"
conf_new
svc ok <<EOF2
[service]
exec = /bin/true
EOF2
out=$("$POUCH_INIT" check -c "$C")
expect_eq "check: a good configuration exits 0" "$?" 0
check "check: says how many services" sh -c "echo '$out' | grep -q '1 service, configuration OK'"

# ---- start, output, CMD's status
conf_new
svc hello <<EOF2
[service]
exec = sh -c 'echo hello out; echo hello err >&2; printf partial; exec sleep 100'
EOF2
in_ns -c "$C" -- sh -c 'sleep 0.5; exit 3' >"$T/out" 2>"$T/err"; rc=$?
expect_eq "CMD's exit status with services running" "$rc" 3
check "stdout lines are prefixed 'name| '" grep -qx "hello| hello out" "$T/out"
check "stderr lines go to stderr, prefixed" grep -qx "hello| hello err" "$T/err"
check "a partial line is flushed at exit" grep -qx "hello| partial" "$T/out"

# ---- whole lines are never interleaved
conf_new
for n in a b c; do
svc $n <<EOF2
[service]
exec = sh -c 'i=0; while [ \$i -lt 2000 ]; do echo "line-\$i-abcdefghijklmnopqrstuvwxyz"; i=\$((i+1)); done; sleep 100'
EOF2
done
in_ns -c "$C" -- sh -c 'sleep 1.5' >"$T/out"
expect_eq "3 x 2000 lines arrive" "$(lines "$T/out")" 6000
expect_eq "... every one whole" "$(grep -cvE '^[abc]\| line-[0-9]+-abcdefghijklmnopqrstuvwxyz$' "$T/out")" 0

# ---- ordering: after waits for readiness (file, tcp, notify, oneshot)
conf_new
rm -f "$T/order" "$T/f.ready"
svc filer <<EOF2
[service]
exec = sh -c 'sleep 0.3; echo filer >>$T/order; touch $T/f.ready; exec sleep 100'
ready = file:$T/f.ready
EOF2
svc tcp <<EOF2
[service]
exec = sh -c 'echo tcp >>$T/order; exec $PT listen 18765 300'
ready = tcp:18765
after = filer
EOF2
svc notifier <<EOF2
[service]
type = notify
exec = sh -c 'sleep 0.2; echo notifier >>$T/order; $PT notify READY=1; exec sleep 100'
after = tcp
EOF2
svc once <<EOF2
[service]
type = oneshot
exec = sh -c 'sleep 0.2; echo once >>$T/order'
after = notifier
EOF2
cat >"$C/init.ini" <<EOF2
[cmd]
after = once
EOF2
in_ns -c "$C" -- sh -c "echo cmd >>$T/order"
expect_eq "after = waits for file:, tcp:, notify and a oneshot, then CMD" \
	"$(tr '\n' ' ' <"$T/order")" "filer tcp notifier once cmd "

# ---- requires: a failed requirement blocks, after only orders
conf_new
rm -f "$T/ran"
svc broken <<EOF2
[service]
type = oneshot
exec = sh -c 'exit 1'
EOF2
svc needy <<EOF2
[service]
exec = sh -c 'echo needy >>$T/ran; exec sleep 100'
requires = broken
EOF2
svc orderly <<EOF2
[service]
exec = sh -c 'echo orderly >>$T/ran; exec sleep 100'
after = broken
EOF2
in_ns -c "$C" -- sh -c 'sleep 0.5' 2>"$T/err"
check "requires: the dependent of a failed service never starts" sh -c "! grep -q needy '$T/ran'"
check "... and is reported blocked" grep -q "service needy: blocked" "$T/err"
check "after: the dependent of a failed service starts anyway" grep -q orderly "$T/ran"

# ---- restarts: exponential backoff, start limit, stable run
conf_new
rm -f "$T/starts"
svc crash <<EOF2
[service]
exec = sh -c 'echo x >>$T/starts; exit 1'
restart_delay = 100ms
restart_delay_max = 400ms
EOF2
in_ns -c "$C" -- sh -c 'sleep 1.25' 2>/dev/null
n=$(lines "$T/starts")
check "backoff 100, 200, 400, 400 ms: 5 starts in 1.25 s (saw $n)" [ "$n" -eq 5 ]
# the delay counts from the exit, however long pid 1 slept before it
conf_new
rm -f "$T/starts"
svc idle <<EOF2
[service]
exec = sh -c 'date +%s%N >>$T/starts; sleep 1; date +%s%N >>$T/starts; exit 1'
restart_delay = 1s
EOF2
in_ns -c "$C" -- sh -c 'sleep 2.6' 2>"$T/err"
gap=$(awk 'NR == 2 { e = $1 } NR == 3 { print int(($1 - e) / 1000000) }' "$T/starts")
check "restart_delay = 1s after a second of quiet: restarted a second after the exit (${gap:-no restart} ms)" [ "${gap:-0}" -ge 900 ]
check "... and said with the time it waits" grep -q "service idle: restarting in 1000 ms" "$T/err"
conf_new
rm -f "$T/starts"
svc limited <<EOF2
[service]
exec = sh -c 'echo x >>$T/starts; exit 1'
restart_delay = 0
start_limit = 3/10s
EOF2
in_ns -c "$C" -- sh -c 'sleep 0.5' 2>"$T/err"
expect_eq "start_limit = 3/10s: three starts, the first included" "$(lines "$T/starts")" 3
check "... then failed, reported" grep -q "service limited: failed (start limit reached)" "$T/err"
conf_new
rm -f "$T/starts"
svc never <<EOF2
[service]
exec = sh -c 'echo x >>$T/starts; exit 0'
restart = on-failure
EOF2
in_ns -c "$C" -- sh -c 'sleep 0.4'
expect_eq "restart = on-failure: a clean exit is not restarted" "$(lines "$T/starts")" 1

# ---- essential
conf_new
svc vital <<EOF2
[service]
exec = sh -c 'sleep 0.2; exit 4'
restart = never
essential = yes
EOF2
t0=$(now_ms)
in_ns -c "$C" -- "$PT" sleep 0 2>"$T/err"; rc=$?
t1=$(now_ms)
expect_eq "essential service failing stops the container with 1" "$rc" 1
check "... says why" grep -q "essential service vital failed" "$T/err"
check "... promptly ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 1500 ]

# ---- forking daemons via pidfile
conf_new
rm -f "$T/d.pid" "$T/d.starts"
svc daemon <<EOF2
[service]
type = forking
pidfile = $T/d.pid
exec = sh -c 'echo x >>$T/d.starts; sleep 100 & echo \$! >$T/d.pid'
restart_delay = 50ms
EOF2
ns_start -c "$C" -- "$PT" sleep 0
wait_for 5 test -s "$T/d.pid"
p1=$(cat "$T/d.pid")
sleep 0.3
hostpid=$(pgrep -f "^sleep 100" -P "$NS_PID1" | head -n 1)
check "forking: the daemon is followed by its pidfile" [ -n "$hostpid" ]
kill "$hostpid" 2>/dev/null
wait_for 5 sh -c "[ \$(wc -l <'$T/d.starts') -ge 2 ]"
expect_eq "forking: the daemon's death is noticed and it is restarted" "$(lines "$T/d.starts")" 2
ns_kill

# ---- user, env, env_file, workdir, umask, rlimits, capabilities
conf_new
mkdir -p "$T/wd"; chmod 777 "$T/wd"
printf '# comment\nFROM_FILE="file value"\nexport OTHER=2\n' >"$T/envfile"
svc who <<EOF2
[service]
exec = sh -c 'echo "\$(id -u):\$(id -g):\$(id -G)|\$HOME|\$USER|\$FROM_FILE|\$GREETING|\$(pwd)|\$(umask)|\$(ulimit -n)" >$T/wd/who; exec sleep 100'
user = nobody
workdir = $T/wd
env = "GREETING=hello world"
env_file = $T/envfile
umask = 0027
rlimit_nofile = 123
restart = never
EOF2
svc caps <<EOF2
[service]
exec = sh -c '$PT status >$T/wd/caps; exec sleep 100'
user = nobody
capabilities = cap_net_bind_service
no_new_privs = yes
restart = never
EOF2
svc plain <<EOF2
[service]
exec = sh -c '$PT status >$T/wd/plain; ulimit -n >>$T/wd/plain; exec sleep 100'
restart = never
EOF2
nofile=$(ulimit -n)
in_ns -c "$C" -- sh -c 'sleep 0.5'
nobody_gid=$(awk -F: '$1=="nobody"{print $4}' /etc/passwd)
expect_eq "user, group, HOME, USER, env_file, env, workdir, umask, rlimit" \
	"$(cat "$T/wd/who")" "65534:$nobody_gid:$nobody_gid|/nonexistent|nobody|file value|hello world|$T/wd|0027|123"
check "capabilities: ambient cap_net_bind_service for a non-root user" grep -q "CapAmb:.*0000000000000400" "$T/wd/caps"
check "capabilities: bounding set reduced to it" grep -q "CapBnd:.*0000000000000400" "$T/wd/caps"
check "capabilities: effective" grep -q "CapEff:.*0000000000000400" "$T/wd/caps"
check "a service gets a clean signal mask" grep -q "SigBlk:.*0000000000000000" "$T/wd/plain"
check "a service gets no pid-1 descriptor (0, 1, 2 only)" grep -qx "fds: 0 1 2" "$T/wd/plain"
check "a service gets the inherited open-file limit back" grep -qx "$nofile" "$T/wd/plain"

# ---- log files with rotation
conf_new
svc logger <<EOF2
[service]
exec = sh -c 'i=0; while [ \$i -lt 100 ]; do echo "log line \$i 0123456789012345678901234567890123456789"; i=\$((i+1)); done; exec sleep 100'
stdout = file:$T/svc.log
log_max_size = 1K
log_max_files = 3
EOF2
rm -f "$T"/svc.log*
in_ns -c "$C" -- sh -c 'sleep 0.5'
check "file: log written and rotated (svc.log, .1, .2)" test -f "$T/svc.log" -a -f "$T/svc.log.1" -a -f "$T/svc.log.2"
check "... keeping log_max_files files" test ! -e "$T/svc.log.3"
check "... each at most log_max_size" sh -c "[ \$(cat '$T'/svc.log* | wc -c) -le 3072 ] && [ \$(stat -c %s '$T/svc.log.1') -le 1024 ]"
check "... the newest line is in svc.log" grep -q "log line 99 " "$T/svc.log"

# ---- a stalled reader never blocks pid 1
conf_new
svc chatty <<EOF2
[service]
exec = sh -c 'yes 0123456789012345678901234567890123456789 | head -c 3000000; exec sleep 100'
EOF2
t0=$(now_ms)
in_ns -c "$C" -- sh -c 'sleep 0.7; exit 6' 2>"$T/err" | (sleep 3; cat >"$T/stalled.out")
t1=$(now_ms)
check "stalled stdout reader: container still stops on time" [ $((t1 - t0)) -lt 4500 ]
check "... the service waited instead: nothing lost" sh -c "! grep -q -e lost -e dropped '$T/err'"
expect_eq "... every line whole (but the last, cut by the stop)" \
	"$(head -n -1 "$T/stalled.out" | grep -cvx 'chatty| 0123456789012345678901234567890123456789')" 0

# ---- readiness by exec:, and a readiness that never comes
conf_new
rm -f "$T/order2" "$T/probe.ok"
svc probed <<EOF2
[service]
exec = sh -c 'sleep 0.3; touch $T/probe.ok; exec sleep 100'
ready = exec:test -e $T/probe.ok
EOF2
svc late <<EOF2
[service]
exec = sh -c 'echo late >>$T/order2; exec sleep 100'
after = probed
EOF2
printf '[cmd]\nafter = late\n' >"$C/init.ini"
in_ns -c "$C" -- sh -c "echo cmd >>$T/order2; test -e $T/probe.ok"
expect_eq "ready = exec:CMD orders its dependents" "$?" 0
conf_new
rm -f "$T/slow.starts"
svc slow <<EOF2
[service]
exec = sh -c 'echo x >>$T/slow.starts; exec sleep 100'
ready = file:$T/never-there
ready_timeout = 300ms
restart_delay = 50ms
EOF2
svc waiter <<EOF2
[service]
exec = sh -c 'echo waiter >>$T/slow.starts; exec sleep 100'
after = slow
EOF2
in_ns -c "$C" -- sh -c 'sleep 1' 2>"$T/err"
check "ready_timeout: the service is stopped and restarted" sh -c "[ \$(grep -c x '$T/slow.starts') -ge 2 ]"
check "... its 'after' dependent starts anyway" grep -q waiter "$T/slow.starts"

# ---- no_new_privs, inherit and null outputs, rlimit_core
conf_new
svc nnp <<EOF2
[service]
exec = sh -c 'grep NoNewPrivs /proc/self/status; ulimit -c'
no_new_privs = yes
rlimit_core = 0
stdout = inherit
restart = never
EOF2
svc quiet <<EOF2
[service]
exec = sh -c 'echo should-not-appear; echo nor-this >&2'
stdout = null
stderr = null
restart = never
EOF2
in_ns -c "$C" -- sh -c 'sleep 0.3' >"$T/out" 2>"$T/err"
check "no_new_privs = yes reaches the service" grep -q "NoNewPrivs:.*1" "$T/out"
check "stdout = inherit: unprefixed" grep -qx "0" "$T/out"
check "stdout/stderr = null: discarded" sh -c "! grep -q -e should-not -e nor-this '$T/out' '$T/err'"

# ---- the shipped service definitions are valid (checked against a tree
# that has their binaries, as an image would: check --root)
for set in busybox debian; do
	conf_new
	cp "$T_SRC/contrib/services.d/$set/"*.ini "$C/services.d/"
	[ "$set" = debian ] && cp "$T_SRC/contrib/services.d/examples/"*.ini "$C/services.d/"
	R=$(mktemp -d "$T/root.XXXXXX"); chmod 755 "$R"
	mkdir -p "$R/etc"; cp /etc/passwd /etc/group "$R/etc/"
	for bin in /bin/sh $(sed -n 's/^exec = \([^ ]*\).*/\1/p' "$C/services.d/"*.ini); do
		mkdir -p "$R$(dirname "$bin")"; printf '#!/bin/sh\n' >"$R$bin"; chmod 755 "$R$bin"
	done
	"$POUCH_INIT" check --root "$R" -c "$C" >"$T/out" 2>&1
	expect_eq "contrib/services.d/$set passes pouch-init check" "$?" 0
done

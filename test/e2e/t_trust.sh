# Trust boundaries inside the container: what a service's user, another
# uid, or a process of another pid namespace (another container in the
# same network namespace) can make pid 1 do through notify sockets,
# pidfiles and probes. Each attack is performed for real and must fail;
# the legitimate use next to it must still work.
T=$T_TMP
NOBODY="setpriv --reuid nobody --regid nogroup --clear-groups"

ctl_conf() {
	conf_new
	SOCK=$C/ctl.sock
	printf '[init]\ncontrol_socket = %s\n' "$SOCK" >"$C/init.ini"
}
ctl() { "$POUCH_INIT" ctl --socket "$SOCK" "$@"; }
state_of() { ctl status --json "$1" | sed -n 's/.*"state": "\([a-z]*\)".*/\1/p'; }
pid_of() { ctl status --json "$1" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
# the pid (as seen from here) of the process whose argv is exactly $1
host_pid() { pgrep -fx -- "$1" | head -n 1; }
is_state() { [ "$(state_of "$1")" = "$2" ]; }
has_pid() { [ -n "$(pid_of "$1")" ]; }
pid_changed() { p=$(pid_of "$1"); [ -n "$p" ] && [ "$p" != "$2" ]; }
# a process's pid inside its pid namespace
ns_pid() { awk '/^NSpid:/ {print $NF}' "/proc/$1/status"; }
# NOTIFY_SOCKET as a process sees it
notify_of() { tr '\0' '\n' <"/proc/$1/environ" | sed -n 's/^NOTIFY_SOCKET=//p'; }

# ---- READY=1 from another uid, and from another pid namespace
ctl_conf
svc slow <<EOF
[service]
type = notify
exec = sleep 1001
ready_timeout = 60s
EOF
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 5 pgrep -fx 'sleep 1001' >/dev/null
hp=$(host_pid "sleep 1001")
ns=$(notify_of "$hp")
check "a notify service gets a NOTIFY_SOCKET" test -n "$ns"
NOTIFY_SOCKET=$ns $NOBODY "$PT" notify READY=1 2>/dev/null
sleep 0.3
expect_eq "READY=1 sent by nobody does not make a root service ready" "$(state_of slow)" starting
NOTIFY_SOCKET=$ns unshare --pid --fork "$PT" notify READY=1 2>/dev/null
sleep 0.3
expect_eq "READY=1 from another pid namespace (another container) is refused" "$(state_of slow)" starting
case $ns in
@*) not_ok "the notify socket is not an abstract name anyone in the network namespace can reach ($ns)" ;;
*) ok "the notify socket is a path, not an abstract name"
   check "... in a directory others cannot list or write" sh -c "[ \$(stat -c %a '$(dirname "$ns")') = 711 ] && [ \$(stat -c %u '$(dirname "$ns")') = 0 ]"
   check "... which any uid may reach: a daemon that drops its privileges still notifies; the sender's credentials decide" sh -c "[ \$(stat -c %a '$ns') = 666 ]" ;;
esac
ns_kill

# the legitimate use: a root daemon that drops to another user itself
# (mariadbd --user=mysql) and then says READY=1
ctl_conf
svc dropper <<EOF
[service]
type = notify
exec = setpriv --reuid nobody --regid nogroup --clear-groups sh -c '$PT notify READY=1; exec sleep 1000'
ready_timeout = 10s
EOF
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 5 is_state dropper running
expect_eq "a daemon that dropped to nobody on its own is ready by its READY=1" "$(state_of dropper)" running
ns_kill

# ---- two pouch-inits, both pid 1, in one network namespace: no crosstalk
ctl_conf
CA=$C; SA=$SOCK
svc dummy <<EOF
[service]
type = notify
exec = sleep 1002
ready_timeout = 60s
EOF
ctl_conf
CB=$C; SB=$SOCK
svc dummy <<EOF
[service]
type = notify
exec = sh -c '$PT notify READY=1; exec sleep 1003'
EOF
ns_start -c "$CA" -- sleep 1000
BG_A=$NS_BG; P1_A=$NS_PID1
wait_for 5 test -S "$SA"
ns_start -c "$CB" -- sleep 1000
BG_B=$NS_BG; P1_B=$NS_PID1
wait_for 5 test -S "$SB"
SOCK=$SB
wait_for 5 is_state dummy running
expect_eq "container B's notify service becomes ready" "$(state_of dummy)" running
sleep 0.3
SOCK=$SA
expect_eq "... and B's READY=1 does not reach container A" "$(state_of dummy)" starting
kill -KILL "$P1_A" "$P1_B" 2>/dev/null
wait "$BG_A" "$BG_B" 2>/dev/null

# ---- MAINPID: a service may not name another service's process
ctl_conf
svc db <<EOF
[service]
exec = sleep 1004
EOF
cat >"$T/app.sh" <<EOF
while ! [ -s $T/dbpid ]; do sleep 0.05; done
$PT notify "MAINPID=\$(cat $T/dbpid)"
$PT notify READY=1
exec sleep 1005
EOF
svc app <<EOF
[service]
type = notify
exec = sh $T/app.sh
EOF
rm -f "$T/dbpid"
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 5 has_pid db
dbpid=$(pid_of db)
echo "$dbpid" >"$T/dbpid"
wait_for 5 is_state app running
check "app says MAINPID=<db's pid>: app does not become db's process" [ "$(pid_of app)" != "$dbpid" ]
ctl signal app KILL >/dev/null 2>&1
sleep 0.3
expect_eq "ctl signal app KILL does not kill db" "$(state_of db):$(pid_of db)" "running:$dbpid"
kill -KILL "$(host_pid 'sleep 1004')"
wait_for 5 pid_changed db "$dbpid"
check "db's own exit is still db's: it is restarted" sh -c "[ '$(state_of db)' = running ] && [ '$(pid_of db)' != '$dbpid' ]"
ns_kill

# the legitimate use: a notify daemon hands over to a child of its own
ctl_conf
svc handover <<EOF
[service]
type = notify
exec = sh -c 'sleep 1006 & $PT notify "MAINPID=\$!"; $PT notify READY=1; exec sleep 1007'
EOF
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 5 is_state handover running
expect_eq "MAINPID naming the service's own child is followed" "$(pid_of handover)" "$(ns_pid "$(host_pid 'sleep 1006')")"
ns_kill

# ---- a pidfile written by an unprivileged daemon names any pid
ctl_conf
mkdir -p "$T/run-nobody"; chown nobody "$T/run-nobody"
cat >"$T/fk.sh" <<EOF
while ! [ -s $T/dbpid2 ]; do sleep 0.05; done
cat $T/dbpid2 >$T/run-nobody/fk.pid
(exec sleep 1009 </dev/null >/dev/null 2>&1 &)
exit 0
EOF
svc db <<EOF
[service]
exec = sleep 1008
EOF
svc fk <<EOF
[service]
type = forking
user = nobody
pidfile = $T/run-nobody/fk.pid
exec = sh $T/fk.sh
ready_timeout = 2s
restart = never
EOF
rm -f "$T/dbpid2"
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 5 has_pid db
dbpid=$(pid_of db)
echo "$dbpid" >"$T/dbpid2"
sleep 0.5
check "a nobody-owned pidfile naming db's pid is not taken" [ "$(pid_of fk)" != "$dbpid" ]
ctl signal fk KILL >/dev/null 2>&1
ctl stop fk >/dev/null 2>&1
sleep 0.3
expect_eq "... so signalling or stopping fk never reaches db" "$(state_of db):$(pid_of db)" "running:$dbpid"
ns_kill

# ... nor a root process that no service tracks (nobody could not signal it)
ctl_conf
cat >"$T/fk2.sh" <<EOF
while ! [ -s $T/rootpid ]; do sleep 0.05; done
cat $T/rootpid >$T/run-nobody/fk2.pid
exit 0
EOF
svc fk2 <<EOF
[service]
type = forking
user = nobody
pidfile = $T/run-nobody/fk2.pid
exec = sh $T/fk2.sh
ready_timeout = 1s
restart = never
EOF
rm -f "$T/rootpid" "$T/run-nobody/fk2.pid"
ns_start -c "$C" -- sh -c "sleep 1015 & echo \$! >$T/rootpid; exec sleep 1000"
wait_for 5 test -S "$SOCK"
wait_for 5 test -s "$T/run-nobody/fk2.pid"
sleep 0.3
rootpid=$(cat "$T/rootpid")
check "a nobody-owned pidfile naming an untracked root process is not taken" [ "$(pid_of fk2)" != "$rootpid" ]
ctl stop fk2 >/dev/null 2>&1
sleep 0.3
check "... so stopping fk2 leaves that process alone" pgrep -fx 'sleep 1015' >/dev/null
ns_kill

# the legitimate use: a nobody daemon's own pidfile
ctl_conf
svc own <<EOF
[service]
type = forking
user = nobody
pidfile = $T/run-nobody/own.pid
exec = sh -c '(sleep 1010 </dev/null >/dev/null 2>&1 & echo \$! >$T/run-nobody/own.pid); exit 0'
EOF
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 5 is_state own running
expect_eq "a nobody daemon's own pidfile is followed" "$(state_of own)" running
ns_kill

# ---- probes run as the service runs
ctl_conf
mkdir -p "$T/probe"; chmod 777 "$T/probe"
cat >"$T/probe.sh" <<EOF
cap=\$(grep ^CapEff /proc/self/status | cut -f2)
nnp=\$(grep ^NoNewPrivs /proc/self/status | cut -f2)
if [ "\$1" = ready ]; then
	echo "\$(id -u) \$PROBE_VAR \$(pwd) \$cap \$nnp" >$T/probe/ready
else
	echo "\$(id -u) \$PROBE_VAR \$cap" >$T/probe/health
fi
EOF
svc nb <<EOF
[service]
user = nobody
env = PROBE_VAR=from-service
capabilities = cap_net_bind_service
no_new_privs = yes
workdir = $T/probe
exec = sleep 1011
ready = exec:sh $T/probe.sh ready
health = exec:sh $T/probe.sh health
health_interval = 100ms
EOF
ns_start -c "$C" -- sleep 1000
wait_for 5 test -s "$T/probe/ready"
wait_for 5 test -s "$T/probe/health"
svcpid=$(host_pid "sleep 1011")
svccap=$(grep ^CapEff "/proc/$svcpid/status" | cut -f2)
expect_eq "ready = exec: runs as the service's user, env, workdir, caps and no_new_privs" \
	"$(cat "$T/probe/ready")" "65534 from-service $T/probe $svccap 1"
expect_eq "health = exec: runs as the service's user, env and caps" \
	"$(cat "$T/probe/health")" "65534 from-service $svccap"
ns_kill

# a readiness probe that hangs is killed when the service gives up on
# it, and the next start probes again
ctl_conf
svc hang <<EOF
[service]
exec = sleep 1012
ready = exec:sh -c 'echo x >>$T/probe/hang-runs; exec sleep 1013'
ready_timeout = 300ms
restart_delay = 100ms
EOF
rm -f "$T/probe/hang-runs"
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 10 sh -c "[ \$(wc -l <$T/probe/hang-runs 2>/dev/null || echo 0) -ge 3 ]"
check "a hung readiness probe does not stop later starts from probing" [ "$(lines "$T/probe/hang-runs")" -ge 3 ]
check "... the hung probes were killed" [ "$(pgrep -cfx 'sleep 1013')" -le 1 ]
ns_kill
true

# ---- workdir is entered as the service's user: a symbolic link of its
# own does not take it into a directory only root may pass
ctl_conf
mkdir -p "$T/wd/home" "$T/wd/secret/inner"
chmod 700 "$T/wd/secret"; chmod 755 "$T/wd/secret/inner"
echo root-only-key >"$T/wd/secret/inner/key"; chmod 644 "$T/wd/secret/inner/key"
chown nobody "$T/wd/home"
ln -s "$T/wd/secret/inner" "$T/wd/home/data"
mkdir -p "$T/wd/out"; chmod 777 "$T/wd/out"
svc reader <<EOF2
[service]
user = nobody
workdir = $T/wd/home/data
exec = sh -c 'cat key >$T/wd/out/got; exec sleep 1000'
restart = never
EOF2
rm -f "$T/wd/out/got"
ns_start -c "$C" -- sleep 1000 2>"$T/wd/err"
wait_for 5 test -S "$SOCK"
sleep 0.5
check "workdir through the service's own symlink into a root-only directory: refused" \
	sh -c "! grep -q root-only-key '$T/wd/out/got' 2>/dev/null"
check "... the service does not start, and it is said" grep -q "service reader: unable to chdir for" "$T/wd/err"
ns_kill

# ---- ctl believes no socket another user made: not in a directory it
# does not trust, not from a server that is not root or itself
cat >"$T/fake.py" <<'EOF2'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); s.listen(4)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept(); c.recv(4096); c.sendall(b"OK\nready\n"); c.close()
EOF2
chmod 644 "$T/fake.py"
# (a private /tmp and /run; what the test needs goes in and out on fds)
unshare --mount sh -c "
	exec 3<$T/fake.py 4>$T/ctl-res
	mount -t tmpfs tmpfs /tmp && mount -t tmpfs tmpfs /run || exit 1
	mkdir /tmp/pouch-0 && chown nobody /tmp/pouch-0
	setpriv --reuid nobody --regid nogroup --clear-groups /usr/bin/python3 /dev/fd/3 /tmp/pouch-0/control.sock /tmp/pouch-0/up &
	f=\$!
	i=0; while [ ! -e /tmp/pouch-0/up ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
	[ -e /tmp/pouch-0/up ] && echo server-up >&4
	POUCH_STATE_DIR= POUCH_CONFIG_DIR=/nonexistent $POUCH_INIT ctl wait-ready >/dev/null 2>&1; echo rc1=\$? >&4
	$POUCH_INIT ctl --socket /tmp/pouch-0/control.sock wait-ready 2>&1 >/dev/null | sed 's/^/err2=/' >&4; 
	kill \$f
"
check "(the fake server of nobody ran)" grep -qx server-up "$T/ctl-res"
check "ctl does not take a socket in a nobody-owned /tmp/pouch-0 for pid 1's" sh -c "grep -q '^rc1=' '$T/ctl-res' && ! grep -qx rc1=0 '$T/ctl-res'"
check "... nor believe a server run by nobody" grep -q "^err2=.*served by uid 65534" "$T/ctl-res"
true

# ---- a service's user cannot freeze pid 1: a child that switches to
# that user is forked, and pid 1 waits neither for its exec nor its result
ctl_conf
cat >"$T/stopper.py" <<'EOF2'
import os, signal, time
end = time.time() + 3
while time.time() < end:
    try:
        os.kill(-1, signal.SIGSTOP)
    except OSError:
        pass
EOF2
chmod 644 "$T/stopper.py"
svc web <<EOF2
[service]
user = nobody
exec = sleep 1000
health = exec:/bin/true
health_interval = 10ms
restart_delay = 10ms
EOF2
svc stopper <<EOF2
[service]
user = nobody
exec = /usr/bin/python3 $T/stopper.py
restart = never
EOF2
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
sleep 1.5
timeout 5 "$POUCH_INIT" ctl --socket "$SOCK" status >/dev/null 2>&1
expect_eq "nobody SIGSTOPs every process of its own, again and again: pid 1 still answers" "$?" 0
sleep 2
pkill -CONT -u nobody 2>/dev/null
timeout 5 "$POUCH_INIT" ctl --socket "$SOCK" status >/dev/null 2>&1
expect_eq "... and afterwards" "$?" 0
kill -TERM "$NS_PID1"
wait_for 10 sh -c "! kill -0 $NS_PID1 2>/dev/null"
check "... and it stops on SIGTERM" sh -c "! kill -0 $NS_PID1 2>/dev/null"
pkill -CONT -u nobody 2>/dev/null
ns_kill
# ---- a MAINPID whose process is gone: its pid may be another's by now,
# and that one must not get the service's signals (a pidfd holds it)
ctl_conf
cat >"$T/a.sh" <<EOF2
sleep 1000 & c=\$!
$PT notify "MAINPID=\$c"
$PT notify READY=1
sleep 0.3
kill \$c; wait \$c
echo \$c >$T/cpid
exec sleep 1019
EOF2
svc a <<EOF2
[service]
type = notify
kill_mode = process
exec = sh $T/a.sh
EOF2
rm -f "$T/cpid"
ns_start -c "$C" -- sleep 1000
wait_for 5 test -s "$T/cpid"
c=$(cat "$T/cpid")
# the next process of that pid namespace gets the freed pid
nsenter -t "$NS_PID1" -p -m -- sh -c "echo $((c - 1)) >/proc/sys/kernel/ns_last_pid; sleep 1018 & wait" &
victim=$!
wait_for 5 pgrep -fx 'sleep 1018' >/dev/null
expect_eq "(the freed pid went to a new process)" "$(ns_pid "$(pgrep -fx 'sleep 1018')")" "$c"
"$POUCH_INIT" ctl --socket "$SOCK" stop a >/dev/null 2>&1
sleep 0.5
check "a gone MAINPID's reused pid does not get the service's stop signal" pgrep -fx 'sleep 1018' >/dev/null
kill "$victim" 2>/dev/null; pkill -fx 'sleep 1018'
ns_kill
true

# ---- descriptors sent along with a notification: a socket whose close
# lingers for an hour must not stop pid 1 (it would, if pid 1 took it and
# closed it)
ctl_conf
mkdir -m 777 "$T/linger"
svc lingerer <<EOF2
[service]
type = notify
user = nobody
exec = $PT notify-linger READY=1 $T/linger/said
EOF2
svc other <<EOF2
[service]
exec = sleep 1020
EOF2
ns_start -c "$C" -- sleep 1000
wait_for 10 test -s "$T/linger/said"
sleep 0.5
check "pid 1 still answers after a service sent it a lingering socket" timeout 5 "$POUCH_INIT" ctl --socket "$SOCK" status other
expect_eq "the notify socket does not take descriptors (the sender is told)" "$(cat "$T/linger/said" 2>/dev/null)" refused
check "the notification itself still counts" wait_for 5 is_state lingerer running
# (its end resets the connection: a pid 1 stuck in close goes on)
pkill -fx "$PT notify-linger READY=1 $T/linger/said"
ns_kill
true

# ---- a process group number pid 1 keeps after the group is gone: the
# main hands over to a child in a session of its own (MAINPID=) and
# exits; its group is empty, the number goes to another process, which
# leads a group of that number; the service's stop must not reach it
ctl_conf
cat >"$T/g.sh" <<EOF2
setsid sleep 1032 & c=\$!
$PT notify "MAINPID=\$c"
$PT notify READY=1
sleep 1 # (until pid 1 took the hand-over: a child of its main)
echo \$\$ >$T/gpid
EOF2
svc g <<EOF2
[service]
type = notify
exec = sh $T/g.sh
EOF2
rm -f "$T/gpid"
ns_start -c "$C" -- sleep 1000
wait_for 5 test -s "$T/gpid"
wait_for 5 is_state g running
g=$(cat "$T/gpid")
sleep 0.3
nsenter -t "$NS_PID1" -p -m -- sh -c "echo $((g - 1)) >/proc/sys/kernel/ns_last_pid; setsid sleep 1033 & wait" &
victim=$!
wait_for 5 pgrep -fx 'sleep 1033' >/dev/null
vp=$(pgrep -fx 'sleep 1033')
expect_eq "(the group's number went to a new group leader)" "$(ns_pid "$vp") $(nsenter -t "$NS_PID1" -p -m -- awk '{print $5}' "/proc/$g/stat" 2>/dev/null)" "$g $g"
"$POUCH_INIT" ctl --socket "$SOCK" stop g >/dev/null 2>&1
wait_for 5 sh -c '! pgrep -fx "sleep 1032" >/dev/null'
check "the service's own process got its stop signal" sh -c '! pgrep -fx "sleep 1032" >/dev/null'
check "a process group that took the gone group's number does not" pgrep -fx 'sleep 1033' >/dev/null
kill "$victim" 2>/dev/null; pkill -fx 'sleep 1033'; pkill -fx 'sleep 1032'
ns_kill
true

# ---- a session's number after the session is gone: the main hands over
# to a child in a session of its own and exits; the number goes to a
# root service's new run; the nobody service names that run's process
# as its MAINPID= (it is "of its session" by number only)
ctl_conf
mkdir -m 777 "$T/s"
mkfifo -m 666 "$T/s/go" # (waited on without a fork: no pid is used up)
cat >"$T/s.sh" <<EOF2
setsid sh -c 'read x <$T/s/go; exec $PT notify "MAINPID=\$(cat $T/s/target)"' & c=\$!
$PT notify "MAINPID=\$c"
$PT notify READY=1
echo \$\$ >$T/s/first
EOF2
svc a <<EOF2
[service]
type = notify
user = nobody
exec = sh $T/s.sh
EOF2
svc b <<EOF2
[service]
enabled = no
exec = sh -c "sleep 2040 & wait"
EOF2
ns_start -c "$C" -- sleep 1000
wait_for 5 test -s "$T/s/first"
wait_for 5 is_state a running
s=$(cat "$T/s/first")
sleep 0.3
nsenter -t "$NS_PID1" -p -m -- sh -c "echo $((s - 1)) >/proc/sys/kernel/ns_last_pid"
"$POUCH_INIT" ctl --socket "$SOCK" start b >/dev/null 2>&1
wait_for 5 pgrep -fx 'sleep 2040' >/dev/null
bp=$(pgrep -fx 'sleep 2040')
expect_eq "(the gone session's number went to the root service's run)" "$(nsenter -t "$NS_PID1" -p -m -- awk '{print $6}' "/proc/$(ns_pid "$bp")/stat" 2>/dev/null)" "$s"
ns_pid "$bp" >"$T/s/target"
timeout 5 sh -c "echo go >'$T/s/go'"
sleep 0.5
check "MAINPID= naming a root process in a reused session number is refused" [ "$(pid_of a)" != "$(ns_pid "$bp")" ]
"$POUCH_INIT" ctl --socket "$SOCK" stop a >/dev/null 2>&1
sleep 0.5
check "... and stopping the service does not reach it" pgrep -fx 'sleep 2040' >/dev/null
ns_kill
pkill -fx 'sleep 2040'
true

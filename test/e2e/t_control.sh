# The control socket under load and misuse: a half-closed wait-ready
# client, wait-ready after clean exits and operator stops, answers of any
# size, reload NAME, and 10,000 reloads with pid 1's memory flat.
T=$T_TMP

ctl_conf() {
	conf_new
	SOCK=$C/ctl.sock
	printf '[init]\ncontrol_socket = %s\n' "$SOCK" >"$C/init.ini"
}
ctl() { "$POUCH_INIT" ctl --socket "$SOCK" "$@"; }
state_of() { ctl status --json "$1" | sed -n 's/.*"state": "\([a-z]*\)".*/\1/p'; }
is_state() { [ "$(state_of "$1")" = "$2" ]; }
# CPU ticks (user + system) of a process
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# ---- a wait-ready client that half-closes its side does not spin pid 1
ctl_conf
svc slow <<EOF
[service]
exec = sleep 1000
ready = file:$T/never
ready_timeout = 60s
EOF
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
python3 - "$SOCK" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"wait-ready slow\n")
s.shutdown(socket.SHUT_WR)
time.sleep(3)
EOF
client=$!
sleep 0.5
c0=$(ticks "$NS_PID1")
sleep 2
c1=$(ticks "$NS_PID1")
check "a half-closed wait-ready client: pid 1 stays idle ($((c1 - c0)) ticks in 2 s)" [ $((c1 - c0)) -le 2 ]
wait "$client"
ns_kill

# ---- wait-ready after a clean exit of a restart = never service, and
# after an operator's stop; a timeout says what it waits for
ctl_conf
svc once <<EOF
[service]
exec = true
restart = never
EOF
svc db <<EOF
[service]
exec = sleep 1000
EOF
svc late <<EOF
[service]
exec = sleep 1000
ready = file:$T/late-ready
enabled = no
EOF
rm -f "$T/late-ready"
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 5 is_state once stopped
ctl wait-ready --timeout 2s >/dev/null 2>&1
expect_eq "wait-ready: a restart = never service that exited 0 does not hold it back" "$?" 0
ctl stop db >/dev/null
wait_for 5 is_state db stopped
ctl wait-ready --timeout 2s >/dev/null 2>&1
expect_eq "wait-ready: nor does a service the operator stopped" "$?" 0
ctl start late >/dev/null
ctl wait-ready --timeout 300ms >/dev/null 2>"$T/wait.err"
expect_eq "wait-ready: a service that is starting holds it back (5)" "$?" 5
check "... and the error names it and its state" grep -q "not ready in time: waiting for late (starting)" "$T/wait.err"
ns_kill

# ---- [init] state_dir holds the sockets; ctl finds them through init.ini
conf_new
mkdir -m 755 "$T/mystate"
printf '[init]\nstate_dir = %s\n' "$T/mystate" >"$C/init.ini"
svc n <<EOF
[service]
type = notify
exec = sh -c '$PT notify READY=1; exec sleep 1000'
EOF
ns_start -c "$C"
wait_for 5 test -S "$T/mystate/control.sock"
check "[init] state_dir: the control socket is there" test -S "$T/mystate/control.sock"
check "... and the notify sockets" sh -c "ls -d '$T'/mystate/notify.* >/dev/null 2>&1"
POUCH_STATE_DIR= POUCH_CONFIG_DIR=$C "$POUCH_INIT" ctl status >"$T/st" 2>&1
check "... ctl finds it through the config root's init.ini" grep -q '^n  *running' "$T/st"
ns_kill

# ---- reload NAME: the service's reload_signal, to its main process
ctl_conf
svc web <<EOF
[service]
exec = $PT sigecho $T/web.sigs
reload_signal = USR1
EOF
rm -f "$T/web.sigs"
ns_start -c "$C" -- sleep 1000
wait_for 5 test -S "$SOCK"
wait_for 5 is_state web running
sleep 0.2
ctl reload web
expect_eq "reload NAME: 0" "$?" 0
wait_for 2 grep -qx 10 "$T/web.sigs"
expect_eq "... the service got its reload_signal (USR1)" "$?" 0
expect_eq "... and was not restarted" "$(ctl status --json web | sed -n 's/.*"restarts": \([0-9]*\).*/\1/p')" 0
ctl reload nosuch 2>/dev/null
expect_eq "reload of an unknown service: 3" "$?" 3
ns_kill

# ---- an answer larger than 256 KiB comes whole
ctl_conf
long=$(printf 'x%.0s' $(seq 50))
i=0
while [ $i -lt 1500 ]; do
	printf '[service]\nexec = sleep 1000\nenabled = no\n' >"$C/services.d/s$i-$long.ini"
	i=$((i + 1))
done
ns_start -c "$C"
wait_for 10 test -S "$SOCK"
ctl status --json >"$T/big.json"
expect_eq "status --json of 1,500 services: exit 0" "$?" 0
check "... the answer is over 256 KiB ($(wc -c <"$T/big.json") bytes)" [ "$(wc -c <"$T/big.json")" -gt 262144 ]
expect_eq "... and it is whole JSON with every service" \
	"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["services"]))' "$T/big.json")" 1500
ns_kill

# ---- 10,000 reloads: pid 1's memory stays flat; changes and removals
# included; init.ini changes are applied or said
ctl_conf
i=0
while [ $i -lt 100 ]; do
	printf '[service]\nexec = sleep 1000\nenabled = no\n' >"$C/services.d/svc$i.ini"
	i=$((i + 1))
done
ns_start -c "$C"
wait_for 10 test -S "$SOCK"
cat >"$T/reload.py" <<'EOF'
import os, socket, sys
sock, conf, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ask(line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    s.sendall(line)
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    return out
for i in range(n):
    if i % 10 == 0:  # one changed service, one added and removed again
        with open(os.path.join(conf, "services.d", "svc0.ini"), "w") as f:
            f.write("[service]\nexec = sleep %d\nenabled = no\n" % (1000 + i % 2))
        extra = os.path.join(conf, "services.d", "extra.ini")
        if i % 20 == 0:
            with open(extra, "w") as f:
                f.write("[service]\nexec = sleep 1000\nenabled = no\n")
        elif os.path.exists(extra):
            os.unlink(extra)
    r = ask(b"reload\n")
    if not r.startswith(b"OK"):
        print("reload %d: %r" % (i, r[:200]))
        sys.exit(1)
EOF
python3 "$T/reload.py" "$SOCK" "$C" 1000
expect_eq "1,000 reloads answered" "$?" 0
r0=$(rss_kb "$NS_PID1")
python3 "$T/reload.py" "$SOCK" "$C" 9000
expect_eq "... 9,000 more" "$?" 0
r1=$(rss_kb "$NS_PID1")
check "pid 1's RSS stays flat over 9,000 reloads ($r0 -> $r1 KiB)" [ "$r1" -le $((r0 + 512)) ]
printf '[init]\ncontrol_socket = %s\nlog_level = info\n[cmd]\nstop_timeout = 2s\n' "$SOCK" >"$C/init.ini"
ctl reload >/dev/null
expect_eq "a reload that changes init.ini: 0" "$?" 0
printf '[init]\ncontrol_socket = %s/other.sock\n' "$C" >"$C/init.ini"
ctl reload >"$T/reload.out"
check "a reload cannot move the control socket, and says so" grep -q "control_socket changed: it takes effect when the container starts again" "$T/reload.out"
ns_kill
true

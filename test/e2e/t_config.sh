# Configuration that means what it says: indented keys, long lines,
# users looked up when a service starts, what `check` reports.
T=$T_TMP
mkdir -p "$T/cfgout"; chmod 777 "$T/cfgout" # services as nobody write here

# ---- an indented `key = value` is that key, never words of exec
conf_new
printf '[service]\nexec = sh -c '"'"'echo "$(id -u) [$*]" >%s/cfgout/indent'"'"' sh\n\tuser = nobody\n\trestart = never\n' "$T" >"$C/services.d/ind.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "check: '<TAB>user = nobody' under exec is a valid key" "$?" 0
in_ns -c "$C" -- sleep 0.5
expect_eq "... the service runs as nobody, with no 'user = nobody' in its argv" \
	"$(cat "$T/cfgout/indent" 2>/dev/null)" "65534 []"
printf '[service]\nexec = /bin/true\n  colour = blue\n' >"$C/services.d/ind.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
check "an indented unknown 'colour = blue' is an unknown key, not argv" grep -q "ind.ini:3: unknown key 'colour'" "$T/out"

# ---- any line length: a 400-character command line, a 100 KB env value
conf_new
args=$(i=0; while [ $i -lt 60 ]; do printf ' -Dprop%02d=v' $i; i=$((i + 1)); done)
big=$(head -c 102400 /dev/zero | tr '\0' v)
{
	printf '[service]\nexec = sh -c '"'"'echo "$# ${#BIG}" >%s/cfgout/long'"'"' sh%s\n' "$T" "$args"
	printf 'env = BIG=%s\nrestart = never\n' "$big"
} >"$C/services.d/long.ini"
check "(the exec line is over 400 characters)" test "$(sed -n 2p "$C/services.d/long.ini" | wc -c)" -gt 400
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "check: a 400-character exec line and a 100 KB env line are valid" "$?" 0
in_ns -c "$C" -- sleep 0.5
expect_eq "... the service gets all 60 arguments and the whole 100 KB value" \
	"$(cat "$T/cfgout/long" 2>/dev/null)" "60 102400"

# ---- 'group =' before 'user =' is honoured
conf_new
dgid=$(getent group daemon | cut -d: -f3)
printf '[service]\nexec = sh -c "id -g >%s/cfgout/group"\ngroup = daemon\nuser = nobody\nrestart = never\n' "$T" >"$C/services.d/grp.ini"
rm -f "$T/cfgout/group"
in_ns -c "$C" -- sleep 0.5
expect_eq "group = daemon written before user = nobody: the service's group is daemon" \
	"$(cat "$T/cfgout/group" 2>/dev/null)" "$dgid"

# ---- the hook env file: a bad line is skipped, warned about once
conf_new
mkdir -p "$C/hooks/prestart.d"
printf '#!/bin/sh\nprintf "A=1\\nnot a line\\nB=2\\n" >>"$POUCH_ENV_FILE"\n' >"$C/hooks/prestart.d/10-env"
printf '#!/bin/sh\ntrue\n' >"$C/hooks/prestart.d/20-more"
printf '#!/bin/sh\ntrue\n' >"$C/hooks/prestart.d/30-more"
chmod 755 "$C/hooks/prestart.d/"*
out=$(in_ns -c "$C" -- sh -c 'echo "$A $B"' 2>"$T/err")
expect_eq "a bad line in the hook env file: the lines after it are still taken" "$out" "1 2"
expect_eq "... it is warned about once, with FILE:LINE, not after every later hook" \
	"$(grep -c 'hook-env\..*:2: expected KEY=VALUE; the line is ignored' "$T/err")" 1

# ---- users are looked up when a service starts: a prestart hook may
# create the service's user (the PUID/PGID entrypoint pattern); the
# passwd file is a copy, bind-mounted in the test's own mount namespace
conf_new
mkdir -p "$C/hooks/prestart.d"
cp /etc/passwd "$T/passwd"; cp /etc/group "$T/group"
printf '#!/bin/sh\necho "pouchtest:x:4321:4322::/home/pouchtest:/bin/sh" >>/etc/passwd\necho "pouchgrp:x:4322:" >>/etc/group\n' >"$C/hooks/prestart.d/10-adduser"
chmod 755 "$C/hooks/prestart.d/10-adduser"
printf '[service]\nexec = sh -c "echo \\$(id -u):\\$(id -g):\\$HOME:\\$USER >%s/cfgout/puid"\nuser = pouchtest\nrestart = never\n' "$T" >"$C/services.d/app.ini"
printf '[service]\nexec = /bin/true\nuser = ghost\nrestart = never\n' >"$C/services.d/ghost.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "check: a user not in /etc/passwd yet is no error (0)" "$?" 0
check "... but a warning saying it is looked up when the service starts" \
	grep -q "warning: $C/services.d/app.ini:3: unknown user 'pouchtest' (not in /etc/passwd); it is looked up again when the service starts" "$T/out"
rm -f "$T/cfgout/puid"
unshare --pid --fork --mount-proc --kill-child sh -c '
	mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group &&
	exec "$2" -c "$3" -- sleep 0.5' sh "$T" "$POUCH_INIT" "$C" >/dev/null 2>"$T/err"
expect_eq "a prestart hook creates the user: the service runs as it" \
	"$(cat "$T/cfgout/puid" 2>/dev/null)" "4321:4322:/home/pouchtest:pouchtest"
check "... the machine's /etc/passwd is untouched" sh -c "! grep -q pouchtest /etc/passwd"
check "an unknown user at start: the start fails, naming the service" \
	grep -q "error: service ghost: unable to start: unknown user 'ghost' (not in /etc/passwd)" "$T/err"

# ---- what services.d holds besides NAME.ini is reported; a symlink to
# another entry is one service, not two
conf_new
printf '[service]\nexec = sh -c "echo started >>%s/cfgout/web.starts"\nrestart = never\n' "$T" >"$C/services.d/web.ini"
ln -s web.ini "$C/services.d/www.ini"
ln -s "$C/services.d/web.ini" "$C/services.d/a-web.ini"
printf '[service]\nexec = /bin/true\n' >"$C/services.d/db.conf"
echo notes >"$C/services.d/README"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "check: *.conf and other files beside NAME.ini are no error (0)" "$?" 0
check "... each is named in a warning" sh -c "grep -q 'warning: $C/services.d/db.conf: ignored: not a service' '$T/out' && grep -q 'warning: $C/services.d/README: ignored: not a service' '$T/out'"
check "a symlink to web.ini under another name: reported as the same file" \
	grep -q "warning: $C/services.d/www.ini: the same file as $C/services.d/web.ini: one service 'web', not two" "$T/out"
check "... whichever sorts first, the file's own name wins" \
	grep -q "warning: $C/services.d/a-web.ini: the same file as $C/services.d/web.ini" "$T/out"
check "... one service" grep -q "1 service, configuration OK" "$T/out"
rm -f "$T/cfgout/web.starts"
in_ns -c "$C" -- sleep 0.5 2>/dev/null
expect_eq "... pid 1 runs the daemon once" "$(lines "$T/cfgout/web.starts")" 1

# ---- an env_file error at run time names the service
conf_new
printf 'GOOD=1\nnot a line\n' >"$T/bad.env"
printf '[service]\nexec = /bin/true\nenv_file = %s/missing.env\nrestart = never\n' "$T" >"$C/services.d/nofile.ini"
printf '[service]\nexec = /bin/true\nenv_file = %s/bad.env\nrestart = never\n' "$T" >"$C/services.d/badline.ini"
in_ns -c "$C" -- sleep 0.3 2>"$T/err"
check "a missing env_file: the error names the service" \
	grep -q "error: service nofile: unable to read env_file $T/missing.env: No such file or directory" "$T/err"
check "a bad line in an env_file: the error names the service, FILE:LINE" \
	grep -q "error: service badline: env_file $T/bad.env:2: expected KEY=VALUE" "$T/err"

# ---- check: what a start needs (the binary, the env_file) is there
conf_new
printf 'x\n' >"$T/notexec"; chmod 644 "$T/notexec"
printf '[service]\nexec = /usr/sbin/no-such-daemon -f\n' >"$C/services.d/a.ini"
printf '[service]\nexec = no-such-tool\n' >"$C/services.d/b.ini"
printf '[service]\nexec = %s/notexec\n' "$T" >"$C/services.d/c.ini"
printf '[service]\nexec = /bin/true\nenv_file = %s/no.env\n' "$T" >"$C/services.d/d.ini"
printf '[service]\nexec = /bin/true\nenv_file = -%s/no.env\n' "$T" >"$C/services.d/e.ini"
printf '[service]\nexec = true\nenv_file = %s/bad.env\n' "$T" >"$C/services.d/f.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "check: a missing binary or env_file fails the check (1)" "$?" 1
check "... a missing binary, FILE:LINE" grep -qx "$C/services.d/a.ini:2: exec: /usr/sbin/no-such-daemon: No such file or directory" "$T/out"
check "... a name not on PATH, searched like execvp" grep -q "^$C/services.d/b.ini:2: exec: 'no-such-tool' not found on PATH (" "$T/out"
check "... a file that is not executable" grep -qx "$C/services.d/c.ini:2: exec: $T/notexec: not executable" "$T/out"
check "... a missing env_file" grep -qx "$C/services.d/d.ini:3: env_file = $T/no.env: No such file or directory" "$T/out"
check "... a bad line in an env_file" grep -qx "$T/bad.env:2: expected KEY=VALUE (env_file of service f)" "$T/out"
check "... an optional one and a name on PATH are fine: 5 errors in all" grep -q ": 5 errors" "$T/out"

# ---- check --root DIR: an image's tree, from outside
I=$T/img
mkdir -p "$I/etc/pouch/services.d" "$I/usr/bin" "$I/bin" "$I/etc/default"
printf 'root:x:0:0::/root:/bin/sh\nimguser:x:3456:3456::/home/imguser:/bin/sh\n' >"$I/etc/passwd"
printf 'root:x:0:\nimggrp:x:3456:\n' >"$I/etc/group"
printf '#!/bin/sh\n' >"$I/usr/bin/imgd"; chmod 755 "$I/usr/bin/imgd"
ln -s /usr/bin/imgd "$I/bin/imgd-link" # absolute: inside the image
printf 'MODE=1\n' >"$I/etc/default/imgd"
printf '[service]\nexec = imgd --foreground\nuser = imguser\ngroup = imggrp\nenv_file = /etc/default/imgd\n' >"$I/etc/pouch/services.d/imgd.ini"
printf '[service]\nexec = /bin/imgd-link\n' >"$I/etc/pouch/services.d/link.ini"
"$POUCH_INIT" check --root "$I" >"$T/out" 2>&1
expect_eq "check --root: users, binaries and env files from the image's tree (0)" "$?" 0
check "... its config root is DIR/etc/pouch" grep -qx "$I/etc/pouch: 2 services, configuration OK" "$T/out"
check "... with no warning" sh -c "! grep -q warning '$T/out'"
"$POUCH_INIT" check -c "$I/etc/pouch" >"$T/out" 2>&1
expect_eq "check -c of the same tree looks on this machine (1)" "$?" 1
check "... where the user is unknown (a warning)" grep -q "warning: $I/etc/pouch/services.d/imgd.ini:3: unknown user 'imguser' (not in /etc/passwd)" "$T/out"
check "... and the binary and env_file are missing" sh -c "grep -q \"imgd.ini:2: exec: 'imgd' not found on PATH\" '$T/out' && grep -q 'imgd.ini:5: env_file = /etc/default/imgd: No such file' '$T/out'"
printf '[service]\nexec = /bin/imgd-link\nuser = ghost\n' >"$I/etc/pouch/services.d/link.ini"
"$POUCH_INIT" check --root="$I" >"$T/out" 2>&1
check "check --root: an unknown user is looked for in DIR/etc/passwd" grep -q "link.ini:3: unknown user 'ghost' (not in $I/etc/passwd)" "$T/out"

# ---- ready = tcp: by default both 127.0.0.1 and ::1, or the address
# given; in a network namespace of the test's own (a veth with
# 10.77.0.1 for a non-loopback address)
conf_new
cat >"$T/listen.py" <<'PY'
import socket, sys, time
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
if fam == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind((sys.argv[2], int(sys.argv[3])))
s.listen(16)
while True:
    c, _ = s.accept()
    c.close()
PY
SOCK=$C/ctl.sock
printf '[init]\ncontrol_socket = %s\n' "$SOCK" >"$C/init.ini"
lsvc() { printf '[service]\nexec = /usr/bin/python3 %s/listen.py %s %s %s\nready = %s\nready_timeout = 20s\n' "$T" "$2" "$3" "$4" "$5" >"$C/services.d/$1.ini"; }
lsvc v6only 6 ::1 18081 tcp:18081
lsvc v6given 6 ::1 18082 "tcp:[::1]:18082"
lsvc lo2 4 127.0.0.2 18083 tcp:127.0.0.2:18083
lsvc veth 4 10.77.0.1 18084 tcp:10.77.0.1:18084
lsvc v4only 4 127.0.0.1 18085 tcp:18085
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "check: tcp:PORT, tcp:[::1]:PORT, tcp:HOST:PORT are valid" "$?" 0
out=$(unshare --net --pid --fork --mount-proc --kill-child sh -c '
	ip link set lo up && ip link add v0 type veth peer name v1 &&
	ip addr add 10.77.0.1/24 dev v0 && ip link set v0 up && ip link set v1 up &&
	exec "$0" -c "$1" -- sh -c "for s in v6only v6given lo2 veth v4only; do
		\"$0\" ctl --socket \"$2\" wait-ready \$s --timeout 10s >/dev/null 2>&1; printf \"%s=%s \" \$s \$?; done"' \
	"$POUCH_INIT" "$C" "$SOCK" 2>"$T/err")
expect_eq "a listener on ::1 only, on 127.0.0.2, on a veth address, on 127.0.0.1: each becomes ready" \
	"$out" "v6only=0 v6given=0 lo2=0 veth=0 v4only=0 "

# ---- a reload keeps an unchanged service's user for its checks
conf_new
SOCK=$C/ctl.sock
printf '[init]\ncontrol_socket = %s\n' "$SOCK" >"$C/init.ini"
printf '[service]\nexec = sleep 1000\nuser = nobody\nhealth = exec:sh -c "id -u >>%s/cfgout/health-uid"\nhealth_interval = 100ms\n' "$T" >"$C/services.d/hl.ini"
rm -f "$T/cfgout/health-uid"
ns_start -c "$C"
wait_for 5 test -s "$T/cfgout/health-uid"
"$POUCH_INIT" ctl --socket "$SOCK" reload >/dev/null 2>&1
: >"$T/cfgout/health-uid"
wait_for 5 test -s "$T/cfgout/health-uid"
sleep 0.3
expect_eq "after a reload, an unchanged service's health check still runs as its user" \
	"$(sort -u "$T/cfgout/health-uid")" 65534
kill -TERM "$NS_PID1"; ns_wait

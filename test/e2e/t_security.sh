# Privileges: what a service is given, what the control socket lets a
# client do, configuration and hooks others could change, and how the
# binary is built.
T=$T_TMP

ctl_conf() {
	conf_new
	SOCK=$C/ctl.sock
	printf '[init]\ncontrol_socket = %s\n' "$SOCK" >"$C/init.ini"
}
ctl() { "$POUCH_INIT" ctl --socket "$SOCK" "$@"; }

# ---- a service as nobody: its own groups only; no_new_privs holds
# against a setuid-root binary
O=$T/nobody-out
mkdir -p "$O"; chmod 777 "$O"
cp /usr/bin/id "$T/suid-id"
chown root:root "$T/suid-id"
chmod 4755 "$T/suid-id"
ctl_conf
svc plain <<EOF
[service]
exec = sh -c 'grep ^Groups: /proc/self/status >$O/groups; $T/suid-id -u >$O/euid-plain; exec sleep 1000'
user = nobody
EOF
svc nnp <<EOF
[service]
exec = sh -c '$T/suid-id -u >$O/euid-nnp; exec sleep 1000'
user = nobody
no_new_privs = yes
EOF
rm -f "$O/groups" "$O/euid-plain" "$O/euid-nnp"
ns_start -c "$C" -- "$PT" sleep 0
wait_for 5 test -s "$O/euid-nnp"
wait_for 5 test -s "$O/euid-plain"
# as initgroups(3) makes them: the user's primary group and the groups
# that list it
nogroups=$( { id -g nobody; awk -F: '$4 ~ /(^|,)nobody(,|$)/ {print $3}' /etc/group; } | sort -nu | tr '\n' ' ')
expect_eq "a service as nobody has nobody's groups only, not root's" \
	"$(sed 's/^Groups:[[:space:]]*//; s/[[:space:]]*$//' "$O/groups")" "$(echo $nogroups)"
expect_eq "without no_new_privs a setuid-root binary gains root (the test is real)" "$(cat "$O/euid-plain")" 0
expect_eq "no_new_privs = yes: the setuid binary does not gain privileges" "$(cat "$O/euid-nnp")" 65534

# ---- the control socket: no command runs a path
ctl start /bin/sh >/dev/null 2>&1
expect_eq "ctl start /bin/sh: no such service (3)" "$?" 3
ctl signal /bin/sh KILL >/dev/null 2>&1
expect_eq "ctl signal /bin/sh: no such service (3)" "$?" 3
ctl exec /bin/sh >/dev/null 2>&1
check "ctl exec: refused" test $? -ne 0
check "... nothing ran /bin/sh" sh -c "! pgrep -x sh -P $NS_PID1 >/dev/null"
check "the socket is root's alone (0600)" test "$(stat -c %a "$SOCK")" = 600
# a non-root client on a socket it can reach is refused: t_ctl.sh
kill -TERM "$NS_PID1"; ns_wait

# ---- configuration files and hooks others could change
conf_new
printf '[service]\nexec = /bin/true\n' >"$C/services.d/ww.ini"
chmod 666 "$C/services.d/ww.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "a world-writable service file fails the check (1)" "$?" 1
check "... FILE: writable by every user: refused" grep -q "$C/services.d/ww.ini: writable by every user: refused" "$T/out"
in_ns -c "$C" -- "$PT" exit 0 >/dev/null 2>&1
expect_eq "... and pid 1 refuses to start (125)" "$?" 125
chmod 664 "$C/services.d/ww.ini"
chgrp nogroup "$C/services.d/ww.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "a file writable by a group other than root's passes (0)" "$?" 0
check "... with a warning naming it" grep -q "warning: $C/services.d/ww.ini: writable by group $(getent group nogroup | cut -d: -f3)" "$T/out"
chmod 644 "$C/services.d/ww.ini"; chown nobody "$C/services.d/ww.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
check "a file owned by another user: a warning" grep -q "warning: $C/services.d/ww.ini: owned by uid 65534" "$T/out"
chown root "$C/services.d/ww.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
check "root's own 0644 file: no warning" sh -c "! grep -q warning '$T/out'"

conf_new
mkdir -p "$C/hooks/prestart.d"
printf '#!/bin/sh\necho ran >%s/ww-hook\n' "$T" >"$C/hooks/prestart.d/10-ww"
chmod 777 "$C/hooks/prestart.d/10-ww"
rm -f "$T/ww-hook" "$T/cmd-ran"
in_ns -c "$C" -- sh -c "echo yes >$T/cmd-ran" 2>"$T/err"
expect_eq "a world-writable hook fails the prestart (125)" "$?" 125
check "... it is refused, saying why" grep -q "prestart hook 10-ww refused: writable by every user" "$T/err"
check "... it never ran, nor did CMD" test ! -e "$T/ww-hook" -a ! -e "$T/cmd-ran"

# ---- how the binary is built
if file "$POUCH_INIT" | grep -q "static-pie linked"; then
	ok "static-pie: the static binary is position-independent (ASLR)"
	check "full RELRO: GNU_RELRO and BIND_NOW" sh -c "readelf -lW '$POUCH_INIT' | grep -q GNU_RELRO && readelf -dW '$POUCH_INIT' | grep -q 'FLAGS.*BIND_NOW'"
	check "stack protector: __stack_chk_fail is linked" sh -c "nm '$POUCH_INIT' 2>/dev/null | grep -q __stack_chk_fail || readelf -sW '$POUCH_INIT' | grep -q __stack_chk_fail"
	check "FORTIFY_SOURCE: checked string functions are linked" sh -c "readelf -sW '$POUCH_INIT' | grep -Eq '__(memcpy|snprintf|vsnprintf|read)_chk'"
else
	skip "hardening of the static binary (this build is not static-pie)"
fi
true

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

# ---- configuration files and hooks others could change (sshd's
# StrictModes): owned by root, writable by neither group nor others, and
# so is every directory above them (a sticky /tmp excepted)
as_nobody() { setpriv --reuid nobody --regid nogroup --clear-groups "$@"; }
ngid=$(getent group nogroup | cut -d: -f3)
conf_new
printf '[service]\nexec = /bin/true\n' >"$C/services.d/ww.ini"
chmod 666 "$C/services.d/ww.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "a world-writable service file fails the check (1)" "$?" 1
check "... FILE: writable by group 0, writable by others" grep -qx "$C/services.d/ww.ini: writable by group 0, writable by others" "$T/out"
in_ns -c "$C" -- "$PT" exit 0 >/dev/null 2>&1
expect_eq "... and pid 1 refuses to start (125)" "$?" 125
chmod 664 "$C/services.d/ww.ini"
chgrp nogroup "$C/services.d/ww.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "a file writable by another group is refused (1)" "$?" 1
check "... FILE: writable by group G" grep -qx "$C/services.d/ww.ini: writable by group $ngid" "$T/out"
chmod 644 "$C/services.d/ww.ini"; chown nobody "$C/services.d/ww.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "a file owned by another user is refused (1)" "$?" 1
check "... FILE: owned by uid N" grep -qx "$C/services.d/ww.ini: owned by uid 65534" "$T/out"
rm -f "$T/root-ran"
in_ns -c "$C" -- sh -c "echo yes >$T/root-ran" >/dev/null 2>"$T/err"
expect_eq "... and pid 1 refuses it (125)" "$?" 125
check "... saying which file and why" grep -q "error: $C/services.d/ww.ini: owned by uid 65534" "$T/err"
check "... before anything ran" test ! -e "$T/root-ran"
chown root:root "$C/services.d/ww.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "root's own 0644 file in 0755 directories under /tmp (sticky) passes" "$?" 0
check "... with no warning" sh -c "! grep -q warning '$T/out'"

# the attack: nobody drops a service into a services.d everyone may write
conf_new
chmod 755 "$C"; chmod 1777 "$C/services.d"
printf '[service]\nexec = /bin/true\nrestart = never\n' >"$C/services.d/legit.ini"
rm -f "$T/evil-ran"
as_nobody sh -c "printf '[service]\nexec = sh -c \"id -u >$T/evil-ran\"\n' >'$C/services.d/evil.ini'"
check "(nobody could write evil.ini into the 1777 services.d)" test -s "$C/services.d/evil.ini"
in_ns -c "$C" -- sleep 0.5 >/dev/null 2>"$T/err"
expect_eq "nobody's evil.ini in a 1777 services.d: pid 1 refuses (125)" "$?" 125
check "... nothing ran as root" test ! -e "$T/evil-ran"
check "... services.d: writable by others" grep -q "error: $C/services.d: writable by group 0, writable by others" "$T/err"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "... check fails (1)" "$?" 1
check "... and lists every problem: the directory and nobody's file" sh -c "grep -qx '$C/services.d: writable by group 0, writable by others' '$T/out' && grep -qx '$C/services.d/evil.ini: owned by uid 65534' '$T/out' && grep -q ': 2 errors' '$T/out'"

# a symlink in services.d to a file nobody owns: the target is checked
conf_new
mkdir -p "$T/nobody-home"; chown nobody:nogroup "$T/nobody-home"
rm -f "$T/evil-ran"
as_nobody sh -c "printf '[service]\nexec = sh -c \"id -u >$T/evil-ran\"\n' >'$T/nobody-home/x.ini'"
ln -s "$T/nobody-home/x.ini" "$C/services.d/linked.ini"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "a symlink in services.d to nobody's file fails the check (1)" "$?" 1
check "... the target is named, and how it was reached" grep -qx "$T/nobody-home/x.ini: owned by uid 65534 (reached through $C/services.d/linked.ini)" "$T/out"
check "... and the directory it is in" grep -qx "$T/nobody-home: owned by uid 65534 (reached through $C/services.d/linked.ini)" "$T/out"
in_ns -c "$C" -- sleep 0.5 >/dev/null 2>&1
expect_eq "... pid 1 refuses it (125)" "$?" 125
check "... and nothing ran as root" test ! -e "$T/evil-ran"
rm "$C/services.d/linked.ini"
mkdir -p "$T/root-home"
printf '[service]\nexec = sh -c "id -u >%s/linked-ran"\nrestart = never\n' "$T" >"$T/root-home/x.ini"
ln -s "$T/root-home/x.ini" "$C/services.d/linked.ini"
rm -f "$T/linked-ran"
in_ns -c "$C" -- sleep 0.5 >/dev/null 2>&1
expect_eq "a symlink to root's own file works (0)" "$?" 0
check "... the service ran" test -s "$T/linked-ran"

# hooks: the same rule, refused rather than warned about
conf_new
mkdir -p "$C/hooks/prestart.d"
printf '#!/bin/sh\necho ran >%s/ww-hook\n' "$T" >"$C/hooks/prestart.d/10-ww"
chmod 777 "$C/hooks/prestart.d/10-ww"
rm -f "$T/ww-hook" "$T/cmd-ran"
in_ns -c "$C" -- sh -c "echo yes >$T/cmd-ran" 2>"$T/err"
expect_eq "a world-writable hook: pid 1 refuses to start (125)" "$?" 125
check "... it is refused, saying why" grep -q "error: $C/hooks/prestart.d/10-ww: writable by group 0, writable by others" "$T/err"
check "... it never ran, nor did CMD" test ! -e "$T/ww-hook" -a ! -e "$T/cmd-ran"
chmod 755 "$C/hooks/prestart.d/10-ww"
chmod 775 "$C/hooks/prestart.d"; chgrp nogroup "$C/hooks/prestart.d"
in_ns -c "$C" -- sh -c "echo yes >$T/cmd-ran" 2>"$T/err"
expect_eq "root's hook in a group-writable hooks directory: refused (125)" "$?" 125
check "... naming the directory" grep -q "error: $C/hooks/prestart.d: writable by group $ngid" "$T/err"
check "... the hook never ran, nor did CMD" test ! -e "$T/ww-hook" -a ! -e "$T/cmd-ran"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
check "... check lists it" grep -qx "$C/hooks/prestart.d: writable by group $ngid" "$T/out"
chmod 755 "$C/hooks/prestart.d"; chgrp root "$C/hooks/prestart.d"
# a hook made unsafe after the start is refused when its turn comes
printf '#!/bin/sh\nchmod 777 %s/hooks/prestart.d/20-late\n' "$C" >"$C/hooks/prestart.d/10-first"
printf '#!/bin/sh\necho ran >%s/late-hook\n' "$T" >"$C/hooks/prestart.d/20-late"
chmod 755 "$C/hooks/prestart.d/10-first" "$C/hooks/prestart.d/20-late"
rm -f "$T/ww-hook" "$T/late-hook" "$T/cmd-ran"
in_ns -c "$C" -- sh -c "echo yes >$T/cmd-ran" 2>"$T/err"
expect_eq "root's hooks in 0755 directories run (the legitimate case)" "$(cat "$T/ww-hook" 2>/dev/null)" ran
check "a hook made writable by others meanwhile is refused when its turn comes" grep -q "prestart hook 20-late refused: $C/hooks/prestart.d/20-late: writable by group 0, writable by others" "$T/err"
check "... it never ran, nor did CMD" test ! -e "$T/late-hook" -a ! -e "$T/cmd-ran"

# env files: checked at each start
conf_new
printf 'FROM_ENV=1\n' >"$T/nobody-home/env"; chown nobody "$T/nobody-home/env"
printf '[service]\nexec = sh -c "echo \\$FROM_ENV >%s/env-ran"\nenv_file = %s/nobody-home/env\nrestart = never\n' "$T" "$T" >"$C/services.d/e.ini"
rm -f "$T/env-ran"
"$POUCH_INIT" check -c "$C" >"$T/out" 2>&1
expect_eq "an env_file nobody owns fails the check (1)" "$?" 1
check "... naming it" grep -qx "$T/nobody-home/env: owned by uid 65534" "$T/out"
in_ns -c "$C" -- sleep 0.5 >/dev/null 2>"$T/err"
check "... at run time the service does not start with it" test ! -e "$T/env-ran"
check "... saying which service and why" grep -q "service e: env_file $T/nobody-home/env refused: $T/nobody-home: owned by uid 65534" "$T/err"
cp "$T/nobody-home/env" "$T/root-home/env"; chown root "$T/root-home/env"
sed -i "s|$T/nobody-home/env|$T/root-home/env|" "$C/services.d/e.ini"
in_ns -c "$C" -- sleep 0.5 >/dev/null 2>&1
expect_eq "root's env_file is read" "$(cat "$T/env-ran" 2>/dev/null)" 1

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

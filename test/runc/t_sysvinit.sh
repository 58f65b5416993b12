# sbin-init mode with sysvinit: a Debian root filesystem whose /sbin/init
# is sysvinit-core (debootstrap, cached outside the repository), through
# pouch-runc rich-run and real runc. pouch-init runs the prestart hooks,
# registers CMD in /etc/inittab and execs sysvinit, which boots (rcS,
# runlevel 2), runs CMD, then the poststop hooks, then runlevel 0 halts.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v runc >/dev/null; then
	skip "sysvinit tests: runc missing"
	return 0 2>/dev/null || exit 0
fi
deb=$(sh "$T_SRC/tools/debian-rootfs.sh" sysvinit) || {
	skip "sysvinit tests: debootstrap could not build a root filesystem (log above)"
	return 0 2>/dev/null || exit 0
}
R=$T/sysv/merged
mkdir -p "$T/sysv/upper" "$T/sysv/work" "$R" "$T/out"
mount -t overlay overlay -o "lowerdir=$deb,upperdir=$T/sysv/upper,workdir=$T/sysv/work" "$R"
# an rc script of the image's own, to see runlevel 0 stop it
cat >"$R/etc/init.d/pouch-test" <<'EOF'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          pouch-test
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: records its start and stop
### END INIT INFO
echo "$1" >>/out/rc
EOF
chmod +x "$R/etc/init.d/pouch-test"
chroot "$R" update-rc.d pouch-test defaults >/dev/null 2>&1
conf_new
mkdir -p "$C/hooks/prestart.d" "$C/hooks/poststop.d"
printf '#!/bin/sh\necho FROM_HOOK=yes >>"$POUCH_ENV_FILE"\n' >"$C/hooks/prestart.d/10"
printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON" >/out/post\n' >"$C/hooks/poststop.d/10"
chmod +x "$C/hooks/prestart.d/10" "$C/hooks/poststop.d/10"
name=pouch-test-sysv-$$
t0=$(now_ms)
secret='s3cr$t "q" '"'"'x'"'"' \b'
timeout 120 "$POUCH_RUNC" rich-run --rootfs "$R" --mode sbin-init --config "$C" \
	-v "$T/out:/out" --name "$name" -e "a.b=dotted" -e "DB_PASSWORD=$secret" -- \
	sh -c 'echo "$FROM_HOOK $(cat /proc/1/comm) $(cat /out/rc)" >/out/cmd; tr "\\0" "\\n" </proc/$$/environ | grep "^a\.b=" >/out/dotted; printf %s "$DB_PASSWORD" >/out/secret; stat -c %a /run/pouch/cmd.sh /run/pouch/cmd.env >/out/modes; exit 3' \
	>"$T/console" 2>&1
rc=$?
t1=$(now_ms)
expect_eq "sysvinit: CMD ran under sysvinit, after runlevel 2's scripts, with the prestart env" \
	"$(cat "$T/out/cmd" 2>/dev/null)" "yes init start"
expect_eq "sysvinit: the poststop hook sees CMD's status" "$(cat "$T/out/post" 2>/dev/null)" "3 cmd-exited"
expect_eq "sysvinit: a variable named a.b (Docker allows it) reaches CMD" "$(cat "$T/out/dotted" 2>/dev/null)" "a.b=dotted"
expect_eq "sysvinit: CMD gets the env exactly (quotes, \$, backslash)" "$(cat "$T/out/secret" 2>/dev/null)" "$secret"
expect_eq "sysvinit: CMD's script and env are root's alone" "$(tr '\n' ' ' <"$T/out/modes" 2>/dev/null)" "700 600 "
expect_eq "sysvinit: runlevel 0 stopped the image's own rc script" "$(tail -n 1 "$T/out/rc" 2>/dev/null)" "stop"
expect_eq "sysvinit: the container's status is CMD's (3), not halt's SIGINT (130)" "$rc" 3
check "sysvinit: the whole run took under 60 s ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 60000
expect_eq "sysvinit: CMD is registered once in /etc/inittab" "$(grep -c '^pcmd:' "$R/etc/inittab")" 1
check "sysvinit: the image's own inittab entries are kept" grep -q '^l2:2:wait:/etc/init.d/rc 2' "$R/etc/inittab"
expect_eq "sysvinit: nothing left in runc" "$(runc list -q | grep -c "^$name\$")" 0
[ "$rc" = 3 ] || sed 's/^/console| /' "$T/console"

# stopped from outside: SIGTERM to rich-run becomes sysvinit's SIGINT
# (ctrl-alt-del: shutdown -r); the poststop hooks run at shutdown
rm -f "$T/out/post" "$T/out/cmd"
"$POUCH_RUNC" rich-run --rootfs "$R" --mode sbin-init --config "$C" \
	-v "$T/out:/out" --name "$name" -- \
	sh -c 'echo up >/out/cmd; exec sleep 1000' >"$T/console" 2>&1 &
bg=$!
wait_for 30 test -s "$T/out/cmd"
t0=$(now_ms)
kill -TERM $bg
wait_for 30 sh -c "! kill -0 $bg 2>/dev/null"
t1=$(now_ms)
wait $bg
expect_eq "sysvinit: SIGTERM to rich-run reboots the container (SIGHUP: 129)" "$?" 129
check "sysvinit: ... within 15 s ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 15000
expect_eq "sysvinit: the poststop hook ran at shutdown" "$(cat "$T/out/post" 2>/dev/null)" "130 signal"
expect_eq "sysvinit: one pstp entry, first in /etc/inittab" "$(grep -n '^pstp:' "$R/etc/inittab")" "1:pstp:06:wait:/run/pouch/poststop.sh"
expect_eq "sysvinit: nothing left in runc after the stop" "$(runc list -q | grep -c "^$name\$")" 0
umount "$R"

true

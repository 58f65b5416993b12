# crun behind pouch-runc: [runtime] runtime = /usr/bin/crun (and
# POUCH_RUNC_RUNTIME) for rich-run and the drop-in face, as with runc.
# crun 1.8 refuses a hybrid cgroup layout whose cgroup2 tree has
# controllers ("cgroups in hybrid mode not supported"); on such a host
# the scenes run in a mount namespace of their own where only the v1
# hierarchies are mounted, as on a legacy-layout machine.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
CRUN=$(command -v crun)
if [ -z "$CRUN" ] || ! command -v runc >/dev/null; then
	skip "crun tests: crun is not installed (apt-get install crun)"
	return 0 2>/dev/null || exit 0
fi
: "${POUCH_RUNC:?}"
rootfs=$T/rootfs
make_busybox_rootfs "$rootfs"
b=$T/bundle
mkdir -p "$b" "$T/out"
make_bundle "$b" /bin/sh -c 'echo plain'
jq --arg r "$rootfs" '.root.path = $r' "$b/config.json" >"$T/probe.json"
cp "$T/probe.json" "$b/config.json"
# lv ARGS...: ARGS in a mount namespace without the cgroup2 mount of a
# hybrid layout (nothing to take away elsewhere); a script, so that $! of
# "$T/lv ... &" is the process that becomes ARGS
printf '#!/bin/sh\nexec unshare --mount --propagation private sh -c %s sh "$@"\n' \
	"'umount /sys/fs/cgroup/unified 2>/dev/null; exec \"\$@\"'" >"$T/lv"
chmod 755 "$T/lv"
lv() { "$T/lv" "$@"; }
id=pouch-test-crun-$$
if ! "$CRUN" run --bundle "$b" "$id" </dev/null >"$T/out/probe" 2>"$T/err"; then
	"$CRUN" delete -f "$id" >/dev/null 2>&1
	skip "crun on this host's own cgroup layout: $(head -n 1 "$T/err"); the scenes below use the v1 hierarchies only"
fi
"$CRUN" delete -f "$id" >/dev/null 2>&1
if ! lv "$CRUN" run --bundle "$b" "$id" </dev/null >"$T/out/probe" 2>"$T/err"; then
	lv "$CRUN" delete -f "$id" >/dev/null 2>&1
	skip "crun tests: crun cannot run a container here: $(head -n 1 "$T/err")"
	return 0 2>/dev/null || exit 0
fi
lv "$CRUN" delete -f "$id" >/dev/null 2>&1
no_container() { ! "$CRUN" list -q 2>/dev/null | grep -qx "$1"; }
PRC=$T/pouch-runc.conf
export POUCH_RUNC_CONFIG="$PRC"
A=$T/admin-web
mkdir -p "$A/services.d" "$A/sub"
printf '[service]\nexec = /bin/sh -c "echo svc-line; exec sleep 1000"\n' >"$A/services.d/idle.ini"
mount -t tmpfs -o size=1m tmpfs "$A/sub"
echo from-the-host >"$A/sub/host-file"
printf '[runtime]\nruntime = %s\n[config web]\npath = %s\n' "$CRUN" "$A" >"$PRC"
chmod 644 "$PRC"

"$POUCH_RUNC" --version >"$T/ver" 2>&1
check "[runtime] runtime = $CRUN: --version names crun" grep -qF "runc: $CRUN; config: $PRC" "$T/ver"

# ---- rich-run on crun: services, ctl, hooks, CMD's status, nothing left
conf_new
mkdir -p "$C/hooks/poststop.d"
cp "$A/services.d/idle.ini" "$C/services.d/"
printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON" >/out/post\n' >"$C/hooks/poststop.d/10-rec"
chmod 755 "$C/hooks/poststop.d/10-rec"
name=pouch-test-crr-$$
lv "$POUCH_RUNC" rich-run --rootfs "$rootfs" --config "$C" --name "$name" -v "$T/out:/out" -- \
	sh -c 'sleep 0.5; tr "\0" " " </proc/1/cmdline >/out/cmdline; /.pouch/init ctl status >/out/status; exit 5' >"$T/rr.out" 2>&1
expect_eq "crun rich-run: CMD's status" "$?" 5
check "crun rich-run: pouch-init is pid 1" grep -q "^/.pouch/init --mode pouch -- sh -c" "$T/out/cmdline"
check "crun rich-run: the service runs, ctl status answers" grep -q "^idle  *running" "$T/out/status"
check "crun rich-run: the service's lines, prefixed" grep -q "^idle| svc-line" "$T/rr.out"
expect_eq "crun rich-run: the poststop hook ran" "$(cat "$T/out/post" 2>/dev/null)" "5 cmd-exited"
check "crun rich-run: crun has no container left" no_container "$name"
"$T/lv" "$POUCH_RUNC" rich-run --rootfs "$rootfs" --config "$C" --name "$name" -v "$T/out:/out" -- /bin/sleep 1000 >/dev/null 2>&1 &
bg=$!
wait_for 10 sh -c "'$CRUN' state '$name' 2>/dev/null | grep -q running"
sleep 0.3
kill -TERM $bg; wait $bg
expect_eq "crun rich-run: SIGTERM reaches CMD through pouch-init: 143" "$?" 143
expect_eq "... the poststop hook saw the signal" "$(cat "$T/out/post" 2>/dev/null)" "143 signal"
wait_for 10 no_container "$name"
check "... and nothing is left" no_container "$name"
out=$(lv "$POUCH_RUNC" rich-run -d --rootfs "$rootfs" --name "$name" -- sh -c 'echo detached; sleep 0.5; exit 4')
expect_eq "crun rich-run -d: prints the name" "$out" "$name"
wait_for 10 grep -q "exited with status 4" "/run/pouch-runc/$name.log"
check "crun rich-run -d: output and status in the log" sh -c "grep -q detached '/run/pouch-runc/$name.log' && grep -q 'exited with status 4' '/run/pouch-runc/$name.log'"
wait_for 10 no_container "$name"
rm -f "/run/pouch-runc/$name.log"

# ---- the drop-in face, POUCH_RUNC_RUNTIME=crun
export POUCH_RUNC_RUNTIME="$CRUN"
printf '[config web]\npath = %s\n' "$A" >"$PRC"
jq --arg o "$T/out" '.mounts += [{"destination": "/out", "type": "bind", "source": $o, "options": ["rbind", "rw"]}]
	| .annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.config": "web"}
	| .process.args = ["/bin/sh", "-c", "sleep 0.5; tr \"\\0\" \" \" </proc/1/cmdline >/out/cmdline; ps -o args >/out/ps; ls /etc/pouch/sub >/out/sub 2>&1; touch /etc/pouch/x 2>/dev/null; echo $? >>/out/sub; exit 9"]' \
	"$T/probe.json" >"$b/config.json"
cp "$b/config.json" "$T/before.json"
lv "$POUCH_RUNC" run --bundle "$b" "$id" </dev/null >/dev/null 2>"$T/err"
rc=$?
lv "$CRUN" delete -f "$id" >/dev/null 2>&1
expect_eq "POUCH_RUNC_RUNTIME=crun, drop-in run: the container's status" "$rc" 9
check "... pouch-init is pid 1 with the original args" grep -q "^/.pouch/init --mode pouch -- /bin/sh -c " "$T/out/cmdline"
check "... io.pouch.config=web is /etc/pouch and its service runs" grep -q "^/bin/sh -c echo svc-line\|^sleep 1000" "$T/out/ps"
expect_eq "... crun has no 'features': a non-recursive read-only bind (the submount is not there, nothing writable)" \
	"$(tr '\n' ' ' <"$T/out/sub")" "1 "
jq '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.config": "/"}' "$T/probe.json" >"$b/config.json"
cp "$b/config.json" "$T/hostile.json"
lv "$POUCH_RUNC" run --bundle "$b" "$id" </dev/null >/dev/null 2>"$T/err"
rc=$?
check "crun: io.pouch.config=/ refused (exit 1), naming the entry rule" \
	sh -c "[ $rc = 1 ] && grep -qF \"pouch-runc: error: annotation io.pouch.config: '/' is not a [config NAME] entry of $PRC\" '$T/err'"
check "... config.json untouched, no container" sh -c "cmp -s '$b/config.json' '$T/hostile.json' && ! '$CRUN' list -q | grep -qx '$id'"
jq '.process.args = ["/bin/sh", "-c", "exit 3"]' "$T/probe.json" >"$b/config.json"
cp "$b/config.json" "$T/plain.json"
lv "$POUCH_RUNC" run --bundle "$b" "$id" </dev/null >/dev/null 2>&1
rc=$?
lv "$CRUN" delete -f "$id" >/dev/null 2>&1
expect_eq "crun: a plain bundle passes through untouched, crun's status" \
	"$rc:$(cmp -s "$T/plain.json" "$b/config.json" && echo untouched)" "3:untouched"
unset POUCH_RUNC_RUNTIME
umount "$A/sub"
true

# pouch-runc with real runc: rich-run end to end on a busybox root
# filesystem, the drop-in runc face, config.json preservation, bad input.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v runc >/dev/null || [ ! -x /bin/busybox ]; then
	skip "launcher tests: runc or busybox-static missing"
	return 0 2>/dev/null || exit 0
fi
: "${POUCH_RUNC:?}"
rootfs="$T/rootfs"
make_busybox_rootfs "$rootfs"
mkdir -p "$rootfs/var/log" "$rootfs/var/spool/cron/crontabs" "$T/out"

# ---- rich-run: services, hooks, CMD's status, nothing left behind
conf_new
mkdir -p "$C/hooks/prestart.d" "$C/hooks/poststop.d"
cp "$T_SRC/contrib/services.d/busybox/"*.ini "$C/services.d/"
svc agent <<'EOF2'
[service]
exec = /bin/sh -c 'while :; do logger -t agent heartbeat; sleep 0.2; done'
after = syslogd
EOF2
printf '[cmd]\nafter = syslogd crond agent\n' >"$C/init.ini"
printf '#!/bin/sh\nrm -f /dev/log\necho HOOK_SAYS=hi >>"$POUCH_ENV_FILE"\n' >"$C/hooks/prestart.d/10-env"
printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON" >/out/post\n' >"$C/hooks/poststop.d/10-rec"
chmod +x "$C/hooks/prestart.d/10-env" "$C/hooks/poststop.d/10-rec"
name=pouch-test-rr-$$
"$POUCH_RUNC" rich-run --rootfs "$rootfs" --config "$C" --name "$name" \
	-v "$T/out:/out" -e FROM_CLI=yes -- \
	/bin/sh -c 'sleep 1; ps -o args >/out/ps; cat /var/log/messages >/out/messages; echo "$HOOK_SAYS $FROM_CLI $(hostname)" >/out/env; exit 5' \
	>"$T/rr.out" 2>"$T/rr.err"
expect_eq "rich-run: the container's status is CMD's" "$?" 5
check "rich-run: pouch-init is pid 1" sh -c "head -n 2 '$T/out/ps' | grep -q '^/.pouch/init --mode pouch -- /bin/sh'"
check "rich-run: busybox syslogd runs from services.d" grep -q "^/bin/syslogd -n" "$T/out/ps"
check "rich-run: busybox crond runs from services.d" grep -q "^/bin/crond -f" "$T/out/ps"
check "rich-run: the agent's messages reach syslog" grep -q "agent: heartbeat" "$T/out/messages"
check "rich-run: crond logs to syslog" grep -q "crond.*started" "$T/out/messages"
expect_eq "rich-run: prestart env, -e and the hostname reach CMD" "$(cat "$T/out/env")" "hi yes $name"
expect_eq "rich-run: the poststop hook ran" "$(cat "$T/out/post")" "5 cmd-exited"
expect_eq "rich-run: runc has no container left" "$(runc list -q | grep -c "^$name\$")" 0
check "rich-run: the bundle is removed" sh -c "! ls -d /run/pouch-runc/$name.* /tmp/pouch-runc-$name.* 2>/dev/null | grep -q ."

# -t: CMD gets a terminal
"$PT" pty ready '' -- "$POUCH_RUNC" rich-run -t --rootfs "$rootfs" --name "$name" -- \
	sh -c 'tty; echo ready' >"$T/tty.out" 2>&1
expect_eq "rich-run -t: exit status" "$?" 0
check "rich-run -t: CMD's stdin is a terminal" grep -q "^/dev/" "$T/tty.out"

# signals pass through rich-run and runc to CMD
"$POUCH_RUNC" rich-run --rootfs "$rootfs" --name "$name" -- /bin/sleep 1000 &
bg=$!
wait_for 10 sh -c "runc state $name 2>/dev/null | grep -q running"
sleep 0.2
kill -TERM "$bg"; wait "$bg"
expect_eq "rich-run: SIGTERM reaches CMD: 143" "$?" 143
expect_eq "... and nothing is left" "$(runc list -q | grep -c "^$name\$")" 0

# ---- the drop-in face: create/run rewrite config.json, the rest passes
b="$T/bundle"
mkdir -p "$b"
make_bundle "$b" /bin/sh -c 'tr "\0" " " </proc/1/cmdline >/out/cmdline; ls /etc/pouch/services.d >/out/conf; exit 9'
jq --arg r "$rootfs" '.root.path = $r' "$b/config.json" >"$T/orig.json"
jq --arg c "$C" --arg o "$T/out" '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.config": $c}
	| .mounts += [{"destination": "/out", "type": "bind", "source": $o, "options": ["rbind", "rw"]}]' \
	"$T/orig.json" >"$b/config.json"
cp "$b/config.json" "$T/before.json"
id=pouch-test-drop-$$
"$POUCH_RUNC" run --bundle "$b" "$id" </dev/null >/dev/null 2>&1
expect_eq "drop-in run: the container's status passes through" "$?" 9
check "drop-in run: pouch-init is pid 1 with the original args" grep -q "^/.pouch/init --mode pouch -- /bin/sh -c " "$T/out/cmdline"
check "drop-in run: io.pouch.config is /etc/pouch" grep -q "syslogd.ini" "$T/out/conf"
expect_eq "drop-in run: every other field of config.json is kept" \
	"$(jq -S 'del(.process.args, .mounts)' "$b/config.json")" "$(jq -S 'del(.process.args, .mounts)' "$T/before.json")"
expect_eq "drop-in run: the original mounts are all still there, in order" \
	"$(jq -c '.mounts[:-2]' "$b/config.json")" "$(jq -c '.mounts' "$T/before.json")"
runc delete -f "$id" >/dev/null 2>&1
jq '.process.env += ["POUCH_RICH_MODE=dumb-init"]' "$T/orig.json" |
	jq --arg o "$T/out" '.mounts += [{"destination": "/out", "type": "bind", "source": $o, "options": ["rbind", "rw"]}]' >"$b/config.json"
"$POUCH_RUNC" run --bundle "$b" "$id" </dev/null >/dev/null 2>&1
expect_eq "drop-in run: POUCH_RICH_MODE in process.env works too" "$(cut -d' ' -f1-3 "$T/out/cmdline")" "/.pouch/init --mode dumb-init"
runc delete -f "$id" >/dev/null 2>&1
cp "$T/orig.json" "$b/config.json"
"$POUCH_RUNC" --root "$T/runc-root" run --bundle "$b" "$id" </dev/null >/dev/null 2>&1
rc=$?
expect_eq "drop-in: a plain bundle and global flags pass through untouched" "$(cmp -s "$T/orig.json" "$b/config.json" && echo same):$rc" "same:9"
"$POUCH_RUNC" --root "$T/runc-root" delete -f "$id" >/dev/null 2>&1
"$POUCH_RUNC" state no-such-container-$$ >/dev/null 2>&1
expect_eq "drop-in: runc's own errors and statuses pass through" "$?" 1

# io.pouch.initscript becomes an OCI prestart hook, run by runc on the host
printf '#!/bin/sh\ncat >%s/hookstate\n' "$T" >"$T/host-initscript"
chmod +x "$T/host-initscript"
jq --arg h "$T/host-initscript" '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.initscript": $h}' \
	"$T/orig.json" >"$b/config.json"
"$POUCH_RUNC" run --bundle "$b" "$id" </dev/null >/dev/null 2>&1
check "io.pouch.initscript runs as an OCI prestart hook with the state" grep -q "\"id\":\"$id\"" "$T/hookstate"
runc delete -f "$id" >/dev/null 2>&1

# rich-run -d: detached, cleaned up by its monitor when the container ends
dname=pouch-test-d-$$
out=$("$POUCH_RUNC" rich-run -d --rootfs "$rootfs" --name "$dname" -- sh -c 'echo detached-output; sleep 0.5; exit 4')
expect_eq "rich-run -d prints the name once the container runs" "$out" "$dname"
wait_for 10 sh -c "! runc list -q | grep -q '^$dname\$'"
wait_for 5 grep -q "exited with status 4" "/run/pouch-runc/$dname.log"
check "rich-run -d: output and exit status in /run/pouch-runc/NAME.log" grep -q detached-output "/run/pouch-runc/$dname.log"
check "rich-run -d: the bundle is removed after the end" sh -c "! ls -d /run/pouch-runc/$dname.* 2>/dev/null | grep -v '\.log\$' | grep -q ."
rm -f "/run/pouch-runc/$dname.log"

# sbin-init mode: CMD registered with busybox init, hooks around it
mkdir -p "$rootfs/sbin"; ln -sf /bin/busybox "$rootfs/sbin/init"
conf_new
mkdir -p "$C/hooks/prestart.d" "$C/hooks/poststop.d"
printf '#!/bin/sh\necho FROM_HOOK=yes >>"$POUCH_ENV_FILE"\n' >"$C/hooks/prestart.d/10"
printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON" >/out/post\n' >"$C/hooks/poststop.d/10"
chmod +x "$C/hooks/prestart.d/10" "$C/hooks/poststop.d/10"
rm -f "$T/out/post" "$T/out/sbin"
timeout 30 "$POUCH_RUNC" rich-run --rootfs "$rootfs" --mode sbin-init --config "$C" -v "$T/out:/out" \
	--name "$name" -- sh -c 'echo "$FROM_HOOK $(cat /proc/1/comm)" >/out/sbin; exit 3' >/dev/null 2>&1
check "sbin-init: busybox init is pid 1 and runs CMD with the prestart env" grep -qx "yes init" "$T/out/sbin"
expect_eq "sbin-init: the poststop hook sees CMD's status" "$(cat "$T/out/post")" "3 cmd-exited"
expect_eq "sbin-init: the container ends, nothing left" "$(runc list -q | grep -c "^$name\$")" 0
rm -f "$T/out/post" "$T/out/sbin"
"$POUCH_RUNC" rich-run --rootfs "$rootfs" --mode sbin-init --config "$C" -v "$T/out:/out" \
	--name "$name" -- sh -c 'echo up >/out/sbin; exec sleep 1000' >/dev/null 2>&1 &
bg=$!
wait_for 20 test -s "$T/out/sbin"
kill -TERM $bg
wait_for 20 sh -c "! kill -0 $bg 2>/dev/null"
wait $bg 2>/dev/null
expect_eq "sbin-init: SIGTERM to rich-run: busybox init's shutdown runs the poststop hook" "$(cat "$T/out/post" 2>/dev/null)" "143 signal"
expect_eq "sbin-init: ... and the container ends" "$(runc list -q | grep -c "^$name\$")" 0
rm -f "$rootfs/sbin/init"
printf '#!/bin/sh\nexec sleep 1000\n' >"$rootfs/sbin/init"; chmod +x "$rootfs/sbin/init"
timeout 30 "$POUCH_RUNC" rich-run --rootfs "$rootfs" --mode sbin-init -- true 2>"$T/err"
expect_eq "sbin-init with an unknown /sbin/init: 125" "$?" 125
check "... says which inits it knows" grep -q "mode sbin-init: /sbin/init is neither busybox init nor sysvinit" "$T/err"
rm -f "$rootfs/sbin/init"
timeout 30 "$POUCH_RUNC" rich-run --rootfs "$rootfs" --mode sbin-init -- true 2>"$T/err"
expect_eq "sbin-init without /sbin/init: 125" "$?" 125
check "... says so" grep -q "mode sbin-init: the image has no /sbin/init" "$T/err"
timeout 30 "$POUCH_RUNC" rich-run --rootfs "$rootfs" --mode systemd -- true 2>"$T/err"
expect_eq "systemd mode without systemd: 125" "$?" 125
check "... says so" grep -q "mode systemd: the image has no /lib/systemd/systemd" "$T/err"

# ---- bad input: a clear error, no half-made container
"$POUCH_RUNC" run --bundle "$T/no-such-bundle" "$id" </dev/null 2>"$T/err"
check "missing bundle: non-zero" [ $? -ne 0 ]
echo '{"ociVersion": "1.0.2", "process": ' >"$b/config.json"
"$POUCH_RUNC" run --bundle "$b" "$id" </dev/null 2>"$T/err"
expect_eq "broken config.json: exit 1" "$?" 1
check "... naming the file and line" grep -q "pouch-runc: error: .*config.json:[0-9]*:" "$T/err"
jq '.annotations = {"io.pouch.rich-mode": "bogus"}' "$T/orig.json" >"$b/config.json"
"$POUCH_RUNC" run --bundle "$b" "$id" </dev/null 2>"$T/err"
expect_eq "unknown mode: exit 1" "$?" 1
check "... says so" grep -q "unknown rich mode 'bogus'" "$T/err"
mkdir -p "$T/lonely"; cp "$POUCH_RUNC" "$T/lonely/pouch-runc"
jq '.annotations = {"io.pouch.rich-mode": "pouch"}' "$T/orig.json" >"$b/config.json"
POUCH_INIT_BINARY= "$T/lonely/pouch-runc" run --bundle "$b" "$id" </dev/null 2>"$T/err"
expect_eq "no pouch-init binary: exit 1" "$?" 1
check "... says so" grep -q "no pouch-init next to pouch-runc" "$T/err"
POUCH_INIT_BINARY="$POUCH_INIT" "$T/lonely/pouch-runc" --version >"$T/ver" 2>&1
check "POUCH_INIT_BINARY is used, and --version says which" grep -q "pouch-init: $POUCH_INIT" "$T/ver"
expect_eq "bad input leaves no container behind" "$(runc list -q | grep -c "^$id\$")" 0
"$POUCH_RUNC" rich-run --rootfs "$rootfs" --mode bogus -- true 2>"$T/err"
expect_eq "rich-run: unknown mode: 125" "$?" 125
"$POUCH_RUNC" rich-run -- true 2>"$T/err"
expect_eq "rich-run: no --rootfs: 125" "$?" 125
true

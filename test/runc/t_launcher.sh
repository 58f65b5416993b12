# pouch-runc with real runc: rich-run end to end on a busybox root
# filesystem; the drop-in runc face within what the administrator's
# pouch-runc.conf allows (hostile bundles refused, nothing half-made);
# config.json kept byte for byte; runc's and crun's global options; bad
# input.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v runc >/dev/null || [ ! -x /bin/busybox ] || ! command -v python3 >/dev/null; then
	skip "launcher tests: runc, busybox-static or python3 missing"
	return 0 2>/dev/null || exit 0
fi
: "${POUCH_RUNC:?}"
# the tests' own pouch-runc.conf, never the machine's /etc/pouch-runc.conf
PRC="$T/pouch-runc.conf"
export POUCH_RUNC_CONFIG="$PRC"
# prc: $PRC from stdin, root's and 0644 as pouch-runc wants it
prc() { cat >"$PRC"; chown 0:0 "$PRC"; chmod 0644 "$PRC"; }
# run_b: pouch-runc run the bundle $b as $id; status in $rc, stderr in $T/err
run_b() { "$POUCH_RUNC" "$@" run --bundle "$b" "$id" </dev/null >"$T/stdout" 2>"$T/err"; rc=$?; runc delete -f "$id" >/dev/null 2>&1; }
# subseq A B: every byte of A is in B, in order (B only adds to A)
subseq() { python3 -c 'import sys
a = open(sys.argv[1], "rb").read(); it = iter(open(sys.argv[2], "rb").read())
sys.exit(0 if all(c in it for c in a) else 1)' "$1" "$2"; }
no_container() { [ "$(runc list -q | grep -c "^$1\$")" = 0 ]; }

rootfs="$T/rootfs"
make_busybox_rootfs "$rootfs"
mkdir -p "$rootfs/var/log" "$rootfs/var/spool/cron/crontabs" "$T/out"
chmod 1777 "$T/out" # --user writes here too
ln -s ../run "$rootfs/var/run"
rm -f "$PRC"

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
	/bin/sh -c 'sleep 1; ps -o args >/out/ps; cat /var/log/messages >/out/messages; echo "$HOOK_SAYS $FROM_CLI $(hostname)" >/out/env; grep " /run " /proc/mounts >/out/run; exit 5' \
	>"$T/rr.out" 2>"$T/rr.err"
expect_eq "rich-run: the container's status is CMD's" "$?" 5
check "rich-run: pouch-init is pid 1" sh -c "head -n 2 '$T/out/ps' | grep -q '^/.pouch/init --mode pouch -- /bin/sh'"
check "rich-run: busybox syslogd runs from services.d" grep -q "^/bin/syslogd -n" "$T/out/ps"
check "rich-run: busybox crond runs from services.d" grep -q "^/bin/crond -f" "$T/out/ps"
check "rich-run: the agent's messages reach syslog" grep -q "agent: heartbeat" "$T/out/messages"
check "rich-run: crond logs to syslog" grep -q "crond.*started" "$T/out/messages"
expect_eq "rich-run: prestart env, -e and the hostname reach CMD" "$(cat "$T/out/env")" "hi yes $name"
expect_eq "rich-run: the poststop hook ran" "$(cat "$T/out/post")" "5 cmd-exited"
check "rich-run: the container has a /run of its own (tmpfs)" grep -q "^tmpfs /run tmpfs" "$T/out/run"
check "rich-run: ... so pouch-init's state is not in the rootfs" [ ! -e "$rootfs/run/pouch" ]
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

# two containers on one --rootfs: each has its own /run, so B cannot
# unlink A's control socket
conf_new
printf '[service]\nexec = /bin/sleep 1000\n' >"$C/services.d/idle.ini"
"$POUCH_RUNC" rich-run -d --rootfs "$rootfs" --config "$C" --name "$name-a" -- sh -c 'touch /run/mine-a; sleep 60' >/dev/null
wait_for 10 runc exec "$name-a" test -S /run/pouch/control.sock
"$POUCH_RUNC" rich-run --rootfs "$rootfs" --config "$C" --name "$name-b" -- sh -c 'ls /run /run/pouch' >"$T/b.out" 2>&1
check "rich-run: B does not see A's /run" sh -c "! grep -q mine-a '$T/b.out'"
runc exec "$name-a" /.pouch/init ctl status >"$T/a.status" 2>&1
expect_eq "rich-run: A's control socket still answers after B ran" "$?" 0
runc kill "$name-a" KILL 2>/dev/null
wait_for 10 no_container "$name-a"
rm -f "/run/pouch-runc/$name-a.log"

# --read-only, --user, --tmpfs
"$POUCH_RUNC" rich-run --rootfs "$rootfs" --read-only --tmpfs /scratch:size=1m --mode dumb-init \
	-v "$T/out:/out" --name "$name" -- sh -c 'touch /x 2>/dev/null; echo "root:$?" >/out/ro;
	touch /run/y && echo "run:$?" >>/out/ro; touch /scratch/z && echo "scratch:$?" >>/out/ro;
	grep " /scratch " /proc/mounts >>/out/ro; stat -c %a /scratch >>/out/ro' >/dev/null 2>&1
expect_eq "rich-run --read-only: / is not writable, /run is; --tmpfs makes a tmpfs (1777, options kept)" \
	"$(sed 's/ tmpfs .*size=1024k.*/ tmpfs-1m/' "$T/out/ro" | tr '\n' ' ')" "root:1 run:0 scratch:0 tmpfs /scratch tmpfs-1m 1777 "
"$POUCH_RUNC" rich-run --rootfs "$rootfs" --user 1000:1001 --mode dumb-init -v "$T/out:/out" \
	--name "$name" -- sh -c 'echo "$(id -u):$(id -g) $(stat -c %u:%g /run)" >/out/user; touch /run/mine' >/dev/null 2>&1
expect_eq "rich-run --user UID:GID: CMD runs as that user, who owns /run" "$(cat "$T/out/user" 2>/dev/null)" "1000:1001 1000:1001"
"$POUCH_RUNC" rich-run --rootfs "$rootfs" --user nobody -- true 2>"$T/err"
expect_eq "rich-run --user with a name: 125" "$?" 125
check "... says numbers" grep -q "bad --user 'nobody' (want UID\[:GID\], numbers)" "$T/err"

# --name: Docker's rule, never a shell
for bad in 'x;touch /tmp/pouch-name-'$$ '../x' '-x' 'a b' ''; do
	"$POUCH_RUNC" rich-run --rootfs "$rootfs" --name "$bad" -- true 2>"$T/err"
	rc=$?
	check "rich-run --name '$bad' is refused (125, says the rule)" sh -c "[ $rc = 125 ] && grep -q 'bad --name' '$T/err'"
done
check "... and nothing ran" [ ! -e "/tmp/pouch-name-$$" ]

# ---- rich-run -d: detached; whole lines in the log; no shell
dname=pouch-test-d-$$
out=$("$POUCH_RUNC" rich-run -d --rootfs "$rootfs" --name "$dname" -- sh -c 'echo detached-output; sleep 0.5; exit 4')
expect_eq "rich-run -d prints the name once the container runs" "$out" "$dname"
wait_for 10 sh -c "! runc list -q | grep -q '^$dname\$'"
wait_for 5 grep -q "exited with status 4" "/run/pouch-runc/$dname.log"
check "rich-run -d: output and exit status in /run/pouch-runc/NAME.log" grep -q detached-output "/run/pouch-runc/$dname.log"
check "rich-run -d: the bundle is removed after the end" sh -c "! ls -d /run/pouch-runc/$dname.* 2>/dev/null | grep -v '\.log\$' | grep -q ."
rm -f "/run/pouch-runc/$dname.log"
# stdout and stderr at once, lines of 3,000 bytes written in pieces
# that are not lines: every line arrives whole
"$POUCH_RUNC" rich-run -d --rootfs "$rootfs" --name "$dname" -- sh -c 'sleep 1
	o=$(printf "%3000s" "" | tr " " o); e=$(printf "%3000s" "" | tr " " e)
	(i=0; while [ $i -lt 300 ]; do echo "$o"; i=$((i + 1)); done) | dd bs=1000 2>/dev/null &
	(i=0; while [ $i -lt 300 ]; do echo "$e"; i=$((i + 1)); done) | dd bs=1000 >&2 2>/dev/null
	wait' >/dev/null
wait_for 30 grep -q "exited with status" "/run/pouch-runc/$dname.log"
expect_eq "rich-run -d: 600 lines of stdout and stderr, each whole, none lost" \
	"$(grep -c -E '^(o{3000}|e{3000})$' "/run/pouch-runc/$dname.log"):$(grep -c -v -E '^(o{3000}|e{3000})$|exited with status' "/run/pouch-runc/$dname.log")" "600:0"
rm -f "/run/pouch-runc/$dname.log"
# with a /bin/sh that only leaves a mark, in a mount namespace of its own
printf '#!/bin/busybox sh\ntouch %s/shell-used\nexit 1\n' "$T" >"$T/fake-sh"
chmod 755 "$T/fake-sh"
unshare --mount --propagation private sh -c "mount --bind '$T/fake-sh' /bin/sh && exec '$POUCH_RUNC' rich-run -d --rootfs '$rootfs' --name '$dname' -- sleep 2" >"$T/d.out" 2>&1
expect_eq "rich-run -d: runs, with no shell on the host side" "$(cat "$T/d.out"):$(test -e "$T/shell-used" && echo shell)" "$dname:"
wait_for 10 no_container "$dname"
rm -f "/run/pouch-runc/$dname.log"

# the runtime's global options reach every runc call of rich-run
"$POUCH_RUNC" --root "$T/rr-root" rich-run -d --rootfs "$rootfs" --name "$dname" -- sleep 30 >/dev/null
check "pouch-runc --root R rich-run: the container lives under R" sh -c "runc --root '$T/rr-root' state '$dname' | grep -q running && ! runc state '$dname' >/dev/null 2>&1"
runc --root "$T/rr-root" kill "$dname" KILL
wait_for 10 sh -c "! runc --root '$T/rr-root' list -q | grep -q '^$dname\$'"
expect_eq "... and its monitor deletes it there" "$(runc --root "$T/rr-root" list -q | grep -c "^$dname\$")" 0
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

# ---- the drop-in face: create/run rewrite config.json, the rest passes
b="$T/bundle"
mkdir -p "$b"
make_bundle "$b" /bin/sh -c 'sleep 1; tr "\0" " " </proc/1/cmdline >/out/cmdline; ls /etc/pouch/services.d >/out/conf; ps -o args >/out/ps; exit 9'
jq --arg r "$rootfs" '.root.path = $r' "$b/config.json" >"$T/orig.json"
jq --arg o "$T/out" '.mounts += [{"destination": "/out", "type": "bind", "source": $o, "options": ["rbind", "rw"]}]' \
	"$T/orig.json" >"$T/orig-out.json"
id=pouch-test-drop-$$
# an administrator's directory for /etc/pouch, with a submount inside
A="$T/admin-web"
mkdir -p "$A/services.d" "$A/sub"
cp "$T_SRC/contrib/services.d/busybox/syslogd.ini" "$A/services.d/"
mount -t tmpfs -o size=1m tmpfs "$A/sub"
echo from-the-host >"$A/sub/host-file"
printf '#!/bin/sh\ncat >%s/hookstate\n' "$T" >"$T/net-setup"
chmod 755 "$T/net-setup"
long="$T/$(printf '%0230d' 0)"
mkdir -p "$long/services.d"
prc <<EOF
[runtime]
modes = pouch dumb-init   ; the modes that add no privilege
[config web]
path = $A
[config long]
	path = $long   ; a line longer than inih's buffer, indented
[initscript net]
path = $T/net-setup
timeout = 7s
EOF
jq '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.config": "web"}' "$T/orig-out.json" >"$b/config.json"
cp "$b/config.json" "$T/before.json"
rm -f "$T/out/"*
run_b
expect_eq "drop-in run: the container's status passes through" "$rc" 9
check "drop-in run: pouch-init is pid 1 with the original args" grep -q "^/.pouch/init --mode pouch -- /bin/sh -c " "$T/out/cmdline"
check "drop-in run: io.pouch.config=web mounts [config web] at /etc/pouch" grep -q "syslogd.ini" "$T/out/conf"
check "drop-in run: ... and its services run" grep -q "^/bin/syslogd -n" "$T/out/ps"
expect_eq "drop-in run: every other field of config.json is kept" \
	"$(jq -S 'del(.process.args, .mounts)' "$b/config.json")" "$(jq -S 'del(.process.args, .mounts)' "$T/before.json")"
expect_eq "drop-in run: the original mounts are all still there, in order" \
	"$(jq -c '[.mounts[] | select(.destination != "/etc/pouch" and .destination != "/.pouch/init")]' "$b/config.json")" \
	"$(jq -c '.mounts' "$T/before.json")"
check "drop-in run: config.json only gained text (every byte kept, in order)" subseq "$T/before.json" "$b/config.json"
# the admin's directory is read-only, submounts included
jq '.annotations = {"io.pouch.rich-mode": "dumb-init", "io.pouch.config": "web"}
	| .process.args = ["/bin/sh", "-c", "cat /etc/pouch/sub/host-file >/out/sub; touch /etc/pouch/sub/x 2>/dev/null; echo $? >>/out/sub; touch /etc/pouch/y 2>/dev/null; echo $? >>/out/sub"]' \
	"$T/orig-out.json" >"$b/config.json"
run_b
expect_eq "io.pouch.config: a submount inside the directory is read-only in the container" \
	"$(tr '\n' ' ' <"$T/out/sub"):$(ls "$A/sub")" "from-the-host 1 1 :host-file"
# a runtime without "rro" gets a non-recursive bind: the submount is not there at all
printf '#!/bin/sh\n[ "$1" = features ] && exit 1\nexec runc "$@"\n' >"$T/runc-no-rro"
chmod 755 "$T/runc-no-rro"
jq '.annotations = {"io.pouch.rich-mode": "dumb-init", "io.pouch.config": "web"}
	| .process.args = ["/bin/sh", "-c", "ls /etc/pouch/sub >/out/sub; touch /etc/pouch/sub/x 2>/dev/null; echo $? >>/out/sub"]' \
	"$T/orig-out.json" >"$b/config.json"
export POUCH_RUNC_RUNTIME="$T/runc-no-rro"; run_b; unset POUCH_RUNC_RUNTIME
expect_eq "io.pouch.config without rro: the submount is not exposed, and nothing is writable" \
	"$(tr '\n' ' ' <"$T/out/sub"):$(ls "$A/sub")" "1 :host-file"
touch "$long/services.d/long-line.ini"
jq '.annotations = {"io.pouch.rich-mode": "dumb-init", "io.pouch.config": "long"}' "$T/orig-out.json" >"$b/config.json"
run_b
expect_eq "pouch-runc.conf: an indented key on a line of $(( ${#long} + 15 )) characters" "$(cat "$T/out/conf")" "long-line.ini"
jq '.process.env += ["POUCH_RICH_MODE=dumb-init"]' "$T/orig-out.json" >"$b/config.json"
run_b
expect_eq "drop-in run: POUCH_RICH_MODE in process.env works too" "$(cut -d' ' -f1-3 "$T/out/cmdline")" "/.pouch/init --mode dumb-init"
cp "$T/orig.json" "$b/config.json"
run_b --root "$T/runc-root"
"$POUCH_RUNC" --root "$T/runc-root" delete -f "$id" >/dev/null 2>&1
expect_eq "drop-in: a plain bundle and global flags pass through untouched" "$(cmp -s "$T/orig.json" "$b/config.json" && echo same):$rc" "same:9"
"$POUCH_RUNC" state no-such-container-$$ >/dev/null 2>&1
expect_eq "drop-in: runc's own errors and statuses pass through" "$?" 1

# io.pouch.initscript=NAME: the administrator's host hook, an OCI prestart hook
jq '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.initscript": "net"}' "$T/orig.json" >"$b/config.json"
run_b
check "io.pouch.initscript=net runs [initscript net] as an OCI prestart hook with the state" grep -q "\"id\":\"$id\"" "$T/hookstate"
expect_eq "... with the administrator's timeout" "$(jq -c '.hooks.prestart' "$b/config.json")" "[{\"path\":\"$T/net-setup\",\"args\":[\"$T/net-setup\"],\"timeout\":7}]"
chmod 775 "$T/net-setup"
jq '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.initscript": "net"}' "$T/orig.json" >"$b/config.json"
rm -f "$T/hookstate"
run_b
check "a group-writable host hook is refused, naming it" sh -c "[ $rc = 1 ] && grep -q 'annotation io.pouch.initscript: \[initscript net\] $T/net-setup: writable by its group' '$T/err'"
check "... and it did not run" [ ! -e "$T/hookstate" ]
chmod 755 "$T/net-setup"

# ---- hostile bundles: refused, config.json untouched, runc never called
printf '#!/bin/sh\ntouch %s/evil-ran\n' "$T" >"$T/evil"
chmod 755 "$T/evil"
refused() { # NAME WANT: the last run was refused with WANT, nothing made
	check "$1: exit 1" [ "$rc" = 1 ]
	check "$1: says why" grep -qF "pouch-runc: error: $2" "$T/err"
	check "$1: config.json untouched" cmp -s "$b/config.json" "$T/hostile.json"
	check "$1: no container" no_container "$id"
}
jq --arg h "$T/evil" '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.initscript": $h}' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"; run_b
refused "io.pouch.initscript=/host/path" "annotation io.pouch.initscript: '$T/evil' is not an [initscript NAME] entry of $PRC (a bundle names an entry, never a host path)"
check "io.pouch.initscript=/host/path: the host script never ran" [ ! -e "$T/evil-ran" ]
jq '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.config": "/"}' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"; run_b
refused "io.pouch.config=/" "annotation io.pouch.config: '/' is not a [config NAME] entry of $PRC (a bundle names an entry, never a host path)"
jq '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.config": "nosuch"}' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"; run_b
refused "io.pouch.config=an unknown name" "annotation io.pouch.config: 'nosuch' is not a [config NAME] entry"
jq '.process.env += ["POUCH_RICH_MODE=sbin-init"]' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"; run_b
refused "POUCH_RICH_MODE=sbin-init from the image, not allowed" "process.env POUCH_RICH_MODE: rich mode 'sbin-init' is not allowed here (allowed: pouch dumb-init;"
check "POUCH_RICH_MODE=sbin-init: no CAP_SYS_BOOT reaches config.json" sh -c "! grep -q CAP_SYS_BOOT '$b/config.json'"
jq '.annotations = {"io.pouch.rich-mode": "systemd"}' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"; run_b
refused "io.pouch.rich-mode=systemd, not allowed" "annotation io.pouch.rich-mode: rich mode 'systemd' is not allowed here"
jq '.annotations = {"io.pouch.config": "web"}' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"; run_b
refused "io.pouch.config without a rich mode" "annotation io.pouch.config: no rich mode is asked for"
jq '.annotations = {"io.pouch.rich-mode": "bogus"}' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"; run_b
refused "an unknown mode" "annotation io.pouch.rich-mode: unknown rich mode 'bogus' (pouch, dumb-init, systemd, sbin-init)"
sed 's/^{/{"annotations": {"io.pouch.rich-mode": "pouch"}, "Annotations": {},/' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"; run_b
refused "annotations given twice (runc matches names case-insensitively)" "config.json: 'annotations' is given twice"
# with runc's --log FILE --log-format json (as containerd calls it): the
# refusal is there too, as runc writes its errors
jq '.annotations = {"io.pouch.rich-mode": "pouch", "io.pouch.config": "/"}' "$T/orig.json" >"$b/config.json"
rm -f "$T/log.json"
run_b --log "$T/log.json" --log-format json
check "--log FILE --log-format json: the refusal is a JSON line of runc's log format" \
	jq -s -e >/dev/null 'length == 1 and (.[0] | .level == "error" and (.msg | startswith("pouch-runc: annotation io.pouch.config: '"'/'"' is not a [config NAME] entry")) and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")))' "$T/log.json"
rm -f "$T/log.txt"
run_b --log="$T/log.txt"
check "--log FILE (text): logrus' text line" grep -q '^time="[^"]*" level=error msg="pouch-runc: annotation io.pouch.config: ' "$T/log.txt"

# the administrator allows more: systemd and sbin-init get what they need
prc <<EOF
[runtime]
modes = pouch sbin-init systemd
EOF
jq '.process.env += ["POUCH_RICH_MODE=sbin-init"]' "$T/orig.json" >"$b/config.json"
"$POUCH_RUNC" create --bundle "$b" "$id" </dev/null >/dev/null 2>"$T/err"
runc delete -f "$id" >/dev/null 2>&1
expect_eq "an allowed sbin-init gets CAP_SYS_BOOT (own pid namespace)" \
	"$(jq -c '[.process.capabilities.bounding, .process.capabilities.effective, .process.capabilities.permitted] | map(index("CAP_SYS_BOOT") != null)' "$b/config.json")" "[true,true,true]"
jq '.process.env += ["POUCH_RICH_MODE=sbin-init"] | .linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]' \
	"$T/orig.json" >"$b/config.json"
"$POUCH_RUNC" create --bundle "$b" "$id" </dev/null >/dev/null 2>&1
runc delete -f "$id" >/dev/null 2>&1
check "... but not with the host's pid namespace (reboot(2) would reboot the host)" sh -c "! grep -q CAP_SYS_BOOT '$b/config.json'"
# systemd mode: /tmp is 1777 (runc keeps the mode of an image's /tmp: here
# there is none), /run comes before the bundle's mounts under /run (and
# /var/run), so those stay visible
rmdir "$rootfs/tmp"
mkdir -p "$rootfs/lib/systemd" "$T/secrets"
echo sa-token >"$T/secrets/token"
printf '#!/bin/sh\n{ stat -c %%a /tmp; stat -c %%a /run/lock; cat /run/secrets/kubernetes.io/serviceaccount/token; cat /var/run/other/token; } >/out/sd\n' >"$rootfs/lib/systemd/systemd"
chmod 755 "$rootfs/lib/systemd/systemd"
jq --arg s "$T/secrets" '.annotations = {"io.pouch.rich-mode": "systemd"}
	| .mounts += [{"destination": "/run/secrets/kubernetes.io/serviceaccount", "type": "bind", "source": $s, "options": ["rbind", "ro"]},
		{"destination": "/var/run/other", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]' \
	"$T/orig-out.json" >"$b/config.json"
rm -f "$T/out/sd"
run_b
expect_eq "systemd mode: /tmp and /run/lock are 1777; the bundle's mounts under /run and /var/run stay visible" \
	"$(tr '\n' ' ' <"$T/out/sd" 2>/dev/null)" "1777 1777 sa-token sa-token "
# a bundle with a /run of its own (rich-run, docker --tmpfs /run): our
# /run/lock goes after it, not under it
jq --arg s "$T/secrets" '.annotations = {"io.pouch.rich-mode": "systemd"}
	| .mounts += [{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=755"]},
		{"destination": "/run/secrets/kubernetes.io/serviceaccount", "type": "bind", "source": $s, "options": ["rbind", "ro"]},
		{"destination": "/var/run/other", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]' \
	"$T/orig-out.json" >"$b/config.json"
rm -f "$T/out/sd"
rmdir "$rootfs/tmp" 2>/dev/null # made by the run above
run_b
expect_eq "systemd mode with the bundle's own /run: /run/lock is still a tmpfs of its own" \
	"$(tr '\n' ' ' <"$T/out/sd" 2>/dev/null)" "1777 1777 sa-token sa-token "
# a read-only bind of a host directory at /sys/fs/cgroup stays read-only:
# only the runtime's own cgroup mount is made writable for systemd
mkdir -p "$T/hostdir"; rm -f "$T/hostdir/pwned"
printf '#!/bin/sh\necho x >/sys/fs/cgroup/pwned 2>/dev/null; echo done >/out/sd\n' >"$rootfs/lib/systemd/systemd"
jq --arg h "$T/hostdir" '.annotations = {"io.pouch.rich-mode": "systemd"}
	| .mounts = [.mounts[] | select(.destination != "/sys/fs/cgroup")]
	| .mounts += [{"destination": "/sys/fs/cgroup", "type": "bind", "source": $h, "options": ["rbind", "rprivate", "ro"]}]' \
	"$T/orig-out.json" >"$b/config.json"
rm -f "$T/out/sd"
rmdir "$rootfs/tmp" 2>/dev/null
run_b
check "systemd mode: a read-only host bind at /sys/fs/cgroup is not made writable" \
	sh -c "[ \"\$(cat '$T/out/sd' 2>/dev/null)\" = done ] && [ ! -e '$T/hostdir/pwned' ]"
# ... also when its "type" says cgroup: runc ignores the type of a mount
# whose options say bind or rbind, and makes it a bind mount
rm -f "$T/hostdir/pwned"
jq --arg h "$T/hostdir" '.annotations = {"io.pouch.rich-mode": "systemd"}
	| .mounts = [.mounts[] | select(.destination != "/sys/fs/cgroup")]
	| .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": $h, "options": ["rbind", "rprivate", "ro"]}]' \
	"$T/orig-out.json" >"$b/config.json"
rm -f "$T/out/sd"
rmdir "$rootfs/tmp" 2>/dev/null
run_b
check "systemd mode: a host bind at /sys/fs/cgroup with \"type\": \"cgroup\" stays read-only" \
	sh -c "[ \"\$(cat '$T/out/sd' 2>/dev/null)\" = done ] && [ ! -e '$T/hostdir/pwned' ]"
expect_eq "... its options are left as they were" \
	"$(jq -c '[.mounts[] | select(.destination == "/sys/fs/cgroup") | .options]' "$b/config.json")" '[["rbind","rprivate","ro"]]'
jq --arg h "$T/hostdir" '.annotations = {"io.pouch.rich-mode": "systemd"}
	| .mounts = [.mounts[] | select(.destination != "/sys/fs/cgroup")]
	| .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup2", "source": $h, "options": ["ro", "bind"]}]' \
	"$T/orig-out.json" >"$b/config.json"
rm -f "$T/out/sd"
rmdir "$rootfs/tmp" 2>/dev/null
run_b
check "systemd mode: ... or \"type\": \"cgroup2\" and \"bind\"" \
	sh -c "[ \"\$(cat '$T/out/sd' 2>/dev/null)\" = done ] && [ ! -e '$T/hostdir/pwned' ]"
# the runtime's own cgroup mount (runc spec's, "ro") is made writable:
# the container's cgroup can have a child, as systemd makes them
printf '#!/bin/sh\nc=/sys/fs/cgroup/pids\n[ -d $c ] || c=/sys/fs/cgroup\nmkdir $c/pouch-t && rmdir $c/pouch-t && echo writable >/out/sd\n' >"$rootfs/lib/systemd/systemd"
jq '.annotations = {"io.pouch.rich-mode": "systemd"}' "$T/orig-out.json" >"$b/config.json"
rm -f "$T/out/sd"
rmdir "$rootfs/tmp" 2>/dev/null
run_b
expect_eq "systemd mode: the runtime's own cgroup mount becomes writable" "$(cat "$T/out/sd" 2>/dev/null)" writable
expect_eq "... its \"ro\" turned into \"rw\"" \
	"$(jq -c '[.mounts[] | select(.destination == "/sys/fs/cgroup") | .options | index("ro"), index("rw")]' "$b/config.json")" '[null,4]'
# a cgroup namespace the bundle joins by path (here the host's, this
# shell's) is not the container's own: made writable, it would be the
# host's whole cgroup tree. Refused, naming the mode and the path, and
# nothing runs; the image's systemd (and CMD, in sbin-init mode) would
# lower a host cgroup's pids.max
hc=/sys/fs/cgroup/pids
[ -d "$hc" ] || hc=/sys/fs/cgroup
hc="$hc/pouch-t-host-$$"
mkdir "$hc"
atk="echo 7 >$hc/pids.max; echo ran >/out/sd"
printf '#!/bin/sh\n%s\n' "$atk" >"$rootfs/lib/systemd/systemd"
ln -sf /bin/busybox "$rootfs/sbin/init"
for mode in systemd sbin-init; do
	echo 50 >"$hc/pids.max"
	jq --arg m "$mode" --arg p "/proc/$$/ns/cgroup" --arg a "$atk" '.annotations = {"io.pouch.rich-mode": $m}
		| .process.args = ["/bin/sh", "-c", $a]
		| .linux.namespaces += [{"type": "cgroup", "path": $p}]' "$T/orig-out.json" >"$T/hostile.json"
	cp "$T/hostile.json" "$b/config.json"
	rm -f "$T/out/sd"
	rmdir "$rootfs/tmp" 2>/dev/null
	run_b
	refused "$mode mode joining the host's cgroup namespace by path" \
		"$b/config.json: rich mode '$mode': linux.namespaces joins the cgroup namespace '/proc/$$/ns/cgroup' by path; this mode needs one of its own (it makes /sys/fs/cgroup writable)"
	check "$mode mode, host's cgroup namespace: nothing ran" [ ! -e "$T/out/sd" ]
	expect_eq "$mode mode, host's cgroup namespace: the host cgroup's pids.max is as it was" "$(cat "$hc/pids.max")" 50
done
rm -f "$rootfs/sbin/init"
rmdir "$hc"
# a cgroup namespace of its own, asked for by the bundle: still writable
printf '#!/bin/sh\nc=/sys/fs/cgroup/pids\n[ -d $c ] || c=/sys/fs/cgroup\nmkdir $c/pouch-t && rmdir $c/pouch-t && echo writable >/out/sd\n' >"$rootfs/lib/systemd/systemd"
jq '.annotations = {"io.pouch.rich-mode": "systemd"} | .linux.namespaces += [{"type": "cgroup"}]' \
	"$T/orig-out.json" >"$b/config.json"
rm -f "$T/out/sd"
rmdir "$rootfs/tmp" 2>/dev/null
run_b
expect_eq "systemd mode with the bundle's own {\"type\": \"cgroup\"}: the cgroup mount becomes writable" \
	"$(cat "$T/out/sd" 2>/dev/null)" writable
rm -rf "$rootfs/lib"
mkdir -p "$rootfs/tmp"

# the configuration itself: root's, written by root only, checked
jq '.annotations = {"io.pouch.rich-mode": "pouch"}' "$T/orig.json" >"$T/hostile.json"
cp "$T/hostile.json" "$b/config.json"
chown 65534 "$PRC"; run_b
refused "pouch-runc.conf owned by nobody" "$PRC: owned by uid 65534, not root"
chown 0 "$PRC"; chmod 0664 "$PRC"; run_b
refused "group-writable pouch-runc.conf" "$PRC: writable by its group (mode 0664)"
mkdir -p "$T/opendir"; chmod 0777 "$T/opendir"
POUCH_RUNC_CONFIG="$T/opendir/pouch-runc.conf"; cp "$PRC" "$POUCH_RUNC_CONFIG"; chmod 0644 "$POUCH_RUNC_CONFIG"
run_b
refused "pouch-runc.conf in a directory others can write" "$T/opendir/pouch-runc.conf: directory $T/opendir is writable by others (mode 0777)"
POUCH_RUNC_CONFIG=$PRC
prc <<EOF
[runtime]
modes = pouch root-please
[config web]
  path = relative/dir
[initscript x]
timeout = 1500ms
[bogus]
EOF
run_b
refused "a bad pouch-runc.conf" "$PRC:2: unknown rich mode 'root-please'"
check "... every error as FILE:LINE" sh -c "grep -qF '$PRC:4: '\''relative/dir'\'' is not an absolute path' '$T/err' && grep -qF '$PRC:6: timeout '\''1500ms'\'': whole seconds' '$T/err' && grep -qF '$PRC:5: [initscript x] has no '\''path ='\''' '$T/err' && grep -qF '$PRC:7: unknown section [bogus]' '$T/err'"
# the real runtime: POUCH_RUNC_RUNTIME, then [runtime] runtime, then PATH
printf '#!/bin/sh\necho "$0" >>%s/runtime-used\nexec runc "$@"\n' "$T" >"$T/rt-conf"
cp "$T/rt-conf" "$T/rt-env"
chmod 755 "$T/rt-conf" "$T/rt-env"
prc <<EOF
[runtime]
runtime = $T/rt-conf
EOF
cp "$T/orig.json" "$b/config.json"; rm -f "$T/runtime-used"
run_b
export POUCH_RUNC_RUNTIME="$T/rt-env"; run_b; unset POUCH_RUNC_RUNTIME
expect_eq "the runtime comes from [runtime] runtime, and POUCH_RUNC_RUNTIME before it" \
	"$(tr '\n' ' ' <"$T/runtime-used")" "$T/rt-conf $T/rt-env "
"$POUCH_RUNC" --version >"$T/ver" 2>&1
check "--version names the configuration file and the runtime it gives" grep -qF "runc: $T/rt-conf; config: $PRC (modes: pouch dumb-init)" "$T/ver"
rm -f "$PRC"
POUCH_RUNC_CONFIG="$T/no-such.conf" "$POUCH_RUNC" --version >"$T/ver" 2>&1
check "--version: no file, the defaults" grep -qF "config: $T/no-such.conf (absent: bundles may ask for pouch dumb-init only)" "$T/ver"

# ---- a plain bundle reaches runc byte for byte whatever its JSON; a rich
# one keeps every value: uint64 above INT64_MAX, bytes that are not UTF-8,
# \u0000 in a string
jq --arg o "$T/out" '.process.args = ["/bin/sh", "-c", "echo \"$E\" | od -An -c | tr -s \" \" >/out/e; tr \"\\0\" \" \" </proc/1/cmdline >/out/cmdline; exit 4"]
	| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
		"syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
			"args": [{"index": 0, "value": "@BIG@", "op": "SCMP_CMP_EQ"}]}]}
	| .annotations = {"x.nul": "a\u0000b"} | .process.env += ["E=caf@E9@"]' "$T/orig-out.json" |
	sed "s/\"@BIG@\"/18446744073709551615/; s/@E9@/$(printf '\351')/" >"$T/weird.json"
cp "$T/weird.json" "$b/config.json"
runc run --bundle "$b" "$id" </dev/null >/dev/null 2>&1
expect_eq "(runc itself runs the odd bundle)" "$?" 4
runc delete -f "$id" >/dev/null 2>&1
cp "$T/out/e" "$T/e.runc"
run_b
expect_eq "plain odd bundle: runc runs it through pouch-runc" "$rc:$(cmp -s "$T/weird.json" "$b/config.json" && echo untouched)" "4:untouched"
sed 's/"x.nul":/"io.pouch.rich-mode": "pouch", "x.nul":/' "$T/weird.json" >"$T/weird-rich.json"
cp "$T/weird-rich.json" "$b/config.json"
rm -f "$T/out/e" "$T/out/cmdline"
run_b
expect_eq "rich odd bundle: runs, pouch-init is pid 1" "$rc:$(cut -d' ' -f1 "$T/out/cmdline" 2>/dev/null)" "4:/.pouch/init"
check "rich odd bundle: every byte of config.json kept, in order" subseq "$T/weird-rich.json" "$b/config.json"
check "rich odd bundle: 18446744073709551615, the 0xe9 byte and \\u0000 are there as they were" \
	env LC_ALL=C sh -c "grep -q '\"value\": 18446744073709551615' '$b/config.json' && grep -q 'caf$(printf '\351')\"' '$b/config.json' && grep -qF '\"a\\u0000b\"' '$b/config.json'"
expect_eq "rich odd bundle: CMD sees the environment exactly as under runc" "$(cat "$T/out/e")" "$(cat "$T/e.runc")"
sed 's/^{/{"Process": {"args": ["\/bin\/sh", "-c", "exit 3"]},/' "$T/orig.json" >"$T/dup.json"
cp "$T/dup.json" "$b/config.json"
runc run --bundle "$b" "$id" </dev/null >/dev/null 2>&1
want=$?
runc delete -f "$id" >/dev/null 2>&1
run_b
expect_eq "plain bundle with a member given twice (Process, process): to runc untouched, runc's status" \
	"$rc:$(cmp -s "$T/dup.json" "$b/config.json" && echo untouched)" "$want:untouched"
# a pod's sandbox is never made rich
jq '.annotations = {"io.pouch.rich-mode": "pouch", "io.kubernetes.cri.container-type": "sandbox"}' "$T/orig.json" >"$b/config.json"
cp "$b/config.json" "$T/sandbox.json"
run_b
expect_eq "a sandbox container (io.kubernetes.cri.container-type) passes through untouched" \
	"$rc:$(cmp -s "$T/sandbox.json" "$b/config.json" && echo untouched)" "9:untouched"

# ---- runc's and crun's global options, with and without '='
printf '#!/bin/sh\nfor a; do echo "$a"; done >%s/fake-args\nwhile [ $# -gt 0 ] && [ "$1" != create ]; do shift; done\nshift\nwhile [ $# -gt 0 ]; do case $1 in --bundle) cp "$2/config.json" %s/fake-config.json; shift;; esac; shift; done\n' "$T" "$T" >"$T/fake-crun"
chmod 755 "$T/fake-crun"
for flags in "--cgroup-manager disabled --log-level debug" "--cgroup-manager=disabled --log-level=debug" \
	"--root $T/r --log $T/l --log-format json --criu /bin/true --rootless false --systemd-cgroup --debug" \
	"-root $T/r -log-format=json" "--future-flag value"; do
	jq '.annotations = {"io.pouch.rich-mode": "pouch"}' "$T/orig.json" >"$b/config.json"
	rm -f "$T/fake-config.json"
	# shellcheck disable=SC2086
	POUCH_RUNC_RUNTIME="$T/fake-crun" "$POUCH_RUNC" $flags create --bundle "$b" "$id" >/dev/null 2>&1
	expect_eq "global options '$flags': the command is found, the bundle made rich" \
		"$(jq -r '.process.args[0]' "$T/fake-config.json" 2>/dev/null)" "/.pouch/init"
done
jq '.annotations = {"io.pouch.rich-mode": "pouch"}' "$T/orig-out.json" >"$b/config.json"
run_b --root "$T/runc-root" --log "$T/l" --log-format json --rootless false --criu /bin/true
"$POUCH_RUNC" --root "$T/runc-root" delete -f "$id" >/dev/null 2>&1
expect_eq "real runc with value-taking global options: rich, CMD's status" "$rc:$(cut -d' ' -f1 "$T/out/cmdline")" "9:/.pouch/init"

# ---- bad input: a clear error, no half-made container
"$POUCH_RUNC" run --bundle "$T/no-such-bundle" "$id" </dev/null 2>"$T/err"
check "missing bundle: non-zero" [ $? -ne 0 ]
printf '{"ociVersion": "1.0.2", "annotations": {"io.pouch.rich-mode": "pouch"},\n "process": ' >"$b/config.json"
run_b
expect_eq "broken config.json that asks for a rich mode: exit 1" "$rc" 1
check "... naming the file, line and column" grep -q "pouch-runc: error: .*config.json:2:13: unexpected end of the text (a rich container is asked for" "$T/err"
printf '{"ociVersion": "1.0.2", "process": ' >"$b/config.json"
run_b
check "broken plain config.json: runc's own error" sh -c "[ $rc -ne 0 ] && ! grep -q pouch-runc '$T/err'"
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
umount "$A/sub"
true

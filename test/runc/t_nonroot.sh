# Non-root and read-only containers: pouch-init as pid 1 with a non-root
# uid (docker run --user 1000, rich-run --user) and on a read-only root
# filesystem (docker run --read-only, rich-run --read-only). Services,
# hooks, the env file and ctl work from the state directory (/run/pouch,
# else $XDG_RUNTIME_DIR/pouch, else /tmp/pouch-UID, or [init] state_dir);
# what needs root or a writable /etc fails at once, saying so.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v runc >/dev/null || [ ! -x /bin/busybox ]; then
	skip "non-root tests: runc or busybox-static missing"
	return 0 2>/dev/null || exit 0
fi
rootfs=$T/rootfs
make_busybox_rootfs "$rootfs"
chmod 1777 "$rootfs/tmp"
echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >>"$rootfs/etc/passwd"
echo 'nobody:x:65534:' >>"$rootfs/etc/group"
mkdir -p "$T/out"
chmod 1777 "$T/out"
# a configuration for an unprivileged pid 1: a service, a notify service
# (pt is mounted at /pt), a prestart hook writing the env file, a poststop
# hook
conf_new
chmod 755 "$C" # pid 1 runs as 1000: its configuration is readable, root's
mkdir -p "$C/hooks/prestart.d" "$C/hooks/poststop.d"
cat >"$C/services.d/idle.ini" <<'EOF'
[service]
exec = /bin/sh -c 'echo "idle as $(id -u) with $HOOK_SAYS"; exec sleep 1000'
EOF
cat >"$C/services.d/nt.ini" <<'EOF'
[service]
type = notify
exec = /bin/sh -c 'echo "$NOTIFY_SOCKET" >/out/notify; /pt notify READY=1; exec sleep 1000'
EOF
printf '#!/bin/sh\necho "$POUCH_ENV_FILE" >/out/envfile\necho HOOK_SAYS=hi >>"$POUCH_ENV_FILE"\n' >"$C/hooks/prestart.d/10-env"
printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON $(id -u)" >/out/post\n' >"$C/hooks/poststop.d/10-rec"
chmod 755 "$C/hooks/prestart.d/10-env" "$C/hooks/poststop.d/10-rec"
NR=$C
# the CMD of every scene: what pid 1 made, as CMD's user sees it ($PI:
# pouch-init's path in the container)
scene='sleep 1; echo "$(id -u) $HOOK_SAYS" >/out/cmd; "$PI" ctl status >/out/status 2>&1; echo "ctl:$?" >>/out/cmd; exit 3'
clear_out() { rm -f "$T/out/"*; }
rr() { "$POUCH_RUNC" rich-run --rootfs "$rootfs" --name "pouch-test-nr-$$" -v "$T/out:/out" -v "$PT:/pt:ro" -e PI=/.pouch/init "$@"; }
# saw_scene WHAT STATE_DIR: the checks of a scene run as uid 1000
saw_scene() {
	expect_eq "$1: CMD runs as 1000 with the prestart hook's env; ctl status answers it" "$(tr '\n' ' ' <"$T/out/cmd" 2>/dev/null)" "1000 hi ctl:0 "
	check "$1: the services run" sh -c "grep -q '^idle  *running' '$T/out/status' && grep -q '^nt  *running' '$T/out/status'"
	check "$1: the env file and the notify socket are in $2" \
		sh -c "grep -q '^$2/hook-env\.' '$T/out/envfile' && grep -q '^$2/notify\.' '$T/out/notify'"
	expect_eq "$1: the poststop hook ran as 1000" "$(cat "$T/out/post" 2>/dev/null)" "3 cmd-exited 1000"
}

# ---- rich-run --user: the container's /run is the user's
clear_out
rr --config "$NR" --user 1000 -- sh -c "$scene" >"$T/rr.out" 2>&1
expect_eq "rich-run --user 1000: CMD's status" "$?" 3
saw_scene "rich-run --user 1000" /run/pouch
check "... the service's lines, as 1000" grep -q "^idle| idle as 1000 with hi" "$T/rr.out"

# ---- rich-run --read-only: nothing written outside /run
clear_out
rr --config "$NR" --read-only --user 1000 -- sh -c "$scene; " >/dev/null 2>&1
saw_scene "rich-run --read-only --user 1000" /run/pouch
# ... and with /run read-only too, [init] state_dir names a tmpfs
conf_new
chmod 755 "$C"
cp -a "$NR/services.d" "$NR/hooks" "$C/"
printf '[init]\nstate_dir = /pstate\n' >"$C/init.ini"
clear_out
rr --config "$C" --read-only --tmpfs /pstate:uid=1000,mode=700 --user 1000 -- sh -c "$scene" >"$T/rr.out" 2>&1
saw_scene "read-only, [init] state_dir = /pstate" /pstate

# ---- what a non-root pid 1 cannot do: refused at load and by check
conf_new
chmod 755 "$C"
printf '[service]\nexec = /bin/sleep 1000\nuser = nobody\n' >"$C/services.d/other.ini"
printf '[service]\nexec = /bin/sleep 1000\ncapabilities = cap_net_bind_service\n' >"$C/services.d/caps.ini"
BAD=$C
clear_out
rr --config "$BAD" --user 1000 -- sh -c 'echo ran >/out/ran' >"$T/rr.out" 2>&1
expect_eq "non-root pid 1 with user = nobody and capabilities: exit 125, nothing ran" \
	"$?:$(cat "$T/out/ran" 2>/dev/null)" "125:"
check "... says user = needs CAP_SETUID and CAP_SETGID, FILE:LINE" \
	grep -q "/etc/pouch/services.d/other.ini:3: user = needs CAP_SETUID and CAP_SETGID, which pouch-init (uid 1000) does not have" "$T/rr.out"
check "... says capabilities = needs CAP_SETPCAP" \
	grep -q "/etc/pouch/services.d/caps.ini: capabilities = needs CAP_SETPCAP, which pouch-init (uid 1000) does not have" "$T/rr.out"
rr --config "$BAD" --user 1000 --mode dumb-init -- /.pouch/init check >"$T/check.out" 2>&1
expect_eq "pouch-init check as uid 1000: 1" "$?" 1
check "... with both reasons" sh -c "grep -q 'other.ini:3: user = needs CAP_SETUID' '$T/check.out' && grep -q 'caps.ini: capabilities = needs CAP_SETPCAP' '$T/check.out'"
rr --config "$BAD" --mode dumb-init -- /.pouch/init check >"$T/check.out" 2>&1
expect_eq "pouch-init check as root: the same files are fine" "$?" 0
rr --config "$BAD" -- sh -c 'sleep 0.5; /.pouch/init ctl status' >"$T/rr.out" 2>&1
check "... and root's pid 1 runs them" sh -c "grep -q '^other  *running' '$T/rr.out' && grep -q '^caps  *running' '$T/rr.out'"

# a configuration root the uid cannot read is refused, not taken for none
conf_new
cp "$NR/services.d/idle.ini" "$C/services.d/"
rr --config "$C" --user 1000 -- sh -c 'echo ran >/out/ran' >"$T/rr.out" 2>&1
expect_eq "non-root pid 1, /etc/pouch mode 0700 root's: exit 125, nothing ran" "$?:$(cat "$T/out/ran" 2>/dev/null)" "125:"
check "... saying it cannot read it" grep -q "pouch-init: error: /etc/pouch/services.d: unable to read: Permission denied" "$T/rr.out"

# ---- sbin-init mode writes /etc/inittab: on a read-only root, it says so
mkdir -p "$rootfs/sbin"
ln -sf /bin/busybox "$rootfs/sbin/init"
timeout 30 "$POUCH_RUNC" rich-run --rootfs "$rootfs" --mode sbin-init --read-only -- true >"$T/rr.out" 2>&1
expect_eq "sbin-init on a read-only root: 125" "$?" 125
check "... naming /etc/inittab and what the mode needs" \
	grep -q "mode sbin-init: unable to write /etc/inittab, where CMD is registered with the image's init (this mode needs a writable /etc: not a read-only root filesystem)" "$T/rr.out"
rm -f "$rootfs/sbin/init"

# ---- Docker: --user 1000 with the image's root-owned /run, --read-only
if ! command -v dockerd >/dev/null; then
	skip "non-root Docker scenes: dockerd is not installed"
	return 0 2>/dev/null || exit 0
fi
dk=/tmp/pouch-nr-dockerd.$$
if ! docker_start "$dk" --init-path "$POUCH_INIT"; then
	skip "non-root Docker scenes: dockerd could not start here (log above)"
	return 0 2>/dev/null || exit 0
fi
tar -C "$rootfs" -c . | docker import - pouch-test-nr >/dev/null
dr() { docker run --rm --init -v "$NR:/etc/pouch:ro" -v "$T/out:/out" -v "$PT:/pt:ro" -e PI=/sbin/docker-init "$@"; }
clear_out
dr --user 1000 pouch-test-nr sh -c "$scene" >"$T/d.out" 2>&1
expect_eq "docker run --user 1000 --init: CMD's status" "$?" 3
saw_scene "docker --user 1000 (the image's /run is root's)" /tmp/pouch-1000
clear_out
dr --user 1000 -e XDG_RUNTIME_DIR=/xdg --tmpfs /xdg:uid=1000,mode=700 pouch-test-nr sh -c "$scene" >"$T/d.out" 2>&1
saw_scene "docker --user 1000 with XDG_RUNTIME_DIR" /xdg/pouch
docker run -d --name pouch-test-nr-$$ --init -v "$NR:/etc/pouch:ro" -v "$T/out:/out" -v "$PT:/pt:ro" \
	--user 1000 pouch-test-nr sleep 1000 >/dev/null
wait_for 10 sh -c "docker exec pouch-test-nr-$$ /sbin/docker-init ctl wait-ready --timeout 1s >/dev/null 2>&1"
docker exec pouch-test-nr-$$ /sbin/docker-init ctl status >"$T/status" 2>&1
check "docker exec (as 1000) ... ctl status finds the socket in /tmp/pouch-1000" grep -q "^idle  *running" "$T/status"
docker rm -f pouch-test-nr-$$ >/dev/null 2>&1
clear_out
# (docker's tmpfs takes the image directory's mode: /run stays root's 0755,
# /tmp the image's 1777)
dr --read-only --tmpfs /run --tmpfs /tmp --user 1000 pouch-test-nr sh -c "$scene" >"$T/d.out" 2>&1
saw_scene "docker --read-only --tmpfs /run --tmpfs /tmp --user 1000" /tmp/pouch-1000
clear_out
dr --read-only --tmpfs /run pouch-test-nr sh -c 'sleep 1; echo "$HOOK_SAYS" >/out/cmd; "$PI" ctl status >/out/status 2>&1; exit 3' >/dev/null 2>&1
check "docker --read-only --tmpfs /run (root): everything under /run/pouch, the hook's env reaches CMD" \
	sh -c "grep -qx hi '$T/out/cmd' && grep -q '^/run/pouch/hook-env\.' '$T/out/envfile' && grep -q '^/run/pouch/notify\.' '$T/out/notify' && grep -q '^idle  *running' '$T/out/status'"
# with nowhere to write: one error, and CMD runs (services only here: a
# prestart hook would find no POUCH_ENV_FILE)
conf_new
chmod 755 "$C"
cp "$NR/services.d/idle.ini" "$C/services.d/"
clear_out
docker run --rm --init -v "$C:/etc/pouch:ro" -v "$T/out:/out" --read-only --user 1000 pouch-test-nr \
	sh -c 'sleep 0.5; echo ran >/out/cmd; exit 4' >"$T/d.out" 2>&1
expect_eq "docker --read-only --user 1000, no tmpfs at all: CMD runs, its status" "$?:$(cat "$T/out/cmd" 2>/dev/null)" "4:ran"
expect_eq "... and one error, naming what is needed" \
	"$(grep -c 'pouch-init: error: no state directory: /run/pouch, $XDG_RUNTIME_DIR/pouch and /tmp/pouch-1000 are not writable (mount a tmpfs on /run, or set \[init\] state_dir)' "$T/d.out"):$(grep -c 'error' "$T/d.out")" "1:1"
docker rmi -f pouch-test-nr >/dev/null 2>&1
docker_stop "$dk"
true

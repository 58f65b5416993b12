# podman as a real client: --init --init-path runs pouch-init as
# /run/podman-init -- CMD; --runtime pouch-runc makes rich containers,
# configured by pouch-runc's file (podman's environment does not reach
# the runtime); rootless podman with pouch-init. Images come from
# podman import of a busybox root filesystem; storage is private.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v podman >/dev/null; then
	skip "podman tests: podman is not installed (apt-get install podman)"
	return 0 2>/dev/null || exit 0
fi
# what podman needs on this machine (docs/FACTS): runc, cgroupfs, a file
# for events, default ulimits under the machine's hard limits
cat >"$T/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
chmod 644 "$T/containers.conf"
export CONTAINERS_CONF="$T/containers.conf"
pm() { podman --root "$T/pm/root" --runroot "$T/pm/runroot" --tmpdir "$T/pm/tmp" --storage-driver overlay "$@"; }
pm_stop() {
	pm rm -af -t 0 >/dev/null 2>&1
	pm rmi -af >/dev/null 2>&1
	umount_under "$T/pm"
	rm -rf "$T/pm"
}
make_busybox_rootfs "$T/bb"
if ! tar -C "$T/bb" -c . | pm import - pouch-test/busybox >/dev/null 2>"$T/err" ||
	! pm run --rm --network host pouch-test/busybox true 2>>"$T/err"; then
	tail -n 20 "$T/err" >&2
	pm_stop
	skip "podman tests: podman cannot run a container here (error above)"
	return 0 2>/dev/null || exit 0
fi
img=pouch-test/busybox

# ---- --init --init-path: pouch-init as podman's init
pm run --rm --network host --init --init-path "$POUCH_INIT" $img \
	sh -c 'tr "\0" " " </proc/1/cmdline; echo; /run/podman-init --version' >"$T/out" 2>&1
check "podman --init-path: pouch-init is pid 1, as INIT -- CMD" grep -q '^/run/podman-init -- sh -c' "$T/out"
check "... and it is pouch-init" grep -q '^pouch-init version' "$T/out"
pm run --rm --network host --init --init-path "$POUCH_INIT" $img sh -c 'exit 7'
expect_eq "podman run --init: CMD's status 7" "$?" 7
pm run --rm --network host --init --init-path "$POUCH_INIT" $img sh -c 'kill -TERM $$'
expect_eq "podman run --init: a SIGTERM death is 143" "$?" 143
n=$(pm run --rm --network host --init --init-path "$POUCH_INIT" $img sh -c 'for i in $(seq 100); do (sleep 0 &); done; sleep 1; grep -l "^[0-9]* ([^)]*) Z" /proc/[0-9]*/stat 2>/dev/null | wc -l')
expect_eq "podman run --init: no zombie is left of 100 orphans" "$n" 0
pm run -d --name pouch-test-stop --network host --init --init-path "$POUCH_INIT" $img sleep 1000 >/dev/null
t0=$(now_ms); pm stop -t 10 pouch-test-stop >/dev/null; t1=$(now_ms)
expect_eq "podman stop: sleep as CMD gives 143" "$(pm inspect -f '{{.State.ExitCode}}' pouch-test-stop)" 143
check "... promptly ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 5000 ]
pm rm -f pouch-test-stop >/dev/null 2>&1

# ---- --runtime pouch-runc: rich containers
conf_new
mkdir -p "$C/hooks/poststop.d" "$T/out.d"
chmod 1777 "$T/out.d"
printf '[service]\nexec = /bin/sh -c "echo svc-line; exec sleep 1000"\n' >"$C/services.d/idle.ini"
printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON" >/out/post\n' >"$C/hooks/poststop.d/10-rec"
chmod 755 "$C/hooks/poststop.d/10-rec"
# the administrator's file: podman's environment does not reach the
# runtime, so pouch-runc reads /etc/pouch-runc.conf; the tests' own file
# is named by a wrapper script (a test device: the host's file stays)
printf '[config web]\npath = %s\n' "$C" >"$T/pouch-runc.conf"
chmod 644 "$T/pouch-runc.conf"
printf '#!/bin/sh\nPOUCH_RUNC_CONFIG=%s exec %s "$@"\n' "$T/pouch-runc.conf" "$POUCH_RUNC" >"$T/pouch-runc"
chmod 755 "$T/pouch-runc"
pm --runtime "$T/pouch-runc" run --rm --network host -e POUCH_RICH_MODE=pouch -v "$C:/etc/pouch:ro" $img \
	sh -c 'sleep 0.5; tr "\0" " " </proc/1/cmdline; echo; /.pouch/init ctl status; exit 6' >"$T/out" 2>&1
expect_eq "podman --runtime pouch-runc -e POUCH_RICH_MODE=pouch: CMD's status 6" "$?" 6
check "... pouch-init is pid 1" grep -q "^/.pouch/init --mode pouch -- sh -c" "$T/out"
check "... the service of the -v /etc/pouch runs, ctl answers" grep -q "^idle  *running" "$T/out"
check "... its output reaches podman's, prefixed" grep -q "^idle| svc-line" "$T/out"
pm --runtime "$T/pouch-runc" run --rm --network host --annotation io.pouch.rich-mode=pouch \
	--annotation io.pouch.config=web -v "$T/out.d:/out" $img sh -c 'ls /etc/pouch/services.d' >"$T/out" 2>&1
check "podman --annotation io.pouch.config=web: pouch-runc.conf's [config web] is /etc/pouch" grep -q "^idle.ini" "$T/out"
pm --runtime "$T/pouch-runc" run -d --name pouch-test-rich --network host --annotation io.pouch.rich-mode=pouch \
	--annotation io.pouch.config=web -v "$T/out.d:/out" $img sleep 1000 >/dev/null
wait_for 10 sh -c "podman --root '$T/pm/root' --runroot '$T/pm/runroot' --tmpdir '$T/pm/tmp' exec pouch-test-rich /.pouch/init ctl wait-ready --timeout 2s >/dev/null 2>&1"
expect_eq "podman exec ... ctl wait-ready: ready" "$?" 0
t0=$(now_ms); pm stop -t 10 pouch-test-rich >/dev/null; t1=$(now_ms)
expect_eq "podman stop of a rich container: 143, promptly ($((t1 - t0)) ms)" \
	"$(pm inspect -f '{{.State.ExitCode}}' pouch-test-rich):$([ $((t1 - t0)) -lt 5000 ] && echo prompt)" "143:prompt"
expect_eq "... the poststop hook ran" "$(cat "$T/out.d/post" 2>/dev/null)" "143 signal"
pm rm -f pouch-test-rich >/dev/null 2>&1
pm --runtime "$T/pouch-runc" run --rm --network host --annotation io.pouch.rich-mode=pouch \
	--annotation io.pouch.config=/ $img sh -c 'echo ran' >"$T/out" 2>&1
rc=$?
check "podman --annotation io.pouch.config=/: refused (status $rc), and podman prints pouch-runc's reason" \
	sh -c "[ $rc -ne 0 ] && ! grep -q '^ran' '$T/out' && grep -qF \"annotation io.pouch.config: '/' is not a [config NAME] entry of $T/pouch-runc.conf\" '$T/out'"
# the fact the wrapper stands in for: POUCH_RUNC_CONFIG given to podman
# is not seen by pouch-runc, which reads its default file
POUCH_RUNC_CONFIG="$T/pouch-runc.conf" pm --runtime "$POUCH_RUNC" run --rm --network host \
	--annotation io.pouch.rich-mode=pouch --annotation io.pouch.config=web $img true >"$T/out" 2>&1
check "podman's environment does not reach pouch-runc: it reads /etc/pouch-runc.conf" \
	grep -qF "is not a [config NAME] entry of /etc/pouch-runc.conf" "$T/out"

# ---- rootless podman: a user with subuids, pouch-init as its init
RL=pouch-test-rl
made_user=
if ! id -u $RL >/dev/null 2>&1; then
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin $RL && made_user=1
fi
if ! command -v newuidmap >/dev/null || ! id -u $RL >/dev/null 2>&1; then
	skip "rootless podman: no newuidmap (apt-get install uidmap) or no user $RL"
else
	grep -q "^$RL:" /etc/subuid || echo "$RL:420000:65536" >>/etc/subuid
	grep -q "^$RL:" /etc/subgid || echo "$RL:420000:65536" >>/etc/subgid
	R=$T/rootless
	mkdir -p "$R/home" "$R/xdg"
	cp "$POUCH_INIT" "$R/pouch-init"; cp "$POUCH_RUNC" "$R/pouch-runc"
	tar -C "$T/bb" -cf "$R/bb.tar" .
	chown -R "$RL:" "$R"; chown 0:0 "$R/pouch-init" "$R/pouch-runc"
	chmod 700 "$R/xdg"; chmod 755 "$R/pouch-init" "$R/pouch-runc"
	rl() {
		setpriv --reuid "$RL" --regid "$(id -g $RL)" --init-groups env HOME="$R/home" XDG_RUNTIME_DIR="$R/xdg" \
			CONTAINERS_CONF="$T/containers.conf" \
			podman --root "$R/root" --runroot "$R/runroot" --tmpdir "$R/tmp" --storage-driver overlay "$@"
	}
	rl import "$R/bb.tar" pouch-test/busybox >/dev/null 2>"$T/err"
	rl run --rm --network host --init --init-path "$R/pouch-init" $img \
		sh -c 'tr "\0" " " </proc/1/cmdline; echo; /run/podman-init --version; exit 7' >"$T/out" 2>>"$T/err"
	rc=$?
	if [ $rc = 7 ]; then
		ok "rootless podman --init-path pouch-init: CMD's status"
		check "... pouch-init is pid 1" sh -c "grep -q '^/run/podman-init -- sh -c' '$T/out' && grep -q '^pouch-init version' '$T/out'"
	else
		check "rootless podman with pouch-init: fails with a clear message (status $rc)" grep -q "pouch-init" "$T/err"
	fi
	rl run --rm --network host --user 1000 --init --init-path "$R/pouch-init" $img \
		sh -c 'echo "$(id -u) $(tr "\0" " " </proc/1/cmdline)"; exit 3' >"$T/out" 2>>"$T/err"
	expect_eq "rootless podman --user 1000 --init: pouch-init and CMD run as 1000, CMD's status" \
		"$?:$(cut -d' ' -f1-3 "$T/out")" "3:1000 /run/podman-init --"
	rl --runtime "$R/pouch-runc" run --rm --network host -e POUCH_RICH_MODE=pouch $img \
		sh -c 'tr "\0" " " </proc/1/cmdline; echo; exit 5' >"$T/out" 2>>"$T/err"
	expect_eq "rootless podman --runtime pouch-runc: a rich container, CMD's status" \
		"$?:$(cut -d' ' -f1-3 "$T/out")" "5:/.pouch/init --mode pouch"
	[ -f "$R/tmp/pause.pid" ] && kill "$(cat "$R/tmp/pause.pid")" 2>/dev/null
	rm -rf "$R"
	if [ -n "$made_user" ]; then
		userdel $RL 2>/dev/null
		sed -i "/^$RL:/d" /etc/subuid /etc/subgid
	fi
fi

pm_stop
true

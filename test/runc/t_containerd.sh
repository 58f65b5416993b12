# containerd as a client of pouch-runc: ctr run --runc-binary.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
	skip "containerd tests: containerd/ctr not installed (apt-get install containerd)"
	return 0 2>/dev/null || exit 0
fi
cd=/tmp/pouch-containerd.$$
# pouch-runc's configuration, through containerd's environment: one
# administrator's directory for /etc/pouch
mkdir -p "$T/web/services.d"
printf '[service]\nexec = /bin/sleep 1000\n' >"$T/web/services.d/idle.ini"
printf '[config web]\npath = %s/web\n' "$T" >"$T/pouch-runc.conf"
chmod 644 "$T/pouch-runc.conf"
export POUCH_RUNC_CONFIG="$T/pouch-runc.conf"
if ! containerd_start "$cd"; then
	skip "containerd tests: containerd could not start here (log above)"
	return 0 2>/dev/null || exit 0
fi
make_busybox_rootfs "$T/bb"
$CTR run --rm --rootfs --runc-binary "$POUCH_RUNC" --env POUCH_RICH_MODE=pouch \
	"$T/bb" pouch-test-ctr sh -c 'tr "\0" " " </proc/1/cmdline; echo; exit 7' >"$T/out" 2>"$T/err"
expect_eq "ctr run --runc-binary pouch-runc: CMD's status" "$?" 7
check "ctr run: pouch-init is pid 1" grep -q "^/.pouch/init --mode pouch -- sh -c" "$T/out"
$CTR run --rm --rootfs --runc-binary "$POUCH_RUNC" --annotation io.pouch.rich-mode=dumb-init \
	"$T/bb" pouch-test-ctr2 sh -c 'tr "\0" " " </proc/1/cmdline; echo' >"$T/out" 2>"$T/err"
check "ctr run --annotation io.pouch.rich-mode reaches pouch-runc" grep -q "^/.pouch/init --mode dumb-init --" "$T/out"
$CTR run --rm --rootfs --runc-binary "$POUCH_RUNC" --annotation io.pouch.rich-mode=pouch \
	--annotation io.pouch.config=web "$T/bb" pouch-test-ctr3 sh -c 'sleep 0.5; ps -o args' >"$T/out" 2>"$T/err"
check "ctr run --annotation io.pouch.config=web: the administrator's directory is /etc/pouch, its service runs" \
	grep -q "^/bin/sleep 1000" "$T/out"
$CTR run --rm --rootfs --runc-binary "$POUCH_RUNC" --annotation io.pouch.rich-mode=pouch \
	--annotation io.pouch.config=/ "$T/bb" pouch-test-ctr4 sh -c 'echo ran' >"$T/out" 2>"$T/err"
rc=$?
check "ctr run --annotation io.pouch.config=/: refused (status $rc)" sh -c "[ $rc -ne 0 ] && ! grep -q ran '$T/out'"
check "... and containerd passes pouch-runc's reason on (runc's --log, JSON)" \
	grep -q "pouch-runc: annotation io.pouch.config: '/' is not a \[config NAME\] entry of $T/pouch-runc.conf" "$T/err"
$CTR run --rm --rootfs --runc-binary "$POUCH_RUNC" --annotation io.pouch.rich-mode=pouch \
	--annotation io.kubernetes.cri.container-type=sandbox "$T/bb" pouch-test-ctr5 \
	/bin/sh -c 'tr "\0" " " </proc/1/cmdline; echo' >"$T/out" 2>"$T/err"
check "a pod sandbox (io.kubernetes.cri.container-type=sandbox) is never made rich" grep -q "^/bin/sh -c" "$T/out"
$CTR containers rm pouch-test-ctr4 >/dev/null 2>&1
containerd_stop "$cd"
true

# containerd as a client of pouch-runc: ctr run --runc-binary.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
	skip "containerd tests: containerd/ctr not installed (apt-get install containerd)"
	return 0 2>/dev/null || exit 0
fi
cd=/tmp/pouch-containerd.$$
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
containerd_stop "$cd"
true

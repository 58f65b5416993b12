# pouch-init as pid 1 of real runc containers: an empty root filesystem
# with only the static binary and a static CMD.

. "$T_SRC/test/runc/rootfs.sh"
if ! command -v runc >/dev/null; then
	skip "runc tests: runc is not installed"
	return 0 2>/dev/null || exit 0
fi
b="$T_TMP/bundle"
mkdir -p "$b/rootfs"
cp "$POUCH_INIT" "$b/rootfs/init"; cp "$PT" "$b/rootfs/pt"
id=pouch-test-$$

make_bundle "$b" /init -- /pt exit 42
runc run --bundle "$b" "$id" </dev/null
expect_eq "runc: empty rootfs, static pid 1, CMD's status 42" "$?" 42
runc delete -f "$id" 2>/dev/null

make_bundle "$b" /init -- /pt sleep 0
runc run --bundle "$b" "$id" </dev/null &
bg=$!
wait_for 10 sh -c "runc state $id 2>/dev/null | grep -q running"
sleep 0.2
runc kill "$id" TERM
wait $bg
expect_eq "runc kill TERM reaches CMD through pid 1: 143" "$?" 143
runc delete -f "$id" 2>/dev/null

make_bundle "$b" /init -- /pt orphans 2000
out=$(runc run --bundle "$b" "$id" </dev/null)
expect_eq "runc: 2,000 orphans reaped inside a container (${out:-?} us)" "$?" 0
runc delete -f "$id" 2>/dev/null
expect_eq "runc list holds nothing of ours" "$(runc list -q | grep -c "^$id\$")" 0

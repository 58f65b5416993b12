# valgrind: no errors and no leaks in pid 1 over exit, forwarding and
# reaping (the dynamic build of the same objects).

if ! command -v valgrind >/dev/null || [ -z "${POUCH_INIT_DYN:-}" ]; then
	skip "valgrind (not installed or no dynamic build)"
else
	vg() {
		unshare --pid --fork --mount-proc --kill-child valgrind -q --child-silent-after-fork=yes \
			--error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect \
			"$POUCH_INIT_DYN" "$@"
	}
	vg -- "$PT" exit 3 2>"$T_TMP/vg"
	expect_eq "valgrind: exit status passes, no errors" "$?" 3
	vg -- "$PT" orphans 300 >/dev/null 2>"$T_TMP/vg"
	expect_eq "valgrind: reaping 300 orphans, no errors" "$?" 0
	vg -r USR1:TERM -- sh -c 'kill -USR1 1; sleep 5' 2>"$T_TMP/vg"
	expect_eq "valgrind: forwarding and rewriting, no errors" "$?" 143
	vg -- /no/such/cmd 2>"$T_TMP/vg"
	expect_eq "valgrind: exec failure path, no errors" "$?" 127
	check "valgrind reported nothing" sh -c "! grep -q '==' '$T_TMP/vg'"
fi

#!/bin/sh
# SPDX-License-Identifier: MIT
# The one test runner: unit-test binaries (their "N passed, N failed" line
# is added up) and shell test files (t_*.sh, sourced with lib.sh, each
# check one line). Ends with the total "N passed, N failed, N skipped".
set -u
here=$(cd "$(dirname "$0")" && pwd)
T_SRC=$(cd "$here/.." && pwd)
export T_SRC T_RESULTS
T_RESULTS=$(mktemp /tmp/pouch-results.XXXXXX)
if [ "$(id -u)" != 0 ]; then
	echo "tests: need root (pid namespaces, runc)"; exit 1
fi
for t in "$@"; do
	echo "# $(basename "$t")"
	case $t in
	*.sh)
		sh -c ". '$here/lib.sh'; . '$t'" || echo fail >>"$T_RESULTS" ;;
	*)
		out=$("$t"); rc=$?
		echo "$out"
		line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
		p=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed.*/\1/p')
		f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
		[ -n "$p" ] || { p=0; f=1; }
		[ $rc -eq 0 ] || [ "$f" -gt 0 ] || f=1
		i=0; while [ $i -lt "$p" ]; do echo pass; i=$((i + 1)); done >>"$T_RESULTS"
		i=0; while [ $i -lt "$f" ]; do echo fail; i=$((i + 1)); done >>"$T_RESULTS" ;;
	esac
done
pass=$(grep -c '^pass' "$T_RESULTS")
fail=$(grep -c '^fail' "$T_RESULTS")
skipped=$(grep -c '^skip' "$T_RESULTS")
rm -f "$T_RESULTS"
echo "tests: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

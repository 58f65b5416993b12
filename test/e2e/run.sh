#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every test/e2e/t_*.sh (or those named) with the real binary as pid
# 1 in fresh pid namespaces; prints "N passed, N failed" at the end.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export T_RESULTS
T_RESULTS=$(mktemp /tmp/pouch-e2e-results.XXXXXX)
if [ "$(id -u)" != 0 ]; then
	echo "e2e: needs root (pid namespaces)"; exit 1
fi
tests=${*:-$(ls "$here"/t_*.sh)}
for t in $tests; do
	echo "# $(basename "$t")"
	sh -c ". '$here/lib.sh'; . '$t'" || echo fail >>"$T_RESULTS"
done
pass=$(grep -c '^pass' "$T_RESULTS")
fail=$(grep -c '^fail' "$T_RESULTS")
skipped=$(grep -c '^skip' "$T_RESULTS")
rm -f "$T_RESULTS"
echo "e2e: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

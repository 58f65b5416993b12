#!/bin/sh
# Run every unit-test binary given; sum their "N passed, N failed" lines.
pass=0 fail=0
for t in "$@"; do
	out=$("$t") ; rc=$?
	echo "$out"
	p=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	f=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))
	[ $rc -eq 0 ] || [ "${f:-1}" -ne 0 ] || fail=$((fail + 1))
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]

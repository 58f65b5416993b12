# Exit status: CMD's status for 0..255, 128+n for signal deaths, 126/127,
# -e remapping, and the setup errors (125).

bad=
for code in $(seq 0 255); do
	in_ns -- "$PT" exit "$code"
	rc=$?
	[ "$rc" = "$code" ] || bad="$bad $code:$rc"
done
expect_eq "every exit status 0..255 passes through" "$bad" ""

bad=
for sig in 1 2 3 4 6 7 8 9 10 11 12 13 14 15 24 25 26 27 31; do
	in_ns -- "$PT" killself "$sig"
	rc=$?
	[ "$rc" = $((128 + sig)) ] || bad="$bad $sig:$rc"
done
expect_eq "signal deaths give 128+n" "$bad" ""

in_ns -- /nonexistent/cmd 2>"$T_TMP/err"; rc=$?
expect_eq "missing CMD exits 127" "$rc" 127
check "missing CMD is named on stderr" \
	grep -q "unable to exec /nonexistent/cmd: No such file" "$T_TMP/err"
in_ns -- no-such-command-anywhere 2>/dev/null
expect_eq "CMD not on PATH exits 127" "$?" 127
printf 'x' >"$T_TMP/noexec"; chmod 644 "$T_TMP/noexec"
in_ns -- "$T_TMP/noexec" 2>"$T_TMP/err"; rc=$?
expect_eq "non-executable CMD exits 126" "$rc" 126
check "non-executable CMD says why" grep -q "Permission denied" "$T_TMP/err"
in_ns -- /tmp 2>/dev/null
expect_eq "a directory as CMD exits 126" "$?" 126
printf 'exit 9\n' >"$T_TMP/noshebang"; chmod 755 "$T_TMP/noshebang"
in_ns -- "$T_TMP/noshebang"
expect_eq "a script without #! runs with /bin/sh" "$?" 9

in_ns -e 3 -- "$PT" exit 3
expect_eq "-e 3 remaps 3 to 0" "$?" 0
in_ns -e 3 -- "$PT" exit 4
expect_eq "-e 3 leaves 4 alone" "$?" 4
in_ns -e 143 -e 1 -- "$PT" killself 15
expect_eq "-e 143 remaps a SIGTERM death" "$?" 0

"$POUCH_INIT" --bogus -- true 2>"$T_TMP/err"; rc=$?
expect_eq "unknown flag exits 125" "$rc" 125
expect_eq "unknown flag: one line on stderr" "$(wc -l <"$T_TMP/err")" 1
check "unknown flag is named" grep -q "unknown option '--bogus'" "$T_TMP/err"
"$POUCH_INIT" 2>"$T_TMP/err"; rc=$?
expect_eq "no CMD exits 125" "$rc" 125
check "no CMD says so" grep -q "no command given" "$T_TMP/err"
"$POUCH_INIT" -r TERM:BOGUS -- true 2>"$T_TMP/err"; rc=$?
expect_eq "bad -r signal exits 125" "$rc" 125
check "bad -r is named" grep -q "bad signal rewrite 'TERM:BOGUS'" "$T_TMP/err"
"$POUCH_INIT" -m nosuch -- true 2>"$T_TMP/err"; rc=$?
expect_eq "unknown mode exits 125" "$rc" 125
"$POUCH_INIT" -e 300 -- true 2>/dev/null
expect_eq "bad -e exits 125" "$?" 125

out=$("$POUCH_INIT" --version)
expect_eq "--version prints one line" "$(echo "$out" | wc -l)" 1
check "--version names the program" sh -c "echo '$out' | grep -q '^pouch-init version [0-9]'"
"$POUCH_INIT" --help >"$T_TMP/help"
expect_eq "--help exits 0" "$?" 0
check "--help lists -r" grep -q -- "--rewrite" "$T_TMP/help"

# silent by default, chatty with -v
in_ns -- "$PT" exit 0 >"$T_TMP/out" 2>&1
expect_eq "nothing on stdout/stderr by default" "$(cat "$T_TMP/out")" ""
"$POUCH_INIT" -- "$PT" exit 0 >"$T_TMP/out" 2>&1
expect_eq "no 'not pid 1' chatter when not pid 1" "$(cat "$T_TMP/out")" ""
in_ns -v -- "$PT" exit 0 2>"$T_TMP/out"
check "-v says what happens" grep -q "exited with status 0" "$T_TMP/out"

# prompt exit, even with a daemon left behind in the namespace
t0=$(now_ms)
in_ns -- sh -c "$PT sleep 100 & exit 5"; rc=$?
t1=$(now_ms)
expect_eq "exit status with a daemon left behind" "$rc" 5
check "exits within 100 ms of CMD (took $((t1 - t0)) ms in all)" [ $((t1 - t0)) -lt 300 ]

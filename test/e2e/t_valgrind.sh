# valgrind: no errors and no leaks in pid 1 over exit, forwarding,
# reaping, and the supervisor (the dynamic build of the same objects).

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

	# the supervisor: hundreds of restarts, prefixed output, hooks, the
	# control socket, a reload and the shutdown
	conf_new
	SOCK=$C/ctl.sock
	printf '[init]\ncontrol_socket = %s\n' "$SOCK" >"$C/init.ini"
	printf '[service]\nexec = %s exit 0\nrestart_delay = 0\nstart_limit = 10000/1s\n' "$PT" >"$C/services.d/churn.ini"
	printf '[service]\nexec = sh -c "echo hello; echo partial | tr -d \\\\n; exec sleep 1000"\n' >"$C/services.d/talk.ini"
	mkdir -p "$C/hooks/prestart.d" "$C/hooks/poststop.d"
	printf '#!/bin/sh\necho A=1 >>"$POUCH_ENV_FILE"\n' >"$C/hooks/prestart.d/10"
	printf '#!/bin/sh\necho "post $POUCH_EXIT_CODE"\n' >"$C/hooks/poststop.d/10"
	chmod +x "$C/hooks/prestart.d/10" "$C/hooks/poststop.d/10"
	vg -c "$C" -- "$PT" sleep 0 >"$T_TMP/vg.out" 2>"$T_TMP/vg" &
	vbg=$!
	restarts() { "$POUCH_INIT" ctl --socket "$SOCK" status --json churn 2>/dev/null |
		sed -n 's/.*"restarts": \([0-9]*\).*/\1/p'; }
	many() { r=$(restarts); [ -n "$r" ] && [ "$r" -ge 300 ]; }
	wait_for 120 many
	"$POUCH_INIT" ctl --socket "$SOCK" status >/dev/null
	"$POUCH_INIT" ctl --socket "$SOCK" restart talk >/dev/null
	printf '[service]\nexec = sleep 1001\n' >"$C/services.d/new.ini"
	"$POUCH_INIT" ctl --socket "$SOCK" reload >/dev/null
	sleep 1
	"$POUCH_INIT" ctl --socket "$SOCK" shutdown >/dev/null
	wait $vbg
	expect_eq "valgrind: supervisor with 300+ restarts, hooks, ctl, reload: no errors, CMD's status" "$?" 143
	check "... the output went through" grep -q "^talk| hello" "$T_TMP/vg.out"
	check "valgrind reported nothing for the supervisor" sh -c "! grep -q '==' '$T_TMP/vg'"
	grep '==' "$T_TMP/vg" | head -n 20

	# the output relay: long lines from several writers to a stalled
	# stdout and a rotated file, a line left half-written, ctl reopen, a
	# reload that moves a service's output to a file
	conf_new
	SOCK=$C/ctl.sock
	V=$T_TMP/vgout
	mkdir -p "$V"
	printf '[init]\ncontrol_socket = %s\n' "$SOCK" >"$C/init.ini"
	printf '[service]\nexec = sh -c "%s lines a.1 40 1; touch %s/a.done; exec sleep 1000"\n' \
		"$PT" "$V" >"$C/services.d/a.ini"
	printf '[service]\nexec = sh -c "%s lines b.1 40 2; exec sleep 1000"\nstdout = file:%s/b.log\nlog_max_size = 1M\nlog_max_files = 50\n' \
		"$PT" "$V" >"$C/services.d/b.ini"
	printf '[service]\nexec = sh -c "%s lines c.1 40 3 >&2; exec sleep 1000"\nstderr = file:%s/b.log\n' \
		"$PT" "$V" >"$C/services.d/c.ini"
	printf '[service]\nexec = sh -c "%s json 10000 | head -c 9000; exec sleep 1000"\nstdout = file:%s/h.log\n' \
		"$PT" "$V" >"$C/services.d/h.ini"
	mkfifo "$V/out.fifo"
	"$PT" stallcat "$V/out" 300000 1500 <"$V/out.fifo" & rd=$!
	vg -c "$C" -- sh -c "$PT lines cmd.1 30 9; sleep 1000" >"$V/out.fifo" 2>"$T_TMP/vg" &
	vbg=$!
	wait_for 120 test -e "$V/a.done"
	wait_for 120 sh -c "[ \$(cat '$V'/b.log* 2>/dev/null | wc -l) -ge 80 ]"
	"$POUCH_INIT" ctl --socket "$SOCK" reopen >/dev/null
	printf '[service]\nexec = sh -c "echo now-in-a-file; exec sleep 1000"\nstdout = file:%s/a.log\n' "$V" >"$C/services.d/a.ini"
	"$POUCH_INIT" ctl --socket "$SOCK" reload >/dev/null
	wait_for 60 test -s "$V/a.log"
	"$POUCH_INIT" ctl --socket "$SOCK" shutdown >/dev/null
	wait $vbg
	expect_eq "valgrind: the output relay (long lines, a stalled reader, rotation, reopen, reload): CMD's status" "$?" 143
	wait $rd
	expect_eq "... every line whole, once" \
		"$("$PT" checklines "$V/out" a.1/p/40 cmd.1/-/30 | sed 's/^lines [0-9]* bytes [0-9]* //; s/ own [0-9]*$//')" "bad 0 dup 0 missing 0"
	expect_eq "... the half-written line ended at the end" "$(wc -c <"$V/h.log")" 9001
	check "valgrind reported nothing for the relay" sh -c "! grep -q '==' '$T_TMP/vg'"
	grep '==' "$T_TMP/vg" | head -n 20
fi

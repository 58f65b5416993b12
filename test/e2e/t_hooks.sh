# Prestart and poststop hooks: order, skipped files, the env file, the
# deadline, abort and continue, poststop on every exit path, --initscript.
T=$T_TMP

hooks_new() {
	conf_new
	mkdir -p "$C/hooks/prestart.d" "$C/hooks/poststop.d"
	rm -f "$T/post" "$T/hooklog"
	hook poststop 50-record 'echo "code=$POUCH_EXIT_CODE sig=$POUCH_EXIT_SIGNAL reason=$POUCH_STOP_REASON hook=$POUCH_HOOK" >>'"$T/post"
}
# hook PHASE NAME BODY: an executable shell hook
hook() {
	printf '#!/bin/sh\n%s\n' "$3" >"$C/hooks/$1.d/$2"
	chmod +x "$C/hooks/$1.d/$2"
}

hooks_new
hook prestart 20-second "echo second >>$T/hooklog"
hook prestart 10-first 'echo first >>'"$T/hooklog"'; echo "GREETING=hello from a hook" >>"$POUCH_ENV_FILE"; echo "hook=$POUCH_HOOK"'
hook prestart 30-third 'echo "third sees $GREETING" >>'"$T/hooklog"
printf 'echo never\n' >"$C/hooks/prestart.d/25-not-executable"
hook prestart 26-backup~ "echo never >>$T/hooklog"
hook prestart .hidden "echo never >>$T/hooklog"
hook prestart 27-conf.dpkg-old "echo never >>$T/hooklog"
svc envy <<EOF2
[service]
exec = sh -c 'echo "service sees \$GREETING" >>$T/hooklog; exec sleep 100'
EOF2
out=$(in_ns -c "$C" -- sh -c 'sleep 0.3; echo "cmd sees $GREETING"; exit 7' 2>"$T/err"); rc=$?
expect_eq "hooks: CMD's status passes through" "$rc" 7
expect_eq "prestart hooks run in byte order, before services" \
	"$(head -n 3 "$T/hooklog" | tr '\n' '|')" "first|second|third sees hello from a hook|"
check "POUCH_ENV_FILE reaches services" grep -q "service sees hello from a hook" "$T/hooklog"
expect_eq "POUCH_ENV_FILE reaches CMD" "$out" "cmd sees hello from a hook"
check "non-executable hooks are skipped with a warning" grep -q "prestart hook 25-not-executable skipped: not executable" "$T/err"
check "editor leftovers are skipped" grep -q "26-backup~ skipped: editor backup" "$T/err"
check "dpkg leftovers are skipped" grep -q "27-conf.dpkg-old skipped" "$T/err"
check "... and none of them ran" sh -c "! grep -q never '$T/hooklog'"
check "hook output goes to stderr, prefixed" grep -q "^prestart/10-first| hook=prestart" "$T/err"
expect_eq "poststop sees CMD's exit" "$(cat "$T/post")" "code=7 sig= reason=cmd-exited hook=poststop"

# a hook that overruns is killed with its whole group; abort
hooks_new
hook prestart 10-hang "sleep 4242 & exec sleep 4243"
printf '[hooks]\ntimeout = 300ms\n' >"$C/init.ini"
t0=$(now_ms)
in_ns -c "$C" -- sh -c "echo cmd >>$T/hooklog" 2>"$T/err"; rc=$?
t1=$(now_ms)
expect_eq "a hook past its timeout fails the prestart: 125" "$rc" 125
check "... killed at the deadline ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 1500 ]
check "... its group too" sh -c "! pgrep -f 'sleep 424[23]' >/dev/null"
check "... CMD never ran" sh -c "! grep -q cmd '$T/hooklog' 2>/dev/null"
expect_eq "poststop runs after an aborted prestart" "$(cat "$T/post")" "code=125 sig= reason=prestart-failed hook=poststop"

# continue
hooks_new
hook prestart 10-fail "exit 3"
printf '[hooks]\nprestart_failure = continue\n' >"$C/init.ini"
in_ns -c "$C" -- sh -c 'exit 0' 2>"$T/err"
expect_eq "prestart_failure = continue: CMD runs anyway" "$?" 0
check "... and the failure is logged" grep -q "prestart hook 10-fail: failed with status 3" "$T/err"

# poststop on SIGTERM, on an essential failure, past a stuck service
hooks_new
ns_start -c "$C" -- "$PT" sleep 0
sleep 0.3
kill -TERM "$NS_PID1"; ns_wait
expect_eq "SIGTERM: 143" "$NS_RC" 143
expect_eq "poststop after SIGTERM sees it" "$(cat "$T/post")" "code=143 sig=TERM reason=signal hook=poststop"
hooks_new
svc vital <<EOF2
[service]
exec = sh -c 'sleep 0.2; exit 1'
restart = never
essential = yes
EOF2
in_ns -c "$C" -- "$PT" sleep 0 2>/dev/null
expect_eq "poststop after an essential service failed" "$(cat "$T/post")" "code=1 sig= reason=service-failed hook=poststop"
hooks_new
svc stuck <<EOF2
[service]
exec = $PT ignore-term
stop_timeout = 30s
EOF2
printf '[init]\nshutdown_timeout = 300ms\n' >"$C/init.ini"
in_ns -c "$C" -- sh -c 'sleep 0.2; exit 2' 2>/dev/null
expect_eq "poststop runs when a service refuses to die" "$(cat "$T/post")" "code=2 sig= reason=cmd-exited hook=poststop"

# a stop during prestart
hooks_new
hook prestart 10-slow "sleep 0.5"
ns_start -c "$C" -- sh -c "echo cmd >>$T/hooklog"
sleep 0.2
kill -TERM "$NS_PID1"; ns_wait
expect_eq "SIGTERM during prestart: 143, CMD never runs" "$NS_RC:$(cat "$T/hooklog" 2>/dev/null)" "143:"
expect_eq "... poststop still runs" "$(cat "$T/post")" "code=143 sig= reason=signal hook=poststop"

# --initscript: split, first, same env file; hooks reading stdin; big output
hooks_new
printf '#!/bin/sh\necho "init $1 $2" >>%s\necho FROM_INIT=yes >>"$POUCH_ENV_FILE"\n' "$T/hooklog" >"$T/initscript"
chmod +x "$T/initscript"
hook prestart 10-after 'echo "hook sees $FROM_INIT" >>'"$T/hooklog"'; cat; echo stdin-eof >>'"$T/hooklog"
hook prestart 20-big 'head -c 104857600 /dev/zero | tr "\0" x; echo'
in_ns -c "$C" --initscript "$T/initscript 'a b' c" -- sh -c 'echo "cmd $FROM_INIT" >>'"$T/hooklog" 2>/dev/null
expect_eq "--initscript runs first with its arguments; its env reaches hooks and CMD" \
	"$(tr '\n' '|' <"$T/hooklog")" "init a b c|hook sees yes|stdin-eof|cmd yes|"
in_ns -m dumb-init -c "$C" --initscript "$T/initscript x y" -- true 2>"$T/err"
check "--initscript runs in dumb-init mode too" grep -q "init x y" "$T/hooklog"
check "dumb-init mode says the config root is ignored" grep -q "mode dumb-init: .* is ignored" "$T/err"

# A terminal: CMD is the foreground process group, Ctrl-C and Ctrl-Z reach
# it through the line discipline, and job control works when pouch-init is
# not pid 1.

out=$("$PT" pty ready '\x03' -- unshare --pid --fork --mount-proc --kill-child \
	"$POUCH_INIT" -- "$PT" sigecho /dev/stdout 2); rc=$?
expect_eq "Ctrl-C reaches CMD under a terminal" "$rc" 0
check "... as SIGINT" sh -c "echo '$out' | tr -d '\r' | grep -qE '^(\^C)?2$'"

out=$("$PT" pty ready '\x1a' -- unshare --pid --fork --mount-proc --kill-child \
	"$POUCH_INIT" -- "$PT" sigecho /dev/stdout 20); rc=$?
expect_eq "Ctrl-Z sends SIGTSTP to CMD" "$rc" 0

out=$("$PT" pty fg: '' -- "$POUCH_INIT" -- "$PT" status | tr -d '\r')
check "CMD owns the terminal's foreground" sh -c "echo '$out' | grep -qx 'fg: yes'"

# job control, not pid 1: Ctrl-Z stops CMD and pouch-init; SIGCONT to
# pouch-init resumes both
"$PT" pty ready '\x1a' -- "$POUCH_INIT" -- sh -c 'echo ready; exec sleep 30' \
	>/dev/null &
bg=$!
pi=
wait_for 5 sh -c "pgrep -f '^$POUCH_INIT -- sh -c' >/dev/null"
pi=$(pgrep -f "^$POUCH_INIT -- sh -c" | head -n 1)
st() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }
cmd=$(child_of "$pi")
wait_for 5 sh -c "[ \"\$(awk '{print \$3}' /proc/$pi/stat)\" = T ]"
expect_eq "Ctrl-Z stops CMD" "$(st "$cmd")" T
expect_eq "... and pouch-init, as a shell expects of a job" "$(st "$pi")" T
kill -CONT "$pi"
wait_for 5 sh -c "[ \"\$(awk '{print \$3}' /proc/$cmd/stat)\" = S ]"
expect_eq "SIGCONT resumes CMD" "$(st "$cmd")" S
kill -TERM "$pi"
wait "$bg"
expect_eq "... which then exits on SIGTERM" "$?" 143

# pid 1 (rich-run -t, docker run -t): nothing above it resumes a stopped
# job, so a Ctrl-Z'd CMD is resumed at once (and it is said) instead of
# hanging the container; the same under the supervisor
out=$(timeout 10 "$PT" pty ready '\x1a' -- unshare --pid --fork --mount-proc --kill-child \
	"$POUCH_INIT" -- sh -c 'echo ready; sleep 1; echo resumed' 2>&1); rc=$?
expect_eq "pid 1: Ctrl-Z does not hang CMD (resumed, exit 0)" "$rc" 0
check "... it ran on" sh -c "echo '$out' | tr -d '\r' | grep -qx resumed"
check "... and pid 1 said why" sh -c "echo '$out' | grep -q 'CMD was stopped by SIGTSTP, but a container has no job control: resuming it'"
conf_new
svc idle <<SVC
[service]
exec = sleep 1000
SVC
out=$(timeout 10 "$PT" pty ready '\x1a' -- unshare --pid --fork --mount-proc --kill-child \
	"$POUCH_INIT" -c "$C" -- sh -c 'echo ready; sleep 1; echo resumed' 2>&1); rc=$?
expect_eq "pid 1 with services: Ctrl-Z does not hang CMD either" "$rc:$(echo "$out" | tr -d '\r' | grep -cx resumed)" "0:1"

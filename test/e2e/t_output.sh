# Service output: log files a service can influence, whole lines of any
# length from several writers, backpressure instead of loss, reopening.
T=$T_TMP

nob() { setpriv --reuid nobody --regid nogroup --clear-groups "$@"; }

# ---- log files in a directory the service (nobody) owns: what it can do
# there must not make pid 1 write anywhere else
mkdir -p "$T/rootdir" "$T/rootonly"
victim=$T/rootdir/victim
L=$T/nlog
fresh_dir() {
	rm -rf "$L"; mkdir "$L"; chown nobody:nogroup "$L"
	printf 'root data\n' >"$victim"; chmod 644 "$victim"
}
printf 'root data\n' >"$T/rootdata"
intact() { cmp -s "$1" "$T/rootdata"; }
# evil_conf SCRIPT [MAX_SIZE MAX_FILES]: service evil runs SCRIPT as nobody
evil_conf() {
	conf_new
	printf '%s\n' "$1" >"$T/evil.sh" # where nobody may read it
	chmod 644 "$T/evil.sh"
	svc evil <<EOF
[service]
exec = sh $T/evil.sh
user = nobody
restart = never
stdout = file:$L/out.log
log_max_size = ${2:-10M}
log_max_files = ${3:-5}
EOF
}

fresh_dir
nob ln -s "$victim" "$L/out.log"
evil_conf 'echo EVIL-start; exec sleep 100'
in_ns -c "$C" -- sh -c 'sleep 0.5' 2>"$T/err"
check "a symlink to a root-owned file before start: nothing written through it" intact "$victim"
check "... refused, naming the service and the path" \
	grep -q "warning: service evil: log file $L/out.log refused: a symbolic link" "$T/err"
expect_eq "... said once" "$(grep -c refused "$T/err")" 1

# the service swaps its log for a symlink and blocks the rotation's
# rename (a directory where PATH.1 goes): the next file must not be
# opened through the link
fresh_dir
evil_conf "echo before; sleep 0.3; ln -sf $victim $L/out.log; mkdir $L/out.log.1; touch $L/out.log.1/x; i=0; while [ \$i -lt 100 ]; do echo EVIL-\$i-0123456789012345678901234567890123456789; i=\$((i+1)); done; exec sleep 100" 1K 2
in_ns -c "$C" -- sh -c 'sleep 1' 2>"$T/err"
check "a symlink swapped in before a rotation: the root-owned file is untouched" intact "$victim"
check "... the failed rotation is said, once" \
	sh -c "[ \$(grep -c 'service evil: unable to rotate log file $L/out.log: Is a directory' '$T/err') = 1 ]"

victim2=$T/rootdir/victim666
printf 'root data\n' >"$victim2"
chmod 666 "$victim2"
fresh_dir
nob ln "$victim2" "$L/out.log"
evil_conf 'echo EVIL-start; exec sleep 100'
in_ns -c "$C" -- sh -c 'sleep 0.5' 2>"$T/err"
check "a hard link to a root-owned file: nothing appended to it" intact "$victim2"
check "... refused" grep -q "service evil: log file $L/out.log refused: 2 hard links" "$T/err"

fresh_dir
nob mkfifo "$L/out.log"
evil_conf 'echo EVIL-start; exec sleep 100'
timeout -s KILL 20 unshare --pid --fork --mount-proc --kill-child "$POUCH_INIT" -c "$C" -- sh -c 'sleep 0.3; exit 7' 2>"$T/err"
expect_eq "a FIFO as the log file: pid 1 does not hang on it, CMD's status" "$?" 7
check "... refused" grep -q "service evil: log file $L/out.log refused: not a regular file" "$T/err"

# a directory on the way swapped for a symlink to a directory only root
# may write: pid 1 creates nothing there
fresh_dir
nob ln -s "$T/rootonly" "$L/logs"
conf_new
svc evil <<EOF
[service]
exec = sh -c 'echo EVIL-start; exec sleep 100'
user = nobody
stdout = file:$L/logs/out.log
EOF
in_ns -c "$C" -- sh -c 'sleep 0.5' 2>"$T/err"
check "a symlinked directory: no file created where only root may write" test ! -e "$T/rootonly/out.log"
check "... said so" grep -q "service evil: unable to open log file $L/logs/out.log: Permission denied" "$T/err"

# ---- the legitimate uses
fresh_dir
conf_new
svc own <<EOF
[service]
exec = sh -c 'i=0; while [ \$i -lt 100 ]; do echo "own line \$i 0123456789012345678901234567890123456789"; i=\$((i+1)); done; exec sleep 100'
user = nobody
stdout = file:$L/own.log
log_max_size = 1K
log_max_files = 3
EOF
in_ns -c "$C" -- sh -c 'sleep 0.7' 2>"$T/err"
check "nobody's own log in its own directory: written and rotated" \
	test -f "$L/own.log" -a -f "$L/own.log.1" -a -f "$L/own.log.2" -a ! -e "$L/own.log.3"
expect_eq "... every file the service's own" "$(stat -c %U "$L"/own.log* | sort -u)" nobody
check "... the newest line in own.log" grep -q "own line 99 " "$L/own.log"
check "... nothing refused" sh -c "! grep -q -e refused -e unable '$T/err'"

vlog=/var/log/pouch-e2e-$$.log
rm -f "$vlog"
conf_new
svc rootsvc <<EOF
[service]
exec = sh -c 'echo root-line-$$; exec sleep 100'
stdout = file:$vlog
EOF
in_ns -c "$C" -- sh -c 'sleep 0.5' 2>"$T/err"
check "a root service logging to /var/log" grep -qx "root-line-$$" "$vlog"
rm -f "$vlog"

# ---- whole lines, every one exactly once: services (prefix and file:)
# and CMD writing lines of 1 byte to 1 MiB at once, each line carrying
# its length and checksum
ctl_conf() {
	conf_new
	SOCK=$C/ctl.sock
	printf '[init]\ncontrol_socket = %s\n' "$SOCK" >"$C/init.ini"
}
ctl() { "$POUCH_INIT" ctl --socket "$SOCK" "$@"; }
W=$T/w
N=${OUTPUT_LINES:-400}
# writer NAME SCRIPT [KEYS]: a service that runs SCRIPT, then says done
writer() {
	printf '%s\ntouch %s/%s.done\nexec sleep 1000\n' "$2" "$W" "$1" >"$W/$1.sh"
	printf '[service]\nexec = sh %s/%s.sh\n%s\n' "$W" "$1" "${3:-}" >"$C/services.d/$1.ini"
}
lines_conf() {
	rm -rf "$W"; mkdir -p "$W"
	ctl_conf
	writer a "$PT lines a.1 $N 1"
	writer b "$PT lines b.1 $N 2 & $PT lines b.2 $N 3 >&2; wait"
	writer c "$PT lines c.1 $N 4" "stdout = file:$W/shared.log
log_max_size = 4M
log_max_files = 100"
	writer d "$PT lines d.1 $N 5 & $PT lines d.2 $N 6 >&2; wait" "stdout = file:$W/shared.log
stderr = file:$W/shared.log"
	printf '%s lines cmd.1 %s 7 & %s lines cmd.2 %s 8 >&2; wait\n' "$PT" "$N" "$PT" "$N" >"$W/cmd.sh"
	printf 'until [ -e %s/a.done ] && [ -e %s/b.done ] && [ -e %s/c.done ] && [ -e %s/d.done ]; do sleep 0.05; done\n' \
		"$W" "$W" "$W" "$W" >>"$W/cmd.sh"
}
# every rotated file, oldest first
all_logs() {
	for f in $(ls "$W"/shared.log.* 2>/dev/null | sort -t. -k3 -rn) "$W/shared.log"; do cat "$f"; done
}
verdict() { sed 's/^lines [0-9]* bytes [0-9]* //; s/ own [0-9]*$//'; }
GOOD="bad 0 dup 0 missing 0"

lines_conf
in_ns -c "$C" -- sh "$W/cmd.sh" >"$W/out" 2>"$W/err"
expect_eq "$N lines of 1 B to 1 MiB from each of 8 writers: CMD's status" "$?" 0
expect_eq "... pid 1's stdout: every line whole, once, prefixed (CMD's as written)" \
	"$("$PT" checklines "$W/out" a.1/p/$N b.1/p/$N cmd.1/-/$N | verdict)" "$GOOD"
expect_eq "... pid 1's stderr likewise" \
	"$("$PT" checklines "$W/err" b.2/p/$N cmd.2/-/$N | verdict)" "$GOOD"
all_logs >"$W/all.log"
expect_eq "... a file: output shared by three streams, rotated: every line whole, once" \
	"$("$PT" checklines "$W/all.log" c.1/-/$N d.1/-/$N d.2/-/$N | verdict)" "$GOOD"
check "... (it was rotated, at line boundaries)" test -f "$W/shared.log.1"
check "... no line was cut short" sh -c "! grep -q 'while others waited' '$W/err'"

# the same with both readers stalling for a while: the writers wait,
# pid 1 stays responsive and small, and nothing is lost
lines_conf
mkfifo "$W/out.fifo" "$W/err.fifo"
"$PT" stallcat "$W/out" 3000000 3000 <"$W/out.fifo" & rd1=$!
"$PT" stallcat "$W/err" 1000000 3000 <"$W/err.fifo" & rd2=$!
ns_start -c "$C" -- sh "$W/cmd.sh" >"$W/out.fifo" 2>"$W/err.fifo"
wait_for 60 test -e "$W/out.stall"
sleep 1
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$NS_PID1/status")
t0=$(now_ms)
ctl status >/dev/null; rc=$?
t1=$(now_ms)
ns_wait
wait $rd1 $rd2
expect_eq "stalled readers: CMD's status" "$NS_RC" 0
expect_eq "... the control socket answers during the stall" "$rc" 0
check "... at once ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 1000
if grep -qa __asan_init "$POUCH_INIT"; then
	# the sanitizer's shadow memory and quarantine: its leak check counts
	check "... pid 1 answers under AddressSanitizer (${rss} KiB)" test -n "$rss"
else
	check "... pid 1's memory stays small (${rss} KiB)" test "${rss:-99999}" -lt 4096
fi
expect_eq "... stdout: every line whole, once" \
	"$("$PT" checklines "$W/out" a.1/p/$N b.1/p/$N cmd.1/-/$N | verdict)" "$GOOD"
expect_eq "... stderr: every line whole, once" \
	"$("$PT" checklines "$W/err" b.2/p/$N cmd.2/-/$N | verdict)" "$GOOD"
all_logs >"$W/all.log"
expect_eq "... the file: output too" \
	"$("$PT" checklines "$W/all.log" c.1/-/$N d.1/-/$N d.2/-/$N | verdict)" "$GOOD"
check "... nothing reported lost or dropped" sh -c "! grep -q -e lost -e dropped '$W/err'"

# ---- with services, a CMD on a terminal keeps it
conf_new
printf '[service]\nexec = sleep 1000\n' >"$C/services.d/quiet.ini"
out=$("$PT" pty on-tty '' -- unshare --pid --fork --mount-proc --kill-child "$POUCH_INIT" -c "$C" -- \
	sh -c 'test -t 1 && test -t 2 && echo on-tty' | tr -d '\r')
check "with services, CMD's stdout and stderr on a terminal stay the terminal" sh -c "echo '$out' | grep -qx on-tty"

# ---- a 300 KB JSON line (written 4 KiB at a time) in a file: output
rm -rf "$W"; mkdir -p "$W"
conf_new
svc j <<EOF
[service]
exec = sh -c '$PT json 300000; exec sleep 100'
stdout = file:$W/j.log
EOF
in_ns -c "$C" -- sh -c 'sleep 0.5'
expect_eq "a 300 KB JSON line in a file: output is one line" "$(lines "$W/j.log")" 1
check "... all of it, valid JSON" python3 -c \
	'import json, sys; d = open(sys.argv[1]).read(); assert len(d) == 300000; json.loads(d)' "$W/j.log"

# ---- a line that stalls half-written holds its destination only while
# nobody waits: then it is ended after a while, and pid 1 is idle again
conf_new
svc hold <<EOF
[service]
exec = sh -c 'head -c 10000 /dev/zero | tr "\\\\0" x; exec sleep 1000'
EOF
svc other <<EOF
[service]
exec = sh -c 'sleep 0.3; echo other-line; exec sleep 1000'
EOF
ns_start -c "$C" -- "$PT" sleep 0 >"$W/hold.out" 2>"$W/hold.err"
wait_for 5 grep -q "^other| other-line$" "$W/hold.out"
expect_eq "a 10,000-byte line without its end, then another service's line: both whole" \
	"$(awk '/^hold\| x+$/ {print length($0)} /^other\| other-line$/ {print "other"}' "$W/hold.out" | tr '\n' ' ')" "10006 other "
check "... the held line ended once the other had waited, with a warning" \
	grep -q "warning: service hold: a line stalled for 1000 ms while others waited to write: it ends there" "$W/hold.err"
sleep 0.5
cs() { awk '/ctxt_switches/ {s += $2} END {print s}' "/proc/$NS_PID1/status"; }
c0=$(cs); sleep 2; c1=$(cs)
expect_eq "... then pid 1 wakes up no more (context switches in 2 s)" "$((c1 - c0))" 0
kill -TERM "$NS_PID1"; ns_wait
# pid 1's own messages wait for such a line too (stdout and stderr one
# file), but not for ever
conf_new
svc hold <<EOF
[service]
exec = sh -c 'head -c 10000 /dev/zero | tr "\\\\0" x; exec sleep 1000'
EOF
svc crash <<EOF
[service]
exec = sh -c 'sleep 0.3; exit 1'
restart = never
stdout = null
stderr = null
EOF
ns_start -c "$C" -- "$PT" sleep 0 >"$W/merged" 2>&1
wait_for 5 grep -q "service crash: failed" "$W/merged"
expect_eq "a held line and pid 1's own message (2>&1): both come, whole, in order" \
	"$(awk '/^hold\| x+$/ {print length($0)} /^pouch-init: error: service crash: failed/ {print "failed"}' "$W/merged" | tr '\n' ' ')" "10006 failed "
kill -TERM "$NS_PID1"; ns_wait

# ---- a line that drips (a byte now and then, never its end) holds the
# others for 1 s in all, not 1 s after each byte: a nobody service cannot
# hold pid 1's stdout, and so every other writer, for ever
D=$T/drip
rm -rf "$D"; mkdir -p "$D"; chown nobody:nogroup "$D"
cat >"$T/drip.sh" <<EOF
head -c 5000 /dev/zero | tr '\\0' x
touch $D/dripping
i=0
while [ ! -e $D/stop ]; do printf y; i=\$((i + 1)); sleep 0.2; done
echo " end=\$i"
exec sleep 1000
EOF
chmod 644 "$T/drip.sh"
# writer NAME: 3000 lines (225 KB, more than a pipe holds) once the drip
# has begun, then NAME.done
dline=0123456789012345678901234567890123456789012345678901234567890
drip_writer() {
	printf 'until [ -e %s/dripping ]; do sleep 0.05; done; sleep 0.5\n' "$D"
	printf 'i=0; while [ $i -lt 3000 ]; do echo "%s-line-$i %s"; i=$((i + 1)); done\n' "$1" "$dline"
	printf 'touch %s/%s.done; exec sleep 1000\n' "$D" "$1"
}
drip_writer cmd >"$D/cmd.sh"
drip_writer db >"$D/db.sh"
conf_new
svc drip <<EOF
[service]
exec = sh $T/drip.sh
user = nobody
EOF
svc db <<EOF
[service]
exec = sh $D/db.sh
EOF
ns_start -c "$C" -- sh "$D/cmd.sh" >"$D/out" 2>"$D/err"
wait_for 20 test -e "$D/dripping"
t0=$(now_ms)
wait_for 20 test -e "$D/cmd.done" -a -e "$D/db.done"
t1=$(now_ms)
check "a nobody service drips a line (5000 bytes, then a byte every 0.2 s): CMD's and another service's lines, 225 KB each, still get through ($((t1 - t0)) ms)" \
	test -e "$D/cmd.done" -a -e "$D/db.done" -a $((t1 - t0)) -lt 15000
expect_eq "... the dripping line is cut, said once, naming the service" \
	"$(grep -c '^pouch-init: warning: service drip: a line went on for 1000 ms while others waited to write: it is cut there, the rest follows as a line of its own$' "$D/err")" 1
touch "$D/stop"
wait_for 10 grep -q "^drip| y* end=" "$D/out"
kill -TERM "$NS_PID1"; ns_wait
expect_eq "... every line whole, once, in order; the dripped one in two, no byte lost" "$(python3 - "$D/out" "$dline" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().split('\n')
assert lines.pop() == ''
cmd = [l for l in lines if l.startswith('cmd-')]
db = [l for l in lines if l.startswith('db| ')]
drip = [l for l in lines if l.startswith('drip| ')]
want = lambda p: [p + 'line-%d %s' % (i, sys.argv[2]) for i in range(3000)]
if cmd != want('cmd-') or db != want('db| db-'):
	print('CMD or db lines differ'); sys.exit()
if len(cmd) + len(db) + len(drip) != len(lines) or len(drip) != 2:
	print('%d drip lines, others: %r' % (len(drip), [l[:30] for l in lines if l[:4] not in ('cmd-', 'db| ', 'drip')][:3])); sys.exit()
a = re.fullmatch(r'drip\| x{5000}(y+)', drip[0])
b = re.fullmatch(r'drip\| (y*) end=(\d+)', drip[1])
if not a or not b or len(a[1]) + len(b[1]) != int(b[2]):
	print('drip lines: %r ... %r' % (drip[0][:20], drip[1][-20:])); sys.exit()
print('ok')
EOF
)" ok
# busy_cmd FILE: CMD writes lines until FILE is there; the others begin
# once it has begun (D/writing)
busy_cmd() {
	rm -f "$D/$1" "$D/writing"
	printf 'i=0; until [ -e %s/%s ] || [ $i -ge 2000000 ]; do echo "cmd-line-$i"; i=$((i + 1)); [ $i = 100 ] && touch %s/writing; done\n' \
		"$D" "$1" "$D" >"$D/cmd.sh"
}
# a line that floods (no end, as fast as it can write) is cut after 4 MiB
# (or its stalls) while others wait: they write between its pieces
conf_new
svc flood <<EOF
[service]
exec = sh -c 'until [ -e $D/writing ]; do sleep 0.05; done; head -c 12582912 /dev/zero | tr "\\\\0" x; touch $D/flood.done; exec sleep 1000'
user = nobody
EOF
busy_cmd flood.done
in_ns -c "$C" -- sh "$D/cmd.sh" >"$D/out" 2>"$D/err"
expect_eq "a nobody service floods 12 MiB without a newline: others write between its pieces, nothing lost" "$(python3 - "$D/out" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().split('\n')
assert lines.pop() == ''
kind = ''.join('f' if l.startswith('flood| ') else 'c' for l in lines)
flood = [l[7:] for l in lines if l.startswith('flood| ')]
cmd = [l for l in lines if not l.startswith('flood| ')]
print(re.search('fc+f', kind) is not None, sum(map(len, flood)) == 12582912 and set(''.join(flood)) == {'x'},
      cmd == ['cmd-line-%d' % i for i in range(len(cmd))])
EOF
)" "True True True"
check "... said, naming the service" grep -q "^pouch-init: warning: service flood: a line .* while others waited to write: it is cut there" "$D/err"
# a line that stops right where one read of pid 1's ends (256 KiB at once
# into a pipe the service made 1 MiB), while others wait, also holds them
# 1 s at most
conf_new
rm -f "$D/big.written"
svc big <<EOF
[service]
exec = python3 -c 'import fcntl, os, time; fcntl.fcntl(1, 1031, 1 << 20); os.write(1, b"x" * 262144); open("$D/big.written", "w"); time.sleep(1000)'
user = nobody
EOF
ns_start -c "$C" -- sh -c "until [ -e $D/big.written ]; do sleep 0.05; done; sleep 0.3; echo after-big; exec sleep 1000" >"$D/out" 2>"$D/err"
wait_for 20 test -e "$D/big.written"
check "a line that stops where a read of pid 1's ends: CMD's line still comes" wait_for 10 grep -qx after-big "$D/out"
kill -TERM "$NS_PID1"; ns_wait
expect_eq "... after the line, whole up to there" "$(awk '/^big\| / {print length($0) - 5} /^after-big$/ {print "after"}' "$D/out" | tr '\n' ' ')" "262144 after "
# the legitimate long line, written quickly in pieces, while another
# writer waits all along: still whole
conf_new
svc j <<EOF
[service]
exec = sh -c 'until [ -e $D/writing ]; do sleep 0.05; done; for i in 1 2 3 4 5; do $PT json 300000; done; touch $D/j.done; exec sleep 1000'
EOF
busy_cmd j.done
in_ns -c "$C" -- sh "$D/cmd.sh" >"$D/out" 2>"$D/err"
expect_eq "five 300 KB JSON lines while CMD writes lines all along: each whole" "$(python3 - "$D/out" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().split('\n')
j = [l for l in lines if l.startswith('j| ')]
print(len(j), all(len(l) == 300002 and json.loads(l[3:]) for l in j),
      sum(l.startswith('cmd-line-') for l in lines) + len(j) == len(lines) - 1)
EOF
)" "5 True True"
check "... and not cut" sh -c "! grep -q 'while others waited' '$D/err'"

# ---- a reload that changes stdout takes effect when the service restarts
rm -rf "$W"; mkdir -p "$W"
ctl_conf
printf '[service]\nexec = sh -c "while :; do echo tick; sleep 0.05; done"\n' >"$C/services.d/chg.ini"
ns_start -c "$C" -- "$PT" sleep 0 >"$W/chg.out" 2>"$W/chg.err"
wait_for 5 grep -q "^chg| tick$" "$W/chg.out"
printf 'stdout = file:%s/chg.log\n' "$W" >>"$C/services.d/chg.ini"
ctl reload >/dev/null
wait_for 5 test -s "$W/chg.log"
check "reload: stdout = prefix -> file: is used once the service restarted" grep -qx tick "$W/chg.log"
n1=$(grep -c tick "$W/chg.out"); sleep 0.3; n2=$(grep -c tick "$W/chg.out")
expect_eq "... and its lines no longer go to pid 1's stdout" "$n2" "$n1"
printf '[service]\nexec = sh -c "while :; do echo tock; sleep 0.05; done"\n' >"$C/services.d/chg.ini"
ctl reload >/dev/null
wait_for 5 grep -q "^chg| tock$" "$W/chg.out"
check "... and back: file: -> prefix" grep -q "^chg| tock$" "$W/chg.out"
expect_eq "... the log file is closed" "$(ls -l "/proc/$NS_PID1/fd" | grep -c chg.log)" 0
kill -TERM "$NS_PID1"; ns_wait
# the same while pid 1's stdout stalls: what the last run left in its
# pipe still goes to stdout, the new run's lines to the file
rm -rf "$W"; mkdir -p "$W"
ctl_conf
printf '[service]\nexec = %s lines a.1 400 1\n' "$PT" >"$C/services.d/a.ini"
mkfifo "$W/out.fifo"
"$PT" stallcat "$W/out" 100000 3000 <"$W/out.fifo" & rd=$!
ns_start -c "$C" -- "$PT" sleep 0 >"$W/out.fifo" 2>"$W/err"
wait_for 20 test -e "$W/out.stall"
sleep 0.3
printf '[service]\nexec = sh -c "echo now-in-a-file; exec sleep 1000"\nstdout = file:%s/a.log\n' "$W" >"$C/services.d/a.ini"
ctl reload >/dev/null
wait_for 10 test -s "$W/a.log"
wait_for 10 test ! -e "$W/out.stall"
sleep 0.5
kill -TERM "$NS_PID1"; ns_wait
wait $rd
expect_eq "reload while stdout stalls: the file gets only the new run's lines" "$(head -c 40 "$W/a.log")" now-in-a-file
# (its last line is cut where the stop killed the writer)
check "... the last run's lines, read or not, went to stdout, whole" sh -c \
	"[ \$(grep -c '^a| a\\.1:' '$W/out') -ge 2 ] && '$PT' checklines '$W/out' 'a.1/p/*' | grep -q ' bad [01] dup 0 missing 0 '"

# ---- ctl reopen, after an external logrotate moved the file
ctl_conf
svc ro <<EOF
[service]
exec = sh -c 'i=0; while :; do echo "ro \$i"; i=\$((i+1)); sleep 0.01; done'
stdout = file:$W/ro.log
EOF
ns_start -c "$C" -- "$PT" sleep 0 2>"$W/ro.err"
wait_for 5 test -s "$W/ro.log"
mv "$W/ro.log" "$W/ro.log.old"
out=$(ctl reopen); rc=$?
expect_eq "ctl reopen: 0" "$rc" 0
expect_eq "... saying how many" "$out" "reopened 1 log files"
wait_for 5 test -s "$W/ro.log"
s1=$(lines "$W/ro.log.old"); sleep 0.3; s2=$(lines "$W/ro.log.old")
expect_eq "... the moved file is no longer written" "$s2" "$s1"
check "... not a line lost or cut between the two" sh -c \
	"cat '$W/ro.log.old' '$W/ro.log' | awk '\$0 != \"ro \" NR - 1 {bad = 1} END {exit bad}'"
mv "$W/ro.log" "$W/ro.log.2"
ln -s "$victim" "$W/ro.log"
out=$(ctl reopen 2>&1); rc=$?
expect_eq "ctl reopen onto a symlink: refused, 1" "$rc" 1
check "... saying which file and why" sh -c "echo '$out' | grep -q '^$W/ro.log: a symbolic link'"
check "... nothing written through it" intact "$victim"
kill -TERM "$NS_PID1"; ns_wait

# ---- a reader that never reads again: the container still stops within
# shutdown_timeout, and says what was lost
conf_new
printf '[init]\nshutdown_timeout = 2s\n' >"$C/init.ini"
svc chatty <<EOF
[service]
exec = sh -c 'yes 0123456789012345678901234567890123456789 | head -c 3000000; exec sleep 100'
EOF
mkfifo "$W/never.fifo"
sleep 30 <>"$W/never.fifo" & never=$!
t0=$(now_ms)
unshare --pid --fork --mount-proc --kill-child "$POUCH_INIT" -c "$C" -- sh -c 'sleep 0.5; exit 6' \
	>"$W/never.fifo" 2>"$W/never.err"; rc=$?
t1=$(now_ms)
kill $never; wait $never 2>/dev/null
expect_eq "stdout's reader gone silent: CMD's status" "$rc" 6
check "... stopped within shutdown_timeout ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 4500
check "... the lost bytes reported" grep -q "bytes of service output were lost" "$W/never.err"
true

# ---- pid 1's own lines, while nobody reads its output: a nobody service
# makes it log a line per STATUS= as fast as it can; what is not read is
# dropped, counted, and pid 1 does not grow
if grep -qa __asan_init "$POUCH_INIT"; then
skip "pid 1's own lines while unread: the sanitizer build's RSS is its allocator's quarantine"
elif command -v python3 >/dev/null; then
conf_new
printf '[init]\nlog_level = info\ncontrol_socket = %s\n' "$T/own.sock" >"$C/init.ini"
cat >"$T/status.py" <<'EOF2'
import socket, os
p = os.environ['NOTIFY_SOCKET']
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b'READY=1', p)
msg = b'STATUS=' + b'z' * 1000
while True:
    try:
        s.sendto(msg, p)
    except OSError:
        pass
EOF2
svc chatty <<EOF2
[service]
type = notify
user = nobody
exec = python3 $T/status.py
EOF2
rm -f "$T/own.fifo"; mkfifo "$T/own.fifo"
exec 7<>"$T/own.fifo" # a reader that never reads
ns_start -c "$C" -- sleep 1000 >"$T/own.fifo" 2>&1 7<&-
sleep 4
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$NS_PID1/status")
check "pid 1 does not keep what nobody reads of its own lines (VmRSS ${rss:-?} KiB after 4 s)" [ "${rss:-999999}" -lt 65536 ]
check "... and still answers" timeout 5 "$POUCH_INIT" ctl --socket "$T/own.sock" status chatty
exec 7<&- # (its writers get EPIPE, instead of waiting for room)
ns_kill
else
skip "pid 1's own lines while unread: no python3"
fi

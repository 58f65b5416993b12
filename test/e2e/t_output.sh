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
true

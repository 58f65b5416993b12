# The image's own units, run by pouch-init: debootstrapped Debian roots
# (cached outside the repository, used through throw-away overlays), with
# `[init] units = enabled` and no services.d, under pouch-runc rich-run
# and real runc. cron, rsyslog (Type=notify) and openssh-server (notify,
# ExecStartPre, RuntimeDirectory) in one container; nginx (forking,
# PIDFile, ExecStartPre, ExecReload, ExecStop) in another; MariaDB
# (notify, ExecStartPre, ExecStartPost) and PostgreSQL (the templated,
# forking postgresql@15-main) in a third. Each unit is active in
# `systemctl status` inside, does its job (an ssh login, a logger line
# in syslog, an HTTP GET, SQL), reloads and restarts through systemctl,
# and stops on SIGTERM to pid 1 as its unit says, in reverse order;
# `apt-get install` inside the running container of one more package
# with a unit (incron, offline, from a .deb fetched on the host) starts
# it under pouch-init.
T=$T_TMP
if ! command -v runc >/dev/null; then
	skip "units of real packages: runc missing"
	return 0 2>/dev/null || exit 0
fi
base=$(sh "$T_SRC/tools/debian-rootfs.sh") || {
	skip "units of real packages: debootstrap could not build a root filesystem (log above)"
	return 0 2>/dev/null || exit 0
}
web=$(sh "$T_SRC/tools/debian-rootfs.sh" nginx) || web=
db=$(sh "$T_SRC/tools/debian-rootfs.sh" db) || db=
t_start=$(now_ms)

# the package installed inside: fetched once with the host's apt into the
# cache beside the root filesystems (the container has no network).
# incron: a forking daemon with a PIDFile=, whose maintainer script
# starts it with deb-systemd-invoke, and whose dependencies the root has
debs=${POUCH_ROOTFS_CACHE:-/var/cache/pouch-init}/debs
pkgdeb=$(ls "$debs"/incron_*.deb 2>/dev/null | head -n 1)
if [ -z "$pkgdeb" ]; then
	mkdir -p "$debs"
	(cd "$debs" && apt-get download incron) >"$T/apt-download.log" 2>&1
	pkgdeb=$(ls "$debs"/incron_*.deb 2>/dev/null | head -n 1)
fi

UR_NAMES=
cname() { echo "pouch-test-ur-$1-$$"; }
# every container this file starts goes, whatever happened; then lib.sh's
# cleanup unmounts the overlays and removes $T
ur_cleanup() {
	for n in $UR_NAMES; do
		runc kill "$(cname "$n")" KILL 2>/dev/null
		runc delete -f "$(cname "$n")" 2>/dev/null
	done
	wait
}
trap 'ur_cleanup; t_cleanup' EXIT

# up NAME LOWER: a throw-away overlay of LOWER at $T/NAME/merged ($R),
# with pouch-init as its systemctl, in place of systemd's where the image
# has it: apt runs maintainer scripts with PATH=/usr/sbin:/usr/bin:/sbin:/bin
up() {
	R=$T/$1/merged
	mkdir -p "$T/$1/upper" "$T/$1/work" "$R"
	mount -t overlay overlay -o "lowerdir=$2,upperdir=$T/$1/upper,workdir=$T/$1/work" "$R"
	rm -f "$R/usr/bin/systemctl"
	ln -s /.pouch/init "$R/usr/bin/systemctl"
}
# boot NAME: the container on $T/NAME/merged, in the background: units
# enabled, no services.d, CMD a sleep; sets bg_NAME
boot() {
	mkdir -p "$T/$1/conf"
	printf '[init]\nunits = enabled\nlog_level = info\n' >"$T/$1/conf/init.ini"
	"$POUCH_RUNC" rich-run --rootfs "$T/$1/merged" --config "$T/$1/conf" --name "$(cname "$1")" \
		-- /bin/sleep 100000 >"$T/$1.out" 2>"$T/$1.err" &
	eval "bg_$1=$!"
	UR_NAMES="$UR_NAMES $1"
}
# inside NAME CMD...: run CMD in the container
inside() { _n=$1; shift; runc exec "$(cname "$_n")" "$@"; }
# poll SECONDS CMD...: every 0.2 s until CMD succeeds
poll() {
	_i=$(($1 * 5)); shift
	until "$@"; do
		_i=$((_i - 1))
		[ $_i -gt 0 ] || return 1
		sleep 0.2
	done
}
state() { inside "$1" systemctl is-active "$2" 2>/dev/null; }
settled() { case $(state "$1" "$2") in active | failed) true ;; *) false ;; esac; }
# up_wait NAME UNIT SECONDS: until UNIT is active or failed
up_wait() { poll "$3" settled "$1" "$2"; }
mainpid() { inside "$1" systemctl show -p MainPID --value "$2" 2>/dev/null; }
# status NAME UNIT SUB: systemctl status UNIT exits 0 and says active (SUB);
# else what pouch-init said about the unit
status() {
	inside "$1" systemctl status "$2" >"$T/status.out" 2>&1
	_rc=$?
	check "$1: systemctl status $2: 0, active ($3)" sh -c "
		[ $_rc = 0 ] && grep -q '^ *Active: active ($3)' '$T/status.out'"
	if [ $_rc != 0 ]; then
		sed "s/^/$1| /" "$T/status.out"
		grep "^pouch-init: .*${2%%@*}" "$T/$1.err" | sed "s/^/$1| /"
	fi
}
# stop NAME: SIGTERM to pid 1 (runc kill); sets stop_rc and stop_ms; a
# container still there after 60 s is killed
stop() {
	eval "_bg=\$bg_$1"
	_t0=$(now_ms)
	runc kill "$(cname "$1")" TERM
	poll 60 sh -c "! kill -0 $_bg 2>/dev/null" || runc kill "$(cname "$1")" KILL
	wait "$_bg"
	stop_rc=$?
	stop_ms=$(($(now_ms) - _t0))
}
# no_kill NAME: pouch-init had to SIGKILL nothing in NAME's stop
no_kill() { ! grep -q '^pouch-init: .*SIGKILL' "$T/$1.err"; }
# http NAME PORT: GET / on 127.0.0.1:PORT from inside (bash's /dev/tcp:
# the root has no curl)
http() {
	inside "$1" bash -c "exec 3<>/dev/tcp/127.0.0.1/$2 &&
		printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && cat <&3" 2>/dev/null
}

# ---- cron, rsyslog, ssh; then incron, installed inside
up base "$base"
# sshd logs to syslog: the site orders it after rsyslog (a drop-in), so
# that its last line, at the stop, still reaches the log
mkdir -p "$R/etc/systemd/system/ssh.service.d"
printf '[Unit]\nAfter=rsyslog.service\n' >"$R/etc/systemd/system/ssh.service.d/10-after-syslog.conf"
echo "* * * * * root echo tick >>/root/cron-ticks" >"$R/etc/cron.d/pouch-test"
[ -n "$pkgdeb" ] && install -m 644 "$pkgdeb" "$R/tmp/"
boot base
for u in rsyslog ssh cron; do
	up_wait base $u 60
done
status base cron running
status base rsyslog running
status base ssh running

# ssh: a key made here, a login to localhost from inside
inside base sh -c 'mkdir -p -m 700 /root/.ssh && ssh-keygen -q -t ed25519 -N "" -f /root/.ssh/id_ed25519 &&
	cat /root/.ssh/id_ed25519.pub >>/root/.ssh/authorized_keys'
login() {
	inside base ssh -i /root/.ssh/id_ed25519 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=yes -o ConnectTimeout=5 root@127.0.0.1 echo ssh-ok 2>/dev/null
}
expect_eq "base: ssh: a key login to 127.0.0.1 from inside" "$(login)" ssh-ok
expect_eq "base: ssh: its RuntimeDirectory=sshd, mode 0755" "$(inside base stat -c %a /run/sshd 2>&1)" 755

# rsyslog: a logger line lands in /var/log/syslog
inside base logger -t pouchunit "hello-rsyslog-$$"
check "base: rsyslog: a logger line lands in /var/log/syslog" \
	poll 10 grep -q "pouchunit.*hello-rsyslog-$$" "$R/var/log/syslog"

# ssh: reload (ExecReload: sshd -t, then SIGHUP to $MAINPID), restart
p0=$(mainpid base ssh)
inside base systemctl reload ssh 2>"$T/err"
expect_eq "base: systemctl reload ssh: 0" "$?" 0
check "base: ... sshd ($p0) got its SIGHUP (auth.log)" \
	poll 10 grep -q "sshd\[$p0\]: Received SIGHUP; restarting" "$R/var/log/auth.log"
expect_eq "base: ... the same main pid" "$(mainpid base ssh)" "$p0"
# a restart waits for the re-executed sshd to listen again
grep -q "sshd\[$p0\]: Received SIGHUP" "$R/var/log/auth.log" &&
	poll 10 sh -c "[ \$(grep -c 'sshd\[$p0\]: Server listening on 0' '$R/var/log/auth.log') -ge 2 ]"
inside base systemctl restart ssh 2>"$T/err"
expect_eq "base: systemctl restart ssh: 0" "$?" 0
p1=$(mainpid base ssh)
check "base: ... a new main pid ($p0 -> $p1), active" sh -c "
	[ -n '$p1' ] && [ '$p1' != 0 ] && [ '$p1' != '$p0' ] && [ \"\$(runc exec $(cname base) systemctl is-active ssh)\" = active ]"
poll 10 sh -c "grep -q 'sshd\[$p1\]: Server listening' '$R/var/log/auth.log'"
expect_eq "base: ... and the new sshd takes a login" "$(login)" ssh-ok

# apt-get install of one more package with a unit: its maintainer script
# (deb-systemd-invoke start) starts it, under pouch-init
if [ -n "$pkgdeb" ]; then
	inside base env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"/tmp/${pkgdeb##*/}" >"$T/apt.log" 2>&1
	rc=$?
	expect_eq "base: apt-get install -y ./${pkgdeb##*/} inside: 0" "$rc" 0
	[ "$rc" = 0 ] || tail -n 20 "$T/apt.log"
	expect_eq "base: ... the package enabled incron.service" "$(inside base systemctl is-enabled incron 2>&1)" enabled
	up_wait base incron 10
	status base incron running
	pi=$(mainpid base incron)
	check "base: ... its main pid ($pi) is /run/incrond.pid's, the one incrond" sh -c "
		[ -n '$pi' ] && [ '$pi' != 0 ] && [ \"\$(runc exec $(cname base) cat /run/incrond.pid)\" = '$pi' ] &&
		[ \"\$(runc exec $(cname base) pgrep -x incrond | tr '\n' ' ')\" = '$pi ' ]"
	# what the maintainer script said, when it did not start it
	[ "$(state base incron)" = active ] ||
		grep -E 'invoke-rc.d|deb-systemd|systemctl|bus' "$T/apt.log" | sed 's/^/apt| /'
	# its job: a command for a file made in a watched directory
	inside base sh -c 'mkdir -p /root/watched && echo "/root/watched IN_CREATE touch /root/incron-ran" >/etc/incron.d/pouch-test'
	check "base: incron does its job (a file made in a watched directory)" \
		poll 10 sh -c "runc exec $(cname base) touch /root/watched/f\$(date +%s%N); test -e '$R/root/incron-ran'"
else
	skip "base: apt-get install inside: no .deb of incron (the host's apt-get download failed: $(tail -n 1 "$T/apt-download.log"))"
fi

# ---- nginx: forking, PIDFile, ExecStartPre, ExecReload, ExecStop
if [ -n "$web" ]; then
	up web "$web"
	# the signals nginx receives are notices
	sed -i 's|^error_log /var/log/nginx/error.log;$|error_log /var/log/nginx/error.log notice;|' "$R/etc/nginx/nginx.conf"
	grep -q '^error_log .* notice;$' "$R/etc/nginx/nginx.conf" || not_ok "web: nginx.conf has its error_log line"
	boot web
	up_wait web nginx 30
	status web nginx running
	pn=$(mainpid web nginx)
	check "web: nginx: the main pid ($pn) is /run/nginx.pid's" sh -c "
		[ -n '$pn' ] && [ '$pn' != 0 ] && [ \"\$(runc exec $(cname web) cat /run/nginx.pid)\" = '$pn' ]"
	http web 80 >"$T/get.out"
	check "web: nginx: an HTTP GET from inside: 200, its welcome page" sh -c "
		head -n 1 '$T/get.out' | grep -q '^HTTP/1.1 200 OK' && grep -q 'Welcome to nginx' '$T/get.out'"
	# a server added to the configuration answers after a reload
	printf 'server {\n\tlisten 127.0.0.1:8081;\n\tlocation / { return 200 "reloaded\\n"; }\n}\n' \
		>"$R/etc/nginx/conf.d/pouch-reload.conf"
	inside web systemctl reload nginx 2>"$T/err"
	expect_eq "web: systemctl reload nginx: 0" "$?" 0
	check "web: ... nginx re-read its configuration: the new server answers" \
		poll 10 sh -c "runc exec $(cname web) bash -c \"exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3\" 2>/dev/null | grep -q '^reloaded'"
	expect_eq "web: ... the same master process" "$(mainpid web nginx)" "$pn"
	stop web
	expect_eq "web: SIGTERM to pid 1: the container stops (CMD's 143)" "$stop_rc" 143
	check "web: ... nginx stopped by its ExecStop (start-stop-daemon --retry QUIT/5: a graceful stop)" \
		grep -q 'signal 3 (SIGQUIT) received' "$R/var/log/nginx/error.log"
	check "web: ... no SIGKILL ($stop_ms ms)" no_kill web
	grep 'signal .* received from' "$R/var/log/nginx/error.log" | grep -v SIGCHLD | sed 's/^/nginx| /'
	umount "$R"
else
	skip "web: nginx: debootstrap could not build its root filesystem"
fi

# ---- MariaDB (notify, ExecStartPre, ExecStartPost) and PostgreSQL (the
# templated forking postgresql@15-main), in one container
if [ -n "$db" ]; then
	up db "$db"
	# systemd's postgresql-generator, which pouch-init does not run, would
	# want the cluster: enabled as CONFIG.md says
	"$POUCH_INIT" systemctl --root="$R" enable postgresql@15-main.service 2>"$T/err"
	expect_eq "db: systemctl --root enable postgresql@15-main" "$?" 0
	boot db
	up_wait db mariadb 60
	up_wait db postgresql@15-main 60
	status db mariadb running
	status db postgresql@15-main running
	status db postgresql exited
	expect_eq "db: mariadb: SQL through the client" \
		"$(inside db mariadb -N -e 'CREATE DATABASE t; CREATE TABLE t.x (v INT); INSERT INTO t.x VALUES (42); SELECT v FROM t.x' 2>&1)" 42
	expect_eq "db: postgresql@15-main: SQL through psql" \
		"$(inside db runuser -u postgres -- psql -tA -c 'SELECT 6 * 7' 2>&1)" 42
	ppg=$(mainpid db postgresql@15-main)
	check "db: postgresql@15-main: the main pid ($ppg) is the postmaster, from PIDFile=/run/postgresql/15-main.pid" sh -c "
		[ -n '$ppg' ] && [ '$ppg' != 0 ] &&
		[ \"\$(runc exec $(cname db) head -n 1 /run/postgresql/15-main.pid)\" = '$ppg' ]"
	stop db
	expect_eq "db: SIGTERM to pid 1: the container stops (CMD's 143)" "$stop_rc" 143
	check "db: ... mariadb logged a clean shutdown" grep -q 'mariadbd: Shutdown complete' "$T/db.err"
	check "db: mariadb's LimitNOFILE= above the container's hard limit (where it is) and its AmbientCapabilities=CAP_IPC_LOCK the container lacks: said once each, and it runs" sh -c "
		[ \$(grep -c 'service mariadb: LimitNOFILE=32768 is above the container.s hard limit' '$T/db.err') -le 1 ] &&
		[ \$(grep -c 'service mariadb: AmbientCapabilities=cap_ipc_lock: the container does not have it: not raised' '$T/db.err') = 1 ]"
	pglog=$R/var/log/postgresql/postgresql-15-main.log
	check "db: ... postgresql@15-main stopped by its ExecStop (pg_ctlcluster -m fast)" \
		grep -q 'received fast shutdown request' "$pglog"
	check "db: ... and it shut down cleanly" grep -q 'database system is shut down' "$pglog"
	check "db: ... no SIGKILL ($stop_ms ms)" no_kill db
	grep 'shutdown request' "$pglog" | sed 's/^/postgresql| /'
	umount "$R"
else
	skip "db: MariaDB, PostgreSQL: debootstrap could not build their root filesystem"
fi

# ---- back to the first container: cron's job, and the stop
R=$T/base/merged
check "base: cron runs its job (within a minute)" poll 70 test -s "$R/root/cron-ticks"
stop base
expect_eq "base: SIGTERM to pid 1: the container stops (CMD's 143)" "$stop_rc" 143
check "base: ... ssh stopped before rsyslog (its After=): sshd's last line is in auth.log" \
	grep -q 'sshd\[[0-9]*\]: Received signal 15; terminating' "$R/var/log/auth.log"
check "base: ... no SIGKILL ($stop_ms ms)" no_kill base
umount "$R"

expect_eq "no container left" "$(runc list -q | grep -c "^pouch-test-ur-.*-$$\$")" 0
echo "# t_unitrun: $(($(now_ms) - t_start)) ms"
true

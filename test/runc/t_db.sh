# Real databases from a Debian root filesystem (debootstrap, cached outside
# the repository) as services behind an application CMD, under pouch-runc
# rich-run and real runc: every way the container stops must leave their
# data intact. MariaDB (Type=notify, as its own unit) behind a CMD that
# ignores SIGTERM and keeps writing, stopped by SIGTERM within Docker's
# 10 s grace: a normal shutdown, and no crash recovery at the next start.
# PostgreSQL with kill_mode = mixed: a smart shutdown.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v runc >/dev/null; then
	skip "database tests: runc missing"
	return 0 2>/dev/null || exit 0
fi
deb=$(sh "$T_SRC/tools/debian-rootfs.sh" db) || {
	skip "database tests: debootstrap could not build a root filesystem (log above)"
	return 0 2>/dev/null || exit 0
}
R=$T/db/merged
mkdir -p "$T/db/upper" "$T/db/work" "$R"
mount -t overlay overlay -o "lowerdir=$deb,upperdir=$T/db/upper,workdir=$T/db/work" "$R"

conf_new
mkdir -p "$C/hooks/prestart.d"
cat >"$C/hooks/prestart.d/10-mysqld" <<'EOF'
#!/bin/sh
install -d -o mysql -g mysql /run/mysqld
EOF
chmod +x "$C/hooks/prestart.d/10-mysqld"
svc mariadb <<'EOF'
[service]
type = notify
exec = /usr/sbin/mariadbd --user=mysql --skip-networking=0 --bind-address=127.0.0.1 --port=23306
ready = notify
ready_timeout = 60s
EOF
printf '[cmd]\nafter = mariadb\n' >"$C/init.ini"
cat >"$R/app.sh" <<'EOF'
#!/bin/sh
# an application that ignores SIGTERM and writes all the time
trap '' TERM
mariadb -e 'CREATE DATABASE IF NOT EXISTS app; CREATE TABLE IF NOT EXISTS app.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64)) ENGINE=InnoDB'
echo ready >/run/app-ready
while :; do
	mariadb -e "INSERT INTO app.t (v) VALUES ('$(date +%s%N)')" 2>/dev/null
done
EOF
chmod +x "$R/app.sh"

name=pouch-test-db-$$
"$POUCH_RUNC" rich-run --rootfs "$R" --config "$C" --net host --name "$name" \
	-- /app.sh >"$T/run1.out" 2>"$T/run1.err" &
bg=$!
wait_for 60 sh -c "runc exec $name test -e /run/app-ready 2>/dev/null"
sleep 2
t0=$(now_ms)
kill -TERM "$bg"
wait "$bg"
t1=$(now_ms)
check "MariaDB behind a CMD that ignores SIGTERM: the container stops within Docker's 10 s ($((t1 - t0)) ms)" \
	[ $((t1 - t0)) -lt 10000 ]
check "... mariadbd got its SIGTERM and logged a normal shutdown" \
	grep -q "mariadbd: Shutdown complete" "$T/run1.err"
check "... pouch-init never had to SIGKILL it" sh -c "! grep -q 'service mariadb: still running' '$T/run1.err'"
check "... mariadbd was ready by its own READY=1 (CMD did not start on the 30 s fallback)" \
	sh -c "! grep -q \"its 'after' services are not ready\" '$T/run1.err'"
check "... CMD's SIGKILL at its share of the budget is said" \
	grep -q "CMD: still running [0-9]* ms after SIGTERM" "$T/run1.err"
rows1=$(chroot "$R" sh -c 'ls /var/lib/mysql/app/t.ibd' 2>/dev/null)
check "... the table is on disk" test -n "$rows1"

# the next start: no crash recovery, the rows are there
"$POUCH_RUNC" rich-run --rootfs "$R" --config "$C" --net host --name "$name" \
	-- sh -c 'mariadb -N -e "SELECT COUNT(*) FROM app.t"' >"$T/run2.out" 2>"$T/run2.err"
expect_eq "the next start runs CMD and exits with its status" "$?" 0
check "... InnoDB ran no crash recovery" sh -c "! grep -qi 'crash recovery' '$T/run2.err'"
check "... the rows written before the stop are there ($(cat "$T/run2.out"))" [ "$(cat "$T/run2.out")" -gt 0 ]
[ "$(cat "$T/run2.out")" -gt 0 ] 2>/dev/null || sed 's/^/run2| /' "$T/run2.err" | tail -n 20
expect_eq "no container left" "$(runc list -q | grep -c "^$name\$")" 0

# ---- PostgreSQL with kill_mode = mixed: SIGTERM to the postmaster alone
# is a smart shutdown, which lets an open session finish its work (the
# whole group's SIGTERM would terminate the session at once). CMD's
# kill_mode = process leaves CMD's psql session running when CMD is
# killed at its share of the budget.
conf_new
mkdir -p "$C/hooks/prestart.d"
cat >"$C/hooks/prestart.d/10-pgrun" <<'EOF'
#!/bin/sh
install -d -o postgres -g postgres -m 2775 /run/postgresql
EOF
chmod +x "$C/hooks/prestart.d/10-pgrun"
svc pg <<'EOF'
[service]
user = postgres
exec = /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf -c listen_addresses= -c port=25432
ready = exec:/usr/bin/pg_isready -q -p 25432
kill_mode = mixed
stop_timeout = 8s
EOF
printf '[cmd]\nafter = pg\nkill_mode = process\n' >"$C/init.ini"
cat >"$R/pgapp.sh" <<'EOF'
#!/bin/sh
trap '' TERM
P="runuser -u postgres -- psql -q -p 25432 -v ON_ERROR_STOP=1"
$P -c 'CREATE TABLE IF NOT EXISTS t (v text)'
# a session that is still working when the stop begins
$P -c "SELECT pg_sleep(4)" -c "INSERT INTO t VALUES ('after-the-stop-began')" >/run/pg-session 2>&1 &
sleep 0.5
echo ready >/run/pg-ready
wait
while :; do sleep 1; done
EOF
chmod +x "$R/pgapp.sh"
rm -f "$R/run/pg-ready"
"$POUCH_RUNC" rich-run --rootfs "$R" --config "$C" --net host --name "$name" \
	-- /pgapp.sh >"$T/pg1.out" 2>"$T/pg1.err" &
bg=$!
wait_for 60 sh -c "runc exec $name test -e /run/pg-ready 2>/dev/null"
t0=$(now_ms)
kill -TERM "$bg"
wait "$bg"
t1=$(now_ms)
check "PostgreSQL, kill_mode = mixed: the container stops within 10 s ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 10000 ]
check "... the postmaster got a smart shutdown" grep -q "received smart shutdown request" "$T/pg1.err"
check "... no session was terminated by it" sh -c "! grep -q 'terminating connection due to administrator command' '$T/pg1.err'"
check "... and it shut down cleanly" grep -q "database system is shut down" "$T/pg1.err"
"$POUCH_RUNC" rich-run --rootfs "$R" --config "$C" --net host --name "$name" \
	-- runuser -u postgres -- psql -tA -p 25432 -c "SELECT v FROM t" >"$T/pg2.out" 2>"$T/pg2.err"
expect_eq "... the open session's write, made after the stop began, is there" "$(cat "$T/pg2.out")" "after-the-stop-began"
check "... and the next start needed no recovery" sh -c "! grep -q 'not properly shut down' '$T/pg2.err'"
[ "$(cat "$T/pg2.out")" = after-the-stop-began ] || sed 's/^/pg1| /' "$T/pg1.err" | tail -n 30
expect_eq "no container left" "$(runc list -q | grep -c "^$name\$")" 0
umount "$R"
true

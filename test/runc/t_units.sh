# Units of real Debian packages (debootstrapped roots, cached): `check`
# over every unit that cron, rsyslog, openssh-server, nginx, mariadb and
# postgresql ship explains every key it does not apply; pouch-init as
# systemctl in an image being built (a chroot of a throw-away overlay):
# the file commands, deb-systemd-helper and deb-systemd-invoke.
T=$T_TMP
deb=$(sh "$T_SRC/tools/debian-rootfs.sh") || {
	skip "units on Debian: debootstrap could not build a root filesystem (log above)"
	return 0 2>/dev/null || exit 0
}
db=$(sh "$T_SRC/tools/debian-rootfs.sh" db) || db=
web=$(sh "$T_SRC/tools/debian-rootfs.sh" nginx) || web=
conf=$T/conf
mkdir -p "$conf"
printf '[init]\nunits = enabled\n' >"$conf/init.ini"

# check_pkg ROOT PKG...: every unit file the packages ship
check_pkg() {
	r=$1; shift
	for p in "$@"; do
		list=$r/var/lib/dpkg/info/$p.list
		[ -f "$list" ] || { not_ok "$p is installed in $r"; continue; }
		args=
		n=0
		for f in $(grep -E '^/(usr/)?lib/systemd/system/[^/]+\.(service|socket|timer|target|path)(\.d/[^/]+\.conf)?$' "$list" |
			   sed 's|^.*/system/||; s|\.d/.*||' | sort -u); do
			u=$f
			case $u in *@.service) u=${u%@.service}@test.service ;; esac
			args="$args --unit $u"
			n=$((n + 1))
		done
		"$POUCH_INIT" check --root "$r" -c "$conf" $args >"$T/$p.out" 2>&1
		rc=$?
		check "check of $p's $n units: exit 0, each service unit a service" sh -c "
			[ $n -gt 0 ] && [ $rc = 0 ] && ! grep -q 'no service of it' '$T/$p.out'"
		check "check of $p's units: no key unknown or with a bad value" sh -c "
			! grep -E 'unknown key|bad value|unknown section|not a section' '$T/$p.out'"
	done
}
check_pkg "$deb" cron rsyslog openssh-server
grep -q '^unit ssh.service: service ssh, notify$' "$T/openssh-server.out"
expect_eq "ssh.service: notify" "$?" 0
check "ssh.service: ExecStartPre, RuntimeDirectory, the condition, ExecReload twice" sh -c "
	grep -q '^  ExecStartPre: /usr/sbin/sshd -t\$' '$T/openssh-server.out' &&
	grep -q '^  RuntimeDirectory: sshd (mode 0755)\$' '$T/openssh-server.out' &&
	grep -q '^  ConditionPathExists=!/etc/ssh/sshd_not_to_be_run: evaluated at each start\$' '$T/openssh-server.out' &&
	[ \$(grep -c '^  ExecReload: ' '$T/openssh-server.out') = 2 ]"
check "rsyslog.service: Requires=syslog.socket does not block it, and check says so" \
	grep -q "rsyslog.service:[0-9]*: Requires=syslog.socket: socket units are not run.*service rsyslog starts without it" "$T/rsyslog.out"
check "rsyslog.service: StandardOutput=null, stderr inherits it" \
	grep -q '^  restart: on-failure; .*output: null, null$' "$T/rsyslog.out"
check "ssh.socket: reported, not run" grep -q '^unit ssh.socket: not run' "$T/openssh-server.out"
if [ -n "$web" ]; then
	check_pkg "$web" nginx-common
	check "nginx.service: forking with its PIDFile, ExecReload, KillMode=mixed" sh -c "
		grep -q '^unit nginx.service: service nginx, forking, pid file /run/nginx.pid\$' '$T/nginx-common.out' &&
		grep -q '^  ExecReload: /usr/sbin/nginx -g \"daemon on; master_process on;\" -s reload\$' '$T/nginx-common.out' &&
		grep -q 'kill mode mixed' '$T/nginx-common.out'"
else
	skip "nginx root: debootstrap failed"
fi
if [ -n "$db" ]; then
	check_pkg "$db" mariadb-server postgresql-common
	check "mariadb.service: notify, its ExecStartPre, SendSIGKILL=no, TimeoutStopSec" sh -c "
		grep -q '^unit mariadb.service: service mariadb, notify\$' '$T/mariadb-server.out' &&
		grep -q '^  ExecStartPost: !/etc/mysql/debian-start\$' '$T/mariadb-server.out' &&
		grep -q 'timeout 900000 ms (no SIGKILL)' '$T/mariadb-server.out'"
	check "postgresql@.service: a templated forking instance, %i and %I" sh -c "
		grep -q '^unit postgresql@test.service: service postgresql@test (not enabled: starts when asked to), forking, pid file /run/postgresql/test.pid\$' '$T/postgresql-common.out' &&
		grep -q '^  runs: -/usr/bin/pg_ctlcluster --skip-systemctl-redirect test start\$' '$T/postgresql-common.out'"
	check "check names the generator it does not run" \
		grep -q 'postgresql-generator: generator not run' "$T/postgresql-common.out"
else
	skip "db root: debootstrap failed"
fi

# ---- an image being built: a chroot of a throw-away copy
R=$T/img/merged
mkdir -p "$T/img/upper" "$T/img/work" "$R"
mount -t overlay overlay -o "lowerdir=$deb,upperdir=$T/img/upper,workdir=$T/img/work" "$R"
# an image without systemd: pouch-init is its systemctl and service
rm -f "$R/usr/bin/systemctl" "$R/bin/systemctl"
cp "$POUCH_INIT" "$R/usr/sbin/pouch-init"
ln -sf /usr/sbin/pouch-init "$R/usr/bin/systemctl"
ln -sf /usr/sbin/pouch-init "$R/usr/local/sbin/service"
in_img() { env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
	DPKG_MAINTSCRIPT_PACKAGE=cron chroot "$R" "$@"; }
wants=$R/etc/systemd/system/multi-user.target.wants
expect_eq "systemctl is-enabled cron (a package enabled it)" "$(in_img systemctl is-enabled cron.service)" enabled
expect_eq "systemctl is-enabled sshd.service: an alias" "$(in_img systemctl is-enabled sshd.service)" alias
in_img systemctl disable cron 2>"$T/err"
check "systemctl disable cron: the link and the rc links" sh -c "
	[ ! -e '$wants/cron.service' ] && [ ! -e '$R/etc/rc2.d/S01cron' ] && [ -L '$R/etc/rc2.d/K01cron' ] &&
	grep -q 'Removed \"/etc/systemd/system/multi-user.target.wants/cron.service\"' '$T/err'"
in_img systemctl enable cron 2>"$T/err"
check "systemctl enable cron: both again" sh -c "
	[ \"\$(readlink '$wants/cron.service')\" = /lib/systemd/system/cron.service ] && [ -L '$R/etc/rc2.d/S01cron' ]"
# deb-systemd-helper, as a package's maintainer scripts run it
in_img deb-systemd-helper purge cron.service
check "deb-systemd-helper purge cron.service: no link left" test ! -e "$wants/cron.service"
in_img deb-systemd-helper enable cron.service >"$T/out" 2>&1
expect_eq "deb-systemd-helper enable cron.service (through systemctl preset): 0" "$?" 0
check "... the link is there, made by pouch-init's systemctl" sh -c "
	[ \"\$(readlink '$wants/cron.service')\" = /lib/systemd/system/cron.service ] &&
	grep -q '^Created symlink /etc/systemd/system/multi-user.target.wants/cron.service' '$T/out'"
expect_eq "deb-systemd-helper is-enabled cron.service" "$(in_img deb-systemd-helper is-enabled cron.service 2>&1)" enabled
in_img deb-systemd-invoke start cron.service 2>"$T/err"; rc=$?
expect_eq "deb-systemd-invoke start cron.service in a build: 0, a no-op, said" "$rc $(cat "$T/err")" \
	"0 Running in chroot, ignoring command 'start'"
in_img deb-systemd-invoke restart ssh.service 2>"$T/err"; rc=$?
expect_eq "deb-systemd-invoke restart ssh.service: the same" "$rc $(cat "$T/err")" \
	"0 Running in chroot, ignoring command 'restart'"
in_img deb-systemd-helper disable cron.service
check "deb-systemd-helper disable cron.service" test ! -e "$wants/cron.service"
in_img deb-systemd-invoke start cron.service 2>"$T/err"
expect_eq "deb-systemd-invoke start of a disabled unit: refused, as it reads is-enabled" "$(cat "$T/err")" \
	"cron.service is a disabled or a static unit, not starting it."
in_img deb-systemd-helper purge cron.service
in_img deb-systemd-helper enable cron.service >/dev/null 2>&1
expect_eq "deb-systemd-helper purge, then enable: enabled" "$(in_img systemctl is-enabled cron)" enabled
in_img service cron start 2>"$T/err"; rc=$?
expect_eq "service cron start in a build: the same no-op" "$rc $(cat "$T/err")" \
	"0 Running in chroot, ignoring command 'start'"
check "... and nothing runs in the chroot" sh -c "! pgrep -f '^/usr/sbin/cron' >/dev/null || ! ls -l /proc/\$(pgrep -f '^/usr/sbin/cron' | head -n 1)/root | grep -q '$R'"
in_img systemctl mask ssh.service 2>/dev/null
expect_eq "systemctl mask ssh" "$(readlink "$R/etc/systemd/system/ssh.service")" /dev/null
expect_eq "... is-enabled: masked" "$(in_img systemctl is-enabled ssh)" masked
in_img systemctl unmask ssh.service 2>/dev/null
expect_eq "systemctl unmask ssh: enabled again" "$(in_img systemctl is-enabled ssh)" enabled
in_img systemctl list-unit-files --no-legend --type=service >"$T/out"
check "list-unit-files --type=service: cron enabled, hwclock masked" sh -c "
	grep -q '^cron.service  *enabled  *enabled\$' '$T/out' && grep -q '^hwclock.service  *masked  *-\$' '$T/out' &&
	! grep -q '\\.timer ' '$T/out'"
expect_eq "show -p FragmentPath --value ssh" "$(in_img systemctl show -p FragmentPath --value ssh)" \
	/lib/systemd/system/ssh.service
umount "$R"
check "the cached root filesystem is unchanged" sh -c "
	[ \"\$(readlink '$deb/etc/systemd/system/multi-user.target.wants/cron.service')\" = /lib/systemd/system/cron.service ] &&
	[ -e '$deb/usr/bin/systemctl' ] && [ ! -e '$deb/usr/sbin/pouch-init' ]"

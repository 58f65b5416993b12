# A Debian root filesystem (debootstrap, cached outside the repository):
# real rsyslog, cron and OpenSSH under pouch-init's supervisor, and the
# same services.d under systemd in systemd mode. All through pouch-runc
# and real runc.
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
if ! command -v runc >/dev/null; then
	skip "Debian rootfs tests: runc missing"
	return 0 2>/dev/null || exit 0
fi
deb=$(sh "$T_SRC/tools/debian-rootfs.sh") || {
	skip "Debian rootfs tests: debootstrap could not build a root filesystem (log above)"
	return 0 2>/dev/null || exit 0
}
command -v ssh >/dev/null || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client >/dev/null 2>&1
}

# overlay NAME: a throw-away copy of the cached root filesystem in $R
overlay() {
	R=$T/$1/merged
	mkdir -p "$T/$1/upper" "$T/$1/work" "$R"
	mount -t overlay overlay -o "lowerdir=$deb,upperdir=$T/$1/upper,workdir=$T/$1/work" "$R"
	# the image's own units would run the same daemons twice
	rm -f "$R"/etc/systemd/system/multi-user.target.wants/cron.service \
		"$R"/etc/systemd/system/multi-user.target.wants/rsyslog.service \
		"$R"/etc/systemd/system/multi-user.target.wants/ssh.service \
		"$R"/etc/systemd/system/syslog.service "$R"/etc/systemd/system/sshd.service
	mkdir -p "$R/root/.ssh" "$R/out"
	cat "$T/key.pub" >"$R/root/.ssh/authorized_keys"
	chmod 700 "$R/root/.ssh"; chmod 600 "$R/root/.ssh/authorized_keys"
	echo "* * * * * root echo tick >>/out/cron-ticks" >"$R/etc/cron.d/pouch-test"
}
debian_conf() { # PORT
	conf_new
	cp "$T_SRC/contrib/services.d/debian/"*.ini "$C/services.d/"
	sed -i "s|^exec = /usr/sbin/sshd -D -e\$|exec = /usr/sbin/sshd -D -e -p $1 -o ListenAddress=127.0.0.1|; s|^ready = tcp:22\$|ready = tcp:$1|" \
		"$C/services.d/sshd.ini"
	mkdir -p "$C/hooks/poststop.d"
	printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON" >/out/post\n' >"$C/hooks/poststop.d/10-rec"
	chmod +x "$C/hooks/poststop.d/10-rec"
}
try_ssh() { # PORT
	ssh -i "$T/key" -p "$1" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=yes -o ConnectTimeout=5 root@127.0.0.1 echo ssh-ok 2>/dev/null
}
ssh-keygen -q -t ed25519 -N '' -f "$T/key"

# ---- pouch mode: rsyslog, cron, sshd under pouch-init
overlay pouch
debian_conf 22622
name=pouch-test-deb-$$
"$POUCH_RUNC" rich-run --rootfs "$R" --config "$C" --net host --name "$name" \
	-- /bin/sleep 1000 >"$T/deb.out" 2>"$T/deb.err" &
bg=$!
wait_for 30 sh -c "ssh -i '$T/key' -p 22622 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=2 root@127.0.0.1 true 2>/dev/null"
expect_eq "pouch mode: sshd accepts a key login on 127.0.0.1:22622" "$(try_ssh 22622)" "ssh-ok"
runc exec "$name" logger -t pouchtest hello-rsyslog
wait_for 10 grep -q "pouchtest.*hello-rsyslog" "$R/var/log/syslog"
expect_eq "pouch mode: logger reaches rsyslog's /var/log/syslog" "$?" 0
wait_for 70 test -s "$R/out/cron-ticks"
expect_eq "pouch mode: cron fires a job within a minute" "$?" 0
kill -TERM "$bg"; wait "$bg"
expect_eq "pouch mode: SIGTERM stops the container: 143" "$?" 143
expect_eq "pouch mode: poststop hook ran" "$(cat "$R/out/post")" "143 signal"
expect_eq "pouch mode: no container left" "$(runc list -q | grep -c "^$name\$")" 0
umount "$R"

# ---- systemd mode: the same services.d as units, CMD's status is the container's
overlay sysd
debian_conf 22623
rm -f "$R/etc/cron.d/pouch-test"
mkdir -p "$C/hooks/prestart.d"
printf '#!/bin/sh\necho HOOK_VAR=from-hook >>"$POUCH_ENV_FILE"\n' >"$C/hooks/prestart.d/10-env"
chmod +x "$C/hooks/prestart.d/10-env"
cat >"$C/services.d/envdump.ini" <<'EOF'
[service]
type = oneshot
exec = /bin/sh -c 'printf "%s|%s|%s" "$DB_PASSWORD" "$HOOK_VAR" "$OWN" >/out/svc-env'
env = OWN=mine
EOF
secret='s3cr$t "q" \b %n'
name=pouch-test-sysd-$$
"$POUCH_RUNC" rich-run --rootfs "$R" --config "$C" --mode systemd --net host \
	-e "DB_PASSWORD=$secret" --name "$name" -- \
	/bin/sh -c 'echo cmd-output; printf "%s" "$DB_PASSWORD" >/out/cmd-env; sleep 8; touch /out/cmd-end; exit 3' \
	>"$T/sysd.out" 2>"$T/sysd.err" &
bg=$!
wait_for 40 sh -c "ssh -i '$T/key' -p 22623 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=2 root@127.0.0.1 true 2>/dev/null"
expect_eq "systemd mode: sshd (a translated unit) accepts a key login" "$(try_ssh 22623)" "ssh-ok"
active=$(runc exec "$name" systemctl is-active pouch-syslogd pouch-crond pouch-sshd 2>/dev/null | tr '\n' ' ')
expect_eq "systemd mode: rsyslog, cron and sshd units are active" "$active" "active active active "
expect_eq "systemd mode: CMD gets the container's env exactly (\$, quotes, backslash, %)" "$(cat "$R/out/cmd-env")" "$secret"
expect_eq "systemd mode: a services.d unit gets the container's env, the hooks' and its own" "$(cat "$R/out/svc-env")" "$secret|from-hook|mine"
check "systemd mode: no generated unit holds the container's env" \
	sh -c "! runc exec $name grep -rl s3cr /run/systemd/system/ >/dev/null 2>&1"
expect_eq "systemd mode: the env files are root's alone" \
	"$(runc exec "$name" stat -c %a /run/pouch/env /run/pouch/env/container.env | tr '\n' ' ')" "700 600 "
wait "$bg"
rc=$?
t1=$(now_ms)
t0=$(($(stat -c %Y "$R/out/cmd-end" 2>/dev/null || echo 0) * 1000))
check "systemd mode: the container ends soon after CMD ($((t1 - t0)) ms; systemd stops every unit, nothing waits out a timeout)" \
	[ $((t1 - t0)) -lt 10000 ]
expect_eq "systemd mode: the container exits with CMD's status" "$rc" 3
check "systemd mode: CMD's output reaches the container's stdout" grep -q cmd-output "$T/sysd.out"
expect_eq "systemd mode: the poststop hook ran from ExecStopPost" "$(cat "$R/out/post" 2>/dev/null)" "3 cmd-exited"
expect_eq "systemd mode: no container left" "$(runc list -q | grep -c "^$name\$")" 0
umount "$R"
true

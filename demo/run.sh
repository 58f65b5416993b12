#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: a rich container under runc. A busybox root filesystem runs
# syslogd and crond from services.d, an ops agent, a prestart hook that
# writes the web page, busybox httpd as CMD on 127.0.0.1:18080, and a
# poststop hook that records how the container ended.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
PI=$here/pouch-init
PR=$here/pouch-runc
port=${DEMO_PORT:-18080}
name=pouch-demo-$$
tmp=$(mktemp -d /tmp/pouch-demo.XXXXXX)
cleanup() {
	[ -n "${bg:-}" ] && kill -TERM "$bg" 2>/dev/null && wait "$bg" 2>/dev/null
	runc delete -f "$name" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
. "$here/test/runc/rootfs.sh"
say() { printf '\n== %s\n' "$*"; }

say "1. a busybox root filesystem and a config root"
make_busybox_rootfs "$tmp/rootfs"
mkdir -p "$tmp/rootfs/www" "$tmp/rootfs/var/log" "$tmp/rootfs/var/spool/cron/crontabs" "$tmp/out"
echo '* * * * * echo "cron tick $(date)" >>/var/log/cron-ticks' \
	>"$tmp/rootfs/var/spool/cron/crontabs/root"
c=$tmp/config
mkdir -p "$c/services.d" "$c/hooks/prestart.d" "$c/hooks/poststop.d"
cp "$here/contrib/services.d/busybox/syslogd.ini" "$here/contrib/services.d/busybox/crond.ini" "$c/services.d/"
cat >"$c/services.d/agent.ini" <<'EOF2'
; an ops agent: a heartbeat into syslog every 2 seconds
[service]
exec = /bin/sh -c 'while :; do logger -t agent "heartbeat, load $(cut -d " " -f 1 /proc/loadavg)"; sleep 2; done'
after = syslogd
EOF2
cat >"$c/init.ini" <<'EOF2'
[init]
shutdown_timeout = 5s
[cmd]
after = syslogd crond agent
EOF2
cat >"$c/hooks/prestart.d/10-site" <<'EOF2'
#!/bin/sh
rm -f /dev/log
echo "<h1>Hello from a rich container</h1><p>page written by a prestart hook at $(date)</p>" >/www/index.html
echo "SITE_READY_AT=$(date +%s)" >>"$POUCH_ENV_FILE"
echo "wrote /www/index.html"
EOF2
cat >"$c/hooks/poststop.d/10-record" <<'EOF2'
#!/bin/sh
echo "container stopped: status $POUCH_EXIT_CODE, signal ${POUCH_EXIT_SIGNAL:-none}, reason $POUCH_STOP_REASON" >/out/poststop.txt
EOF2
chmod +x "$c/hooks/prestart.d/10-site" "$c/hooks/poststop.d/10-record"
find "$c" -type f | sed "s|$tmp/||; s|^|   |"
"$PI" check --root "$tmp/rootfs" -c "$c" | sed 's/^/   /'

say "2. pouch-runc rich-run: pouch-init is pid 1, httpd is CMD"
"$PR" rich-run --rootfs "$tmp/rootfs" --config "$c" --net host --name "$name" \
	-v "$tmp/out:/out" -- /bin/httpd -f -p "127.0.0.1:$port" -h /www &
bg=$!
i=0
until busybox wget -q -O "$tmp/page" "http://127.0.0.1:$port/" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "httpd did not answer"; exit 1; }
	sleep 0.1
done
echo "   GET http://127.0.0.1:$port/ -> $(cat "$tmp/page")"

say "3. inside: pouch-init ctl status, the process tree, what syslog received"
sleep 2.5
runc exec "$name" /.pouch/init ctl status | sed 's/^/   /'
runc exec "$name" ps -o pid,ppid,args | sed 's/^/   /'
runc exec "$name" tail -n 3 /var/log/messages | sed 's/^/   /'

say "4. stop: SIGTERM to the container; CMD, then the services, then poststop"
kill -TERM "$bg"
set +e
wait "$bg"
rc=$?
set -e
bg=
echo "   container exit status: $rc (httpd stopped by SIGTERM: 128+15)"
echo "   poststop hook recorded: $(cat "$tmp/out/poststop.txt")"
echo "   runc list: $(runc list -q | grep -c "^$name\$" || true) container(s) named $name left"

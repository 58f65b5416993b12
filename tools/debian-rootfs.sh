#!/bin/sh
# SPDX-License-Identifier: MIT
# A Debian bookworm root filesystem with cron, rsyslog, openssh-server,
# systemd and procps, built once with debootstrap and cached outside the
# repository. Prints its path. The mirror is the machine's own (its apt
# sources); nothing here names a host.
#   tools/debian-rootfs.sh            the one above
#   tools/debian-rootfs.sh sysvinit   sysvinit-core as /sbin/init, procps
#   tools/debian-rootfs.sh db         MariaDB and PostgreSQL servers, procps
#   tools/debian-rootfs.sh nginx      nginx (its unit: forking, PIDFile, ExecReload), procps
set -eu
cache=${POUCH_ROOTFS_CACHE:-/var/cache/pouch-init}
case ${1:-} in
'') dir=$cache/debian-bookworm
    include=cron,rsyslog,openssh-server,systemd,procps ;;
sysvinit) dir=$cache/debian-bookworm-sysvinit
    include=sysvinit-core,procps ;;
db) dir=$cache/debian-bookworm-db
    include=mariadb-server,mariadb-client,postgresql,procps ;;
nginx) dir=$cache/debian-bookworm-nginx
    include=nginx,procps ;;
*) echo "usage: debian-rootfs.sh [sysvinit|db|nginx]" >&2; exit 2 ;;
esac
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
command -v debootstrap >/dev/null || {
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
}
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "debian-rootfs: no mirror in the apt sources" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
debootstrap --variant=minbase --include="$include" \
	bookworm "$dir" "$mirror" >"$dir.log" 2>&1 || {
	tail -n 20 "$dir.log" >&2
	exit 1
}
touch "$dir/.complete"
echo "$dir"

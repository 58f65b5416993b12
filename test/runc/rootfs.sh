# SPDX-License-Identifier: MIT
# Root filesystems for container tests.

# make_busybox_rootfs DIR: busybox-static with every applet as a link
make_busybox_rootfs() {
	mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/etc" "$1/tmp" "$1/run"
	cp /bin/busybox "$1/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$1/etc/passwd"
	echo 'root:x:0:' >"$1/etc/group"
}

# make_bundle DIR ARGS...: an OCI bundle (runc spec) whose rootfs is
# DIR/rootfs, running ARGS, no terminal
make_bundle() {
	b=$1; shift
	rm -f "$b/config.json"
	( cd "$b" && runc spec )
	args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	jq --argjson a "$args" '.process.args = $a | .process.terminal = false
		| .root.readonly = false' "$b/config.json" >"$b/config.json.new"
	mv "$b/config.json.new" "$b/config.json"
}

# docker_start DIR [DOCKERD ARGS...]: a private dockerd with its own roots
# under DIR; sets DOCKER_HOST. Returns 1 (with its log on stderr) when it
# cannot start.
docker_start() {
	d=$1; shift
	mkdir -p "$d"
	dockerd --iptables=false --ip6tables=false --bridge=none \
		--data-root "$d/data" --exec-root "$d/exec" \
		--pidfile "$d/dockerd.pid" -H "unix://$d/docker.sock" \
		"$@" >"$d/dockerd.log" 2>&1 &
	export DOCKER_HOST="unix://$d/docker.sock"
	if ! wait_for 60 docker version >/dev/null 2>&1; then
		tail -n 20 "$d/dockerd.log" >&2
		docker_stop "$d"
		return 1
	fi
}

# docker_stop DIR: stop that dockerd and remove everything it made
docker_stop() {
	if [ -f "$1/dockerd.pid" ]; then
		p=$(cat "$1/dockerd.pid")
		kill "$p" 2>/dev/null
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 300 ]; do
			sleep 0.1; i=$((i + 1))
		done
	fi
	case $1 in "" | /) return 1 ;; esac # never the machine's own mounts
	grep " ${1%/}/" /proc/mounts | awk '{print $2}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$1"
}

# containerd_start DIR: a private containerd; sets CTR (the ctr command)
containerd_start() {
	d=$1
	mkdir -p "$d"
	cat >"$d/config.toml" <<EOC
version = 2
root = "$d/root"
state = "$d/state"
[grpc]
  address = "$d/containerd.sock"
EOC
	containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 &
	echo $! >"$d/containerd.pid"
	CTR="ctr --address $d/containerd.sock"
	if ! wait_for 30 $CTR version >/dev/null 2>&1; then
		tail -n 20 "$d/containerd.log" >&2
		containerd_stop "$d"
		return 1
	fi
}

containerd_stop() {
	[ -f "$1/containerd.pid" ] && kill "$(cat "$1/containerd.pid")" 2>/dev/null
	sleep 0.5
	case $1 in "" | /) return 1 ;; esac # never the machine's own mounts
	grep " ${1%/}/" /proc/mounts | awk '{print $2}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$1"
}

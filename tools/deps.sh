#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages a make target needs, only those missing.
# usage: tools/deps.sh GROUP...   (build, test, analyze, runc, docker, cri, podman, bench, fuzz, deb, systemd)
set -eu
pkgs=
for g in "$@"; do
	case $g in
	build) pkgs="$pkgs gcc make libc6-dev libinih-dev libcap-dev libjansson-dev file scdoc" ;;
	test) pkgs="$pkgs util-linux procps file valgrind man-db python3-yaml" ;;
	analyze) pkgs="$pkgs cppcheck" ;;
	runc) pkgs="$pkgs runc busybox-static jq iproute2 debootstrap openssh-client" ;;
	docker) pkgs="$pkgs docker.io containerd" ;;
	cri) pkgs="$pkgs containerd python3-grpcio python3-grpc-tools python3-yaml" ;;
	podman) pkgs="$pkgs podman crun uidmap slirp4netns fuse-overlayfs" ;;
	bench) pkgs="$pkgs tini dumb-init catatonit runit s6 supervisor" ;;
	fuzz) pkgs="$pkgs clang libclang-rt-14-dev libinih-dev" ;;
	deb) pkgs="$pkgs build-essential debhelper dpkg-dev scdoc git" ;;
	systemd) pkgs="$pkgs libsystemd-dev systemd" ;;
	*) echo "deps.sh: unknown group $g" >&2; exit 2 ;;
	esac
done
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: need root to install:$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null

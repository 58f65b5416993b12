# The Dockerfile examples, built and run by a real dockerd: the static
# binary copied from a stage of its own, services.d and hooks baked in,
# ENTRYPOINT pouch-init, HEALTHCHECK `pouch-init ctl wait-ready`. The base
# images are made here (no registry): a busybox root filesystem and the
# cached Debian one, imported.
. "$T_SRC/test/runc/rootfs.sh"
if ! command -v dockerd >/dev/null; then
	skip "Dockerfile examples: dockerd is not installed (apt-get install docker.io)"
	return 0 2>/dev/null || exit 0
fi
deb=$(sh "$T_SRC/tools/debian-rootfs.sh") || {
	skip "Dockerfile examples: no Debian root filesystem (log above)"
	return 0 2>/dev/null || exit 0
}
dk=/tmp/pouch-dockerd-build.$$
if ! docker_start "$dk"; then
	skip "Dockerfile examples: dockerd could not start here (log above)"
	return 0 2>/dev/null || exit 0
fi
# the build context is the repository, with the binary under test
ctx=$T_TMP/ctx
mkdir -p "$ctx"
cp -a "$T_SRC/contrib" "$T_SRC/examples" "$T_SRC/.dockerignore" "$ctx/"
cp "$POUCH_INIT" "$ctx/pouch-init"
make_busybox_rootfs "$T_TMP/bb"
tar -C "$T_TMP/bb" -c . | docker import - pouch-test/busybox:stable >/dev/null
tar -C "$deb" -c . | docker import - pouch-test/debian:bookworm >/dev/null

# build FILE BASE TAG: build examples/docker/FILE on BASE; "FILE builds"
build() {
	docker build -q --build-arg BASE="$2" -f "$ctx/examples/docker/$1" -t "$3" "$ctx" \
		>"$T_TMP/build" 2>&1
	_rc=$?
	expect_eq "$1 builds" "$_rc" 0
	[ "$_rc" = 0 ] || cat "$T_TMP/build"
}
# healthy NAME: docker's health check passed
healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" = healthy ]; }

# ---- busybox
build Dockerfile.busybox pouch-test/busybox:stable pouch-test/app-bb
docker run -d --name pouch-test-bb pouch-test/app-bb >/dev/null
check "busybox: HEALTHCHECK (ctl wait-ready) reports healthy" wait_for 30 healthy pouch-test-bb
docker exec pouch-test-bb /sbin/pouch-init ctl status >"$T_TMP/status" 2>&1
check "busybox: syslogd and crond run under pouch-init" sh -c "grep -q '^syslogd *running' '$T_TMP/status' && grep -q '^crond *running' '$T_TMP/status'"
expect_eq "busybox: CMD (httpd) serves" "$(docker exec pouch-test-bb wget -qO- http://127.0.0.1:8080/ 2>/dev/null)" "hello from a rich container"
check "busybox: the prestart hook ran" docker exec pouch-test-bb test -s /run/pouch-started
docker stop pouch-test-bb >/dev/null
expect_eq "busybox: docker stop: CMD's status 143" "$(docker inspect -f '{{.State.ExitCode}}' pouch-test-bb)" 143
check "busybox: the poststop hook ran and saw it" sh -c "docker logs pouch-test-bb 2>&1 | grep -q 'stopped: status 143, reason signal'"
docker rm -f pouch-test-bb >/dev/null 2>&1

# ---- Debian
build Dockerfile.debian pouch-test/debian:bookworm pouch-test/app-deb
docker run -d --name pouch-test-deb pouch-test/app-deb >/dev/null
check "Debian: HEALTHCHECK (ctl wait-ready) reports healthy" wait_for 60 healthy pouch-test-deb
docker exec pouch-test-deb /sbin/pouch-init ctl status >"$T_TMP/status" 2>&1
check "Debian: rsyslog, cron and sshd run; host keys made" sh -c "grep -q '^syslogd *running' '$T_TMP/status' && grep -q '^crond *running' '$T_TMP/status' && grep -q '^sshd *running' '$T_TMP/status' && grep -q '^sshd-keygen *done' '$T_TMP/status'"
check "Debian: CMD runs with the prestart hook's variable" sh -c "docker exec pouch-test-deb sh -c 'tr \"\\\\0\" \"\\\\n\" </proc/\$(pgrep -x sleep)/environ' | grep -q '^APP_STARTED_BY=pouch-init\$'"
docker stop pouch-test-deb >/dev/null
expect_eq "Debian: docker stop: CMD's status 143" "$(docker inspect -f '{{.State.ExitCode}}' pouch-test-deb)" 143
check "Debian: the poststop hook ran" sh -c "docker logs pouch-test-deb 2>&1 | grep -q 'stopped: status 143, reason signal'"
docker rm -f pouch-test-deb >/dev/null 2>&1

docker rmi -f pouch-test/app-bb pouch-test/app-deb pouch-test/busybox:stable pouch-test/debian:bookworm >/dev/null 2>&1
docker_stop "$dk"
true

# Docker as a real client: dockerd --init-path runs pouch-init as
# /sbin/docker-init -- CMD; exit statuses and signals pass through.

. "$T_SRC/test/runc/rootfs.sh"
if ! command -v dockerd >/dev/null; then
	skip "docker tests: dockerd is not installed (apt-get install docker.io)"
	return 0 2>/dev/null || exit 0
fi
dk=/tmp/pouch-dockerd.$$
# pouch-runc's configuration for this dockerd's runtime: the tests' own
# file (root's, 0644), reaching pouch-runc through dockerd's environment;
# its runtime records every call, so that we see it is read
PRC="$T_TMP/pouch-runc.conf"
printf '#!/bin/sh\necho "$*" >>%s/runtime-calls\nexec runc "$@"\n' "$T_TMP" >"$T_TMP/runc-rec"
chmod 755 "$T_TMP/runc-rec"
printf '[runtime]\nruntime = %s/runc-rec\nmodes = pouch dumb-init\n' "$T_TMP" >"$PRC"
chmod 644 "$PRC"
export POUCH_RUNC_CONFIG="$PRC"
if ! docker_start "$dk" --init-path "$POUCH_INIT" --add-runtime "pouch=$POUCH_RUNC"; then
	skip "docker tests: dockerd could not start here (log above)"
	return 0 2>/dev/null || exit 0
fi
make_busybox_rootfs "$T_TMP/bb"
tar -C "$T_TMP/bb" -c . | docker import - pouch-test-busybox >/dev/null
img=pouch-test-busybox

docker run --rm --init $img sh -c 'tr "\0" " " </proc/1/cmdline; echo; /sbin/docker-init --version' >"$T_TMP/out"
check "docker --init runs pouch-init as pid 1" grep -q '^/sbin/docker-init -- sh -c' "$T_TMP/out"
check "... and it is pouch-init" grep -q '^pouch-init version' "$T_TMP/out"
docker run --rm --init $img sh -c 'exit 7'
expect_eq "docker run --init: CMD's status 7" "$?" 7
docker run --rm --init $img sh -c 'kill -TERM $$'
expect_eq "docker run --init: a SIGTERM death is 143" "$?" 143
docker run --rm --init $img /no/such/thing 2>/dev/null
expect_eq "docker run --init: a missing CMD is 127" "$?" 127
n=$(docker run --rm --init $img sh -c 'for i in $(seq 100); do (sleep 0 &); done; sleep 1; grep -l "^[0-9]* ([^)]*) Z" /proc/[0-9]*/stat 2>/dev/null | wc -l')
expect_eq "docker run --init: no zombie is left of 100 orphans" "$n" 0

docker run -d --name pouch-test-sig --init $img sh -c 'trap "exit 3" USR1; while :; do sleep 0.1; done' >/dev/null
sleep 0.5
docker kill -s USR1 pouch-test-sig >/dev/null
rc=$(docker wait pouch-test-sig)
expect_eq "docker kill -s USR1 reaches CMD (it exits 3)" "$rc" 3
docker rm -f pouch-test-sig >/dev/null 2>&1

docker run -d --name pouch-test-stop --init $img sleep 1000 >/dev/null
t0=$(now_ms); docker stop pouch-test-stop >/dev/null; t1=$(now_ms)
rc=$(docker inspect -f '{{.State.ExitCode}}' pouch-test-stop)
expect_eq "docker stop: sleep as CMD gives 143" "$rc" 143
check "docker stop is prompt ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 3000 ]
docker rm -f pouch-test-stop >/dev/null 2>&1

# --add-runtime: pouch-runc as Docker's runtime makes a rich container
docker run --rm --runtime pouch -e POUCH_RICH_MODE=pouch $img \
	sh -c 'tr "\0" " " </proc/1/cmdline; echo; exit 6' >"$T_TMP/out"
expect_eq "docker --runtime pouch: CMD's status 6" "$?" 6
check "docker --runtime pouch: pouch-init is pid 1" grep -q "^/.pouch/init --mode pouch -- sh -c" "$T_TMP/out"
docker run --rm --runtime pouch $img sh -c 'tr "\0" " " </proc/1/cmdline; echo; exit 4' >"$T_TMP/out"
expect_eq "docker --runtime pouch without a rich mode: plain runc, status 4" "$?:$(cut -c1-5 "$T_TMP/out")" "4:sh -c"
docker run -d --name pouch-test-rich --runtime pouch -e POUCH_RICH_MODE=pouch $img sleep 1000 >/dev/null
t0=$(now_ms); docker stop pouch-test-rich >/dev/null; t1=$(now_ms)
expect_eq "docker stop of a rich container: 143" "$(docker inspect -f '{{.State.ExitCode}}' pouch-test-rich)" 143
check "... promptly ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 3000 ]
docker rm -f pouch-test-rich >/dev/null 2>&1

check "dockerd's environment reaches pouch-runc: POUCH_RUNC_CONFIG's runtime ran" \
	grep -q -- "--log .*log.json --log-format json" "$T_TMP/runtime-calls"

# an image whose ENV asks for a mode the administrator does not allow
# (with a busybox /sbin/init, so that the mode would work if allowed)
mkdir -p "$T_TMP/bb/sbin" && ln -sf /bin/busybox "$T_TMP/bb/sbin/init"
tar -C "$T_TMP/bb" -c . | docker import --change 'ENV POUCH_RICH_MODE=sbin-init' - pouch-test-sbin >/dev/null
rm -f "$T_TMP/bb/sbin/init"
: >"$T_TMP/runtime-calls"
docker run --rm --runtime pouch pouch-test-sbin sh -c 'echo ran' >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
check "docker: an image with ENV POUCH_RICH_MODE=sbin-init does not run (status $rc)" sh -c "[ $rc -ne 0 ] && ! grep -q ran '$T_TMP/out'"
check "... and docker says why (pouch-runc's refusal through runc's log)" \
	grep -q "pouch-runc: process.env POUCH_RICH_MODE: rich mode 'sbin-init' is not allowed here" "$T_TMP/err"
check "... runc was never asked to create it" sh -c "! grep -qw create '$T_TMP/runtime-calls'"
docker run --rm --runtime pouch -e POUCH_RICH_MODE=systemd $img true >/dev/null 2>"$T_TMP/err"
check "docker -e POUCH_RICH_MODE=systemd, not allowed: refused" \
	grep -q "pouch-runc: process.env POUCH_RICH_MODE: rich mode 'systemd' is not allowed here" "$T_TMP/err"
docker run --rm --runtime pouch -e POUCH_RICH_MODE=pouch pouch-test-sbin sh -c 'tr "\0" " " </proc/1/cmdline; echo' >"$T_TMP/out" 2>&1
check "docker -e POUCH_RICH_MODE=pouch over the image's ENV: a rich container" grep -q "^/.pouch/init --mode pouch -- sh -c" "$T_TMP/out"
docker rmi -f pouch-test-sbin >/dev/null 2>&1

docker rmi -f $img >/dev/null 2>&1
docker_stop "$dk"

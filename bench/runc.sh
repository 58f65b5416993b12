#!/bin/sh
# SPDX-License-Identifier: MIT
# pouch-runc beside plain runc on the same busybox bundle: a whole
# container run of /bin/true (create, start, CMD, exit, delete) and the
# stop latency (SIGTERM until `runc run` returns). Appends to RESULTS.md.
set -eu
: "${POUCH_INIT:?}" "${PT:?}" "${POUCH_RUNC:?}"
RUNS=${RUNS:-30}
out=${OUT:-bench/RESULTS.md}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/pouch-bench-runc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
wait_for() { n=0; until "$@"; do n=$((n + 1)); [ $n -lt 1000 ] || return 1; sleep 0.01; done; }
. "$here/test/runc/rootfs.sh"
make_busybox_rootfs "$tmp/rootfs"
make_bundle "$tmp" /bin/true
jq --arg r "$tmp/rootfs" '.root.path = $r' "$tmp/config.json" >"$tmp/plain.json"
jq '.annotations = {"io.pouch.rich-mode": "pouch"}' "$tmp/plain.json" >"$tmp/rich.json"

cat >"$tmp/one.sh" <<'EOF2'
#!/bin/sh
# one.sh RUNTIME CONFIG: a whole run of /bin/true from a fresh config.json
cp "$2" "$BUNDLE/config.json"
"$1" run --bundle "$BUNDLE" bench-$$ </dev/null >/dev/null 2>&1
rc=$?
"$1" delete -f bench-$$ >/dev/null 2>&1
exit $rc
EOF2
export BUNDLE=$tmp
echo "bench: a whole container run ($RUNS runs each, interleaved)" >&2
i=0
while [ $i -lt "$RUNS" ]; do
	PT_RAW=1 $PT runtime 1 -- sh "$tmp/one.sh" runc "$tmp/plain.json" >>"$tmp/t.runc"
	PT_RAW=1 $PT runtime 1 -- sh "$tmp/one.sh" "$POUCH_RUNC" "$tmp/plain.json" >>"$tmp/t.pass"
	PT_RAW=1 $PT runtime 1 -- sh "$tmp/one.sh" "$POUCH_RUNC" "$tmp/rich.json" >>"$tmp/t.rich"
	i=$((i + 1))
done

stop_once() { # RUNTIME CONFIG
	jq '.process.args = ["/bin/sh", "-c", "trap \"exit 0\" TERM; sleep 1000 & wait"]' "$2" >"$tmp/config.json"
	"$1" run --bundle "$tmp" benchstop </dev/null >/dev/null 2>&1 &
	bg=$!
	wait_for sh -c "runc state benchstop 2>/dev/null | grep -q running"
	sleep 0.1
	t0=$(date +%s%N)
	runc kill benchstop TERM
	wait $bg || true
	echo $(( ($(date +%s%N) - t0) / 1000 ))
	runc delete -f benchstop >/dev/null 2>&1 || true
}
echo "bench: stop latency (10 runs each)" >&2
i=0
while [ $i -lt 10 ]; do
	stop_once runc "$tmp/plain.json" >>"$tmp/s.runc"
	stop_once "$POUCH_RUNC" "$tmp/rich.json" >>"$tmp/s.rich"
	i=$((i + 1))
done

stats() { sort -n "$1" | awk '{v[NR]=$1} END {printf "%d %d %d", v[1], v[int((NR+1)/2)], v[NR]}'; }
row() { # LABEL FILE BASE
	set -- "$1" "$(stats "$2")" "$(stats "$3" | awk '{print $2}')"
	med=$(echo "$2" | awk '{print $2}')
	echo "| $1 | $(echo "$2" | awk '{print $1 " | " $2 " | " $3}') | $(awk -v a="$med" -v b="$3" 'BEGIN {printf "%+.1f%%", (a - b) * 100 / b}') |"
}
{
echo
echo "# pouch-runc beside runc"
echo
echo "Produced by \`make bench\` (bench/runc.sh) on $(date -u +%Y-%m-%d): the same busybox"
echo "bundle run by plain runc and by pouch-runc, interleaved, microseconds."
echo
echo "## A whole container run of /bin/true ($RUNS runs)"
echo
echo "| runtime | min | median | max | overhead (median) |"
echo "|---|---|---|---|---|"
row "runc" "$tmp/t.runc" "$tmp/t.runc"
row "pouch-runc, plain bundle (pass-through)" "$tmp/t.pass" "$tmp/t.runc"
row "pouch-runc, rich (pouch-init as pid 1)" "$tmp/t.rich" "$tmp/t.runc"
echo
echo "## Stop: runc kill TERM until runc run returns (10 runs; CMD: a shell that exits on SIGTERM)"
echo
echo "| runtime | min | median | max | overhead (median) |"
echo "|---|---|---|---|---|"
row "runc" "$tmp/s.runc" "$tmp/s.runc"
row "pouch-runc, rich" "$tmp/s.rich" "$tmp/s.runc"
} >>"$out"
tail -n 20 "$out"

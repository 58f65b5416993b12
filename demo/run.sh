#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: pouch-init's pid-1 duties on a built-in example, in a fresh
# pid namespace: orphans reaped, a signal forwarded, the exit status
# returned.
set -eu
PI=${POUCH_INIT:-./pouch-init}
PT=${PT:-./build/pt}
tmp=$(mktemp -d /tmp/pouch-demo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

say() { printf '\n== %s\n' "$*"; }

say "1. orphans: CMD leaves 1,000 zombies behind; pid 1 reaps them all"
unshare --pid --fork --mount-proc --kill-child "$PI" -- "$PT" orphans 1000 \
	>"$tmp/us"
echo "   all 1,000 reaped $(cat "$tmp/us") us after their parent died"

say "2. signals: SIGUSR1 and SIGHUP to pid 1 reach CMD; -r rewrites HUP to TERM"
unshare --pid --fork --mount-proc --kill-child "$PI" -r HUP:TERM -- \
	"$PT" sigecho "$tmp/sigs" 15 &
bg=$!
until grep -q ready "$tmp/sigs" 2>/dev/null; do sleep 0.05; done
pid1=$(pgrep -P $bg | head -n 1)
echo "   pouch-init is pid 1 of its namespace ($pid1 out here)"
kill -USR1 "$pid1"
until grep -qx 10 "$tmp/sigs"; do sleep 0.05; done
echo "   CMD received signal 10 (USR1)"
kill -HUP "$pid1"
wait $bg || true
echo "   CMD received signal $(tail -n 1 "$tmp/sigs") (TERM, rewritten from HUP) and exited 0"

say "3. exit status: CMD exits 42, the container exits 42"
set +e
unshare --pid --fork --mount-proc --kill-child "$PI" -- sh -c 'exit 42'
echo "   exit status: $?"
unshare --pid --fork --mount-proc --kill-child "$PI" -- sh -c 'kill -TERM $$'
echo "   a CMD killed by SIGTERM: $? (128+15)"
unshare --pid --fork --mount-proc --kill-child "$PI" -- /no/such/program 2>&1 |
	sed 's/^/   /'
echo "   a CMD that does not exist: 127"

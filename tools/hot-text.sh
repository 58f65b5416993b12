#!/bin/sh
# SPDX-License-Identifier: MIT
# usage: tools/hot-text.sh PID1-BINARY OBJECT... >init/hot.ld   (root; valgrind)
#
# Writes the linker script that puts the code pid 1 runs first in the
# binary, together: first what a plain pid 1 runs (start, CMD's spawn,
# the idle wait, the forwarded SIGTERM, the exit), then what supervision
# adds (services.d, output relaying, restarts, the stop). A file page of
# the binary counts in pid 1's RSS once it is mapped, and the kernel maps
# a fault's neighbours with it (64 KiB around it), so code run once
# anywhere in 1.1 MB of text keeps its whole neighbourhood resident;
# packed, it takes a few windows instead of all of them.
#
# Each case runs under callgrind as pid 1 of a fresh pid namespace; the
# clone()d child is counted up to its execve (it runs in pid 1's memory).
# A function is named by its section (objects are built with
# -ffunction-sections); a library's by its archive member. The binary
# must have been built from the same objects; a name that is gone later
# only stays where the default link puts it.
set -eu
bin=$(realpath "$1")
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/cfg/services.d"
svc() { printf '[service]\nexec = %s\nrestart_delay = 0\n%b' "$2" "${3:-}" >"$tmp/cfg/services.d/$1.ini"; }
svc a '/bin/sleep 7777'
svc b '/bin/sleep 7777' 'after = a\n'
svc log '/bin/sh -c "echo out; echo err >&2; exec sleep 7777"' 'stdout = prefix\nstderr = prefix\n'
svc flap '/bin/sh -c "sleep 0.5; exit 3"' 'restart = always\nstart_limit = 100/1s\n'

# case TIER NAME ARGS...: pid 1 for 4 s, then SIGTERM
case_run() {
	tier=$1 name=$2; shift 2
	unshare --pid --fork --mount-proc --kill-child \
		valgrind --tool=callgrind --dump-before=execve \
		--callgrind-out-file="$tmp/cg.$tier.$name.%p" "$bin" "$@" \
		</dev/null >/dev/null 2>&1 &
	bg=$!
	sleep 4
	kill -TERM "$(pgrep -P "$bg" | head -n 1)" 2>/dev/null || true
	wait "$bg" || true
}
case_run 1 plain -- /bin/sleep 7777
case_run 1 exit -- /bin/true
case_run 1 dumb --mode dumb-init -- /bin/sleep 7777
case_run 2 svc -c "$tmp/cfg"
case_run 2 svccmd -c "$tmp/cfg" -- /bin/sleep 7777

# function names run, by tier (the first tier a name is in)
for t in 1 2; do
	{ cat "$tmp"/cg.$t.* | sed -n 's/^c\{0,1\}fn=([0-9]*) \(.*\)/\1/p' |
		sed "s/'.*//"
	  [ $t = 1 ] && nm --defined-only "$bin" | awk '$2 == "i" {print $3}'
	  # run natively but not seen by callgrind: valgrind names
	  # __libc_start_main "(below main)", gives no vDSO (whose symbols
	  # glibc looks up at start) and stops counting the child at execve
	  [ $t = 1 ] && printf '%s\n' __libc_start_main _dl_lookup_symbol_x \
		_dl_setup_hash _dl_new_object __minimal_malloc pthread_mutex_lock \
		__pthread_once_slow pthread_mutex_unlock \
		execve __strstr_avx512
	} | sort -u >"$tmp/fns.$t"
done
comm -13 "$tmp/fns.1" "$tmp/fns.2" >"$tmp/fns.2only"
grep -q '^plain_start$' "$tmp/fns.1" && grep -q '^super_run$' "$tmp/fns.2" ||
	{ echo "hot-text.sh: callgrind did not record pid 1's runs" >&2; exit 1; }

# archive members defining each global function, and the IFUNC
# resolvers (run at start by the static-pie's own relocation)
for a in libc.a libcap.a libinih.a; do
	f=$(gcc -print-file-name="$a")
	nm -A --defined-only "$f" 2>/dev/null |
		awk -v a="$a" '$(NF-1) ~ /^[TWi]$/ {
			split($1, p, ":"); print $NF, a ":" p[2], $(NF-1) }'
done >"$tmp/members"
# our own functions, each in a section of its own, and their objects
nm -A --defined-only "$@" | awk 'NF == 3 && $2 ~ /^[tTW]$/ {
	f = $1; sub(/:[0-9a-f]*$/, "", f); n = split(f, q, "/")
	print $3, "own:*/" q[n-1] "/" q[n] }' >>"$tmp/members"

emit() { # KIND FNS-FILE: the lines for one tier, text or rodata
	awk -v kind="$1" -v members="$tmp/members" '
	function sort(a, n,   i, j, t) {
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && a[j-1] > a[j]; j--) {
				t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	}
	BEGIN { while ((getline l < members) > 0) {
			split(l, p, " ")
			if (!(p[1] in m) || p[2] ~ /^own:/) m[p[1]] = p[2] } }
	{ fns[$1] = 1 }
	END {
		for (f in fns) {
			if (!(f in m)) continue
			if (m[f] ~ /^own:/) { own[f] = 1; obj[substr(m[f], 5)] = 1 }
			else { lib[m[f]] = 1; obj["*" m[f]] = 1 }
		}
		if (kind == "text") {
			n = 0; for (f in own) ol[n++] = f
			sort(ol, n)
			for (i = 0; i < n; i++)
				printf "    *(.text.%s .text.startup.%s .text.unlikely.%s)\n", ol[i], ol[i], ol[i]
			n = 0; for (o in lib) ll[n++] = o
			sort(ll, n)
			for (i = 0; i < n; i++) {
				printf "    *%s(.text .text.*)\n", ll[i]
				# the CPU valgrind shows has AVX2; one with AVX-512
				# takes the EVEX or AVX-512 variant of the function
				if (ll[i] ~ /-avx2?[-.]/ && ll[i] !~ /rtm/) {
					v = ll[i]; sub(/-avx2?[-.].*/, "", v)
					printf "    *%s-evex*.o(.text .text.*)\n", v
					printf "    *%s-avx512*.o(.text .text.*)\n", v
				}
			}
		} else {
			n = 0; for (o in obj) ll[n++] = o
			sort(ll, n)
			for (i = 0; i < n; i++)
				printf "    %s(.rodata .rodata.*)\n", ll[i]
		}
	}' "$2"
}

cat <<EOF
/* SPDX-License-Identifier: MIT */
/*
 * Generated by tools/hot-text.sh (make hot-text): the code pid 1 runs,
 * and the constants of the objects it comes from, packed together (at the head of
 * the text; after .rodata in the read-only data), so that a pid 1's file pages in
 * its RSS are few. First what a plain pid 1 runs, then what supervision
 * adds; everything else follows in the default link's order. Added to
 * ld's default script (INSERT); a name that matches nothing changes
 * nothing but where its code lies.
 */
SECTIONS
{
  .text.pid1 :
  {
    *rcrt1.o(.text .text.*)
    *crtbeginS.o(.text .text.*)
EOF
emit text "$tmp/fns.1"
echo "    /* what supervision adds */"
emit text "$tmp/fns.2only"
cat <<EOF
  }
}
INSERT BEFORE .text;
SECTIONS
{
  .rodata.pid1 :
  {
EOF
emit rodata "$tmp/fns.1"
echo "    /* what supervision adds */"
emit rodata "$tmp/fns.2only"
cat <<EOF
  }
}
INSERT AFTER .rodata;
EOF

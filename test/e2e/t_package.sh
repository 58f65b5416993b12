# Packaging: the man pages render cleanly and name every configuration
# key; make install and uninstall with DESTDIR; the example YAML parses.
T=$T_TMP
M=${POUCH_MAN_DIR:-$T_SRC/build/man}
[ -f "$M/pouch-init.8" ] || make -s -C "$T_SRC" man >/dev/null 2>&1

# ---- man pages
for page in pouch-init.8 pouch-init.ini.5 pouch-runc.8; do
	if [ ! -f "$M/$page" ]; then
		not_ok "man page $page was built (make man)"
		continue
	fi
	MANWIDTH=80 man --warnings -l "$M/$page" >"$T/page" 2>"$T/warn"
	expect_eq "man -l $page: renders without warnings" "$(cat "$T/warn")" ""
	check "... with its NAME and SEE ALSO" sh -c "grep -q '^NAME' '$T/page' && grep -q '^SEE ALSO' '$T/page'"
done
MANWIDTH=200 man -l "$M/pouch-init.ini.5" 2>/dev/null >"$T/ini5"
missing=
for k in $(sed -n 's/^	{ "\([a-z_]*\)", k_.*/\1/p' "$T_SRC/config/keys.c") \
	$(sed -n 's/^	{ "[a-z]*", "\([a-z_]*\)", i_.*/\1/p' "$T_SRC/config/keys.c"); do
	grep -q "\b$k\b" "$T/ini5" || missing="$missing $k"
done
expect_eq "pouch-init.ini(5) names every key the parser knows" "$missing" ""
MANWIDTH=200 man -l "$M/pouch-init.8" 2>/dev/null >"$T/init8"
missing=
for o in $("$POUCH_INIT" --help | sed -n 's/^ *\(-., \)\{0,1\}\(--[a-z-]*\).*/\2/p'); do
	grep -q -- "$o" "$T/init8" || missing="$missing $o"
done
expect_eq "pouch-init(8) names every option of --help" "$missing" ""

# ---- make install / uninstall
D=$T/dest
missing=
make -s -C "$T_SRC" install DESTDIR="$D" PREFIX=/usr >"$T/install.log" 2>&1
expect_eq "make install DESTDIR= PREFIX=/usr" "$?" 0
for f in usr/sbin/pouch-init usr/sbin/pouch-runc usr/share/man/man8/pouch-init.8 \
	usr/share/man/man8/pouch-runc.8 usr/share/man/man5/pouch-init.ini.5 \
	usr/share/pouch-init/services.d/debian/sshd.ini \
	usr/share/pouch-init/services.d/busybox/crond.ini \
	usr/share/pouch-init/services.d/examples/ops-agent.ini \
	usr/lib/systemd/system/pouch-init.service; do
	[ -f "$D/$f" ] || missing="$missing $f"
done
expect_eq "... installs both programs, the man pages, the service definitions and the systemd unit" "${missing:-}" ""
expect_eq "... the installed pouch-init runs" "$("$D/usr/sbin/pouch-init" --version | cut -d' ' -f1-2)" "pouch-init version"
check "... stripped" sh -c "! file '$D/usr/sbin/pouch-init' | grep -q 'not stripped'"
make -s -C "$T_SRC" uninstall DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1
expect_eq "make uninstall leaves no file" "$(find "$D" -type f | wc -l)" 0

# ---- Kubernetes and containerd examples
if python3 -c 'import yaml' 2>/dev/null; then
	for y in "$T_SRC"/docs/examples/*.yaml; do
		python3 -c 'import sys, yaml; docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]; sys.exit(0 if docs and all("kind" in d and "apiVersion" in d for d in docs) else 1)' "$y"
		expect_eq "$(basename "$y"): valid YAML, every document with kind and apiVersion" "$?" 0
	done
else
	skip "YAML examples (python3-yaml missing)"
fi
true

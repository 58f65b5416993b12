# The Debian package: dpkg-buildpackage -us -uc -b on a copy of the
# source builds a .deb, which installs, whose binaries run (pouch-init as
# pid 1 of a namespace too), and which removes cleanly.
T=$T_TMP
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	sh "$T_SRC/tools/deps.sh" deb >/dev/null 2>&1
fi
if ! command -v dh >/dev/null; then
	skip "Debian package: debhelper could not be installed"
	return 0 2>/dev/null || exit 0
fi
if dpkg -s pouch-init >/dev/null 2>&1; then
	skip "Debian package: a pouch-init package is installed already; not touching it"
	return 0 2>/dev/null || exit 0
fi
src=$T/src/pouch-init-0.1.0
mkdir -p "$src"
# the source: what git tracks or would (not what it ignores)
(cd "$T_SRC" && git ls-files --cached --others --exclude-standard | while read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done |
	tar -cf - -T -) | tar -C "$src" -xf -
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
rc=$?
expect_eq "dpkg-buildpackage -us -uc -b" "$rc" 0
[ "$rc" = 0 ] || tail -n 30 "$T/build.log"
deb=$(ls "$T"/src/pouch-init_0.1.0_*.deb 2>/dev/null | head -n 1)
check "... made a .deb" test -f "$deb"
dpkg -c "$deb" >"$T/contents" 2>/dev/null
for f in ./usr/sbin/pouch-init ./usr/sbin/pouch-runc ./usr/share/man/man8/pouch-init.8.gz \
	./usr/share/man/man5/pouch-init.ini.5.gz ./usr/share/pouch-init/services.d/debian/sshd.ini; do
	grep -q " $f\$" "$T/contents" || missing="${missing:-} $f"
done
expect_eq "... holding both programs, the man pages and the service definitions" "${missing:-}" ""
dpkg -i "$deb" >"$T/install.log" 2>&1
expect_eq "dpkg -i installs it" "$?" 0
expect_eq "... /usr/sbin/pouch-init runs" "$(/usr/sbin/pouch-init --version | cut -d' ' -f1,2)" "pouch-init version"
unshare --pid --fork --mount-proc --kill-child /usr/sbin/pouch-init -- sh -c 'exit 5'
expect_eq "... and is a working pid 1" "$?" 5
check "... pouch-runc finds runc" sh -c "/usr/sbin/pouch-runc --version | grep -q 'runc: /'"
check "... man finds its pages" sh -c "man -w pouch-init.ini >/dev/null"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /usr/lib/systemd/system/pouch-init.service >"$T/verify" 2>&1
	expect_eq "... its systemd unit verifies cleanly" "$(cat "$T/verify")" ""
else
	skip "systemd unit check: systemd-analyze is not installed"
fi
dpkg --purge pouch-init >"$T/purge.log" 2>&1
expect_eq "dpkg --purge removes it" "$?" 0
check "... and nothing is left" test ! -e /usr/sbin/pouch-init -a ! -e /usr/share/pouch-init
true

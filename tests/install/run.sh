#!/usr/bin/env bash
# make suite-install: what a distribution gets from `make install` and a
# POLICY= build (docs/install.md, docs/policy.md "Shipping a policy").
#
#   tests/install/run.sh BUILD WORKDIR
#
# Needs the image and modcheck built (make installable).  Uses initramfs-tools'
# own hook-functions (Debian initramfs-tools-core) to run the hook, and stock
# QEMU (TCG) for the boot-log lines.
set -u
B=$1
W=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
rm -rf "$W"
mkdir -p "$W"
W=$(realpath "$W")
pass=0
fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
# expect NAME CONDITION-COMMAND... : PASS when the command succeeds.
expect() {
	local name=$1 why
	shift
	if why=$("$@" 2>&1); then ok "$name"; else bad "$name" "$(head -c 400 <<<"$why")"; fi
}

version=$(cat VERSION)
revision=$(sed -n 's/^#define VTLGUARD_REVISION "\(.*\)"$/\1/p' "$B/include/vtlguard/version.h")

# --------------------------------------------------------- make install
D=$W/destdir
make --no-print-directory -s install DESTDIR="$D" PREFIX=/usr >"$W/install.log" 2>&1 ||
	bad install-runs "make install failed: $(tail -n 5 "$W/install.log")"
cat >"$W/want-usr" <<'EOF'
usr/bin/modcheck
usr/lib/debug/usr/lib/firmware/vsm_sk.debug
usr/lib/firmware/vmlinux
usr/lib/firmware/vsm_sk
usr/share/doc/vtlguard/LICENSE
usr/share/doc/vtlguard/README.md
usr/share/doc/vtlguard/architecture.md
usr/share/doc/vtlguard/boot-protocol.md
usr/share/doc/vtlguard/builtin-policy.dts
usr/share/doc/vtlguard/install.md
usr/share/doc/vtlguard/module-validation.md
usr/share/doc/vtlguard/policy.md
usr/share/doc/vtlguard/threat-model.md
usr/share/doc/vtlguard/vtl-call-abi.md
usr/share/initramfs-tools/hooks/vtlguard
usr/share/man/man1/modcheck.1
EOF
(cd "$D" 2>/dev/null && find . \( -type f -o -type l \) | sed 's|^\./||' | sort) >"$W/got-usr"
expect install-file-list diff -u "$W/want-usr" "$W/got-usr"

fw=$D/usr/lib/firmware
expect install-v3-name-links-to-v4-name test "$(readlink "$fw/vmlinux")" = vsm_sk
expect install-modes bash -c "[ \"\$(stat -c %a '$fw/vsm_sk' '$D/usr/bin/modcheck' '$D/usr/share/initramfs-tools/hooks/vtlguard' | tr '\n' ' ')\" = '644 755 755 ' ]"
expect image-passes-loader-checks tools/check-image "$fw/vsm_sk"
expect image-is-stripped bash -c "! readelf -SW '$fw/vsm_sk' | grep -q '\.symtab'"
expect debug-elf-has-symbols bash -c "readelf -SW '$D/usr/lib/debug/usr/lib/firmware/vsm_sk.debug' | grep -q '\.symtab'"
# The installed image loads exactly like the built one: same PT_LOADs, same
# bytes in them.
expect image-loads-like-build bash -c "diff <(readelf -lW '$fw/vsm_sk' | grep LOAD) <(readelf -lW '$B/vtlguard.elf' | grep LOAD) &&
	cmp <(objcopy -O binary '$fw/vsm_sk' /dev/stdout) <(objcopy -O binary '$B/vtlguard.stripped.elf' /dev/stdout)"
# gdb's rule: .gnu_debuglink = file name, NUL, padding, CRC-32 of the file.
expect image-debuglink-matches python3 - "$fw/vsm_sk" "$D/usr/lib/debug/usr/lib/firmware/vsm_sk.debug" <<'EOF'
import subprocess, sys, zlib, tempfile, os
with tempfile.TemporaryDirectory() as t:
    out = os.path.join(t, "link")
    subprocess.run(["objcopy", "--dump-section", ".gnu_debuglink=" + out, sys.argv[1], os.path.join(t, "x")], check=True)
    d = open(out, "rb").read()
name = d[:d.index(b"\0")].decode()
crc = int.from_bytes(d[-4:], "little")
want = zlib.crc32(open(sys.argv[2], "rb").read()) & 0xffffffff
assert name == "vsm_sk.debug", name
assert crc == want, (hex(crc), hex(want))
EOF
note=$(readelf -n "$fw/vsm_sk")
policy_sha=$(sha256sum "$B/policy/builtin.dtb" | cut -d' ' -f1)
expect image-note-version grep -qF "\"version\":\"$version\",\"revision\":\"$revision\"" <<<"$note"
expect image-note-policy grep -qF "\"policy\":\"default.dts\",\"policySha256\":\"$policy_sha\"" <<<"$note"
expect modcheck-version test "$("$D/usr/bin/modcheck" --version)" = "modcheck (vtlguard) $version, revision $revision"
expect man-page-renders bash -c "LC_ALL=C MANWIDTH=200 man -l '$D/usr/share/man/man1/modcheck.1' 2>&1 | grep -q 'modcheck - check Linux module'"
expect doc-ships-builtin-policy cmp "$D/usr/share/doc/vtlguard/builtin-policy.dts" vtl_protect/policy/default.dts
expect version-single-source bash -c "head -n 1 debian/changelog | grep -qF 'vtlguard ($version)'"

# A /usr/local install: programs under PREFIX, the hook where initramfs-tools
# reads the administrator's hooks, the firmware where the kernel looks.
L=$W/local
make --no-print-directory -s install DESTDIR="$L" >"$W/install-local.log" 2>&1
expect install-prefix-local bash -c "test -x '$L/usr/local/bin/modcheck' && test -f '$L/usr/local/share/man/man1/modcheck.1' &&
	test -x '$L/etc/initramfs-tools/hooks/vtlguard' && test -f '$L/usr/lib/firmware/vsm_sk' && ! test -e '$L/usr/local/lib/firmware'"

# ------------------------------------------------------ initramfs hook
hook=$D/usr/share/initramfs-tools/hooks/vtlguard
expect hook-prereqs bash -c "out=\$(sh '$hook' prereqs) && [ -z \"\$out\" ]"
expect hook-names-installed-path grep -q '^image=${VTLGUARD_IMAGE:-/usr/lib/firmware/vsm_sk}$' "$hook"
if [ -r /usr/share/initramfs-tools/hook-functions ]; then
	I=$W/initramfs
	mkdir -p "$I"
	out=$(DESTDIR=$I verbose=y VTLGUARD_IMAGE=$fw/vsm_sk sh "$hook" 2>&1)
	st=$?
	expect hook-copies-image bash -c "[ $st -eq 0 ] && cmp '$I/usr/lib/firmware/vsm_sk' '$fw/vsm_sk'"
	# Run again: already present is not an error.
	expect hook-rerun-ok env DESTDIR="$I" verbose=n VTLGUARD_IMAGE="$fw/vsm_sk" sh "$hook"
	rm -rf "$I" && mkdir -p "$I"
	if out=$(DESTDIR=$I verbose=n VTLGUARD_IMAGE=$W/no-such sh "$hook" 2>&1) &&
		grep -q 'W: vtlguard: .*no-such is missing' <<<"$out" && [ -z "$(find "$I" -type f)" ]; then
		ok hook-missing-image-warns
	else
		bad hook-missing-image-warns "status or message wrong, or a file was copied: $out"
	fi
else
	echo "SKIP hook-*: /usr/share/initramfs-tools/hook-functions missing (Debian package initramfs-tools-core; tools/setup-debian installs it)"
fi

# ------------------------------------------------- version in the boot log
tools/qemu-smoke --accel tcg --timeout 60 "$B/vtlguard.elf" >"$W/boot.log" 2>&1
expect boot-log-first-line bash -c "head -n 1 '$W/boot.log' | grep -qF 'vtlguard $version (PVH entry), revision $revision, image at'"
expect boot-log-policy-line grep -qF "built-in policy: default.dts sha256 $policy_sha" "$W/boot.log"

# make qemu (QEMU_ACCEL=auto) falls back to TCG whenever KVM fails: here a
# QEMU that aborts under KVM the way some hosts do (status 134, "failed to
# set MSR 0x10a") stands in front of the real one.
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	mkdir -p "$W/fakeqemu"
	real_qemu=$(command -v qemu-system-x86_64)
	cat >"$W/fakeqemu/qemu-system-x86_64" <<FAKE
#!/bin/sh
case " \$* " in *" -accel kvm "*)
	echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2; kill -ABRT \$\$;;
esac
exec $real_qemu "\$@"
FAKE
	chmod +x "$W/fakeqemu/qemu-system-x86_64"
	PATH=$W/fakeqemu:$PATH tools/qemu-smoke --accel auto "$B/vtlguard.elf" >"$W/qemu-auto.log" 2>&1
	st=$?
	expect qemu-auto-falls-back-to-tcg bash -c "[ $st -eq 33 ] && grep -q 'KVM could not run this image here (QEMU status 134: .*MSR 0x10a.*); using TCG' '$W/qemu-auto.log'"
else
	echo "SKIP qemu-auto-falls-back-to-tcg: no usable /dev/kvm here (auto goes straight to TCG)"
fi
help_ok() {
	local text w
	text=$(make --no-print-directory help) || return 1
	for w in 'make install' 'make deb' 'make qemu' 'POLICY=file.dts' 'QEMU_ACCEL=auto|kvm|tcg' \
		'DESTDIR, PREFIX' 'suite-NAME .*install'; do
		grep -q -- "$w" <<<"$text" || { echo "make help lacks '$w'"; return 1; }
	done
}
expect make-help-lists-targets-and-variables help_ok

# ---------------------------------------------------------- POLICY=file.dts
# A second image with tests/install/site-policy.dts built in.  Its build
# directory is seeded with the main build's objects, so only what the
# policy changes is rebuilt (policy.o, main.o, version.o, the link).
P=$W/policy-build
mkdir -p "$P"
cp -a "$B/vtl1" "$B/include" "$B/sysinc" "$P/"
site=tests/install/site-policy.dts
if make --no-print-directory -s BUILD="$P" POLICY="$site" "$P/vtlguard.elf" >"$W/policy-build.log" 2>&1; then
	ok policy-build
	site_sha=$(sha256sum "$P/policy/builtin.dtb" | cut -d' ' -f1)
	expect policy-dtb-is-site-dts bash -c "dtc -q -I dts -O dtb '$site' | cmp - '$P/policy/builtin.dtb'"
	expect policy-note grep -qF "\"policy\":\"site-policy.dts\",\"policySha256\":\"$site_sha\"" <<<"$(readelf -n "$P/vtlguard.elf")"
	expect policy-bytes-in-image python3 -c '
import sys
img, dtb, default = (open(f, "rb").read() for f in sys.argv[1:4])
assert dtb in img, "site policy blob not in the image"
assert default not in img, "default policy blob still in the image"' "$P/vtlguard.elf" "$P/policy/builtin.dtb" "$B/policy/builtin.dtb"
	tools/qemu-smoke --accel tcg --timeout 60 "$P/vtlguard.elf" >"$W/policy-boot.log" 2>&1
	expect policy-boot-log grep -qF "built-in policy: site-policy.dts sha256 $site_sha" "$W/policy-boot.log"
else
	bad policy-build "$(tail -n 5 "$W/policy-build.log")"
fi
# A bad policy fails the build with dtc's message; a missing one is named.
printf '/dts-v1/;\n/ { memory = "audit" \n' >"$W/bad.dts"
# fails_with NAME PATTERN... -- CMD...: CMD must fail and print every PATTERN.
fails_with() {
	local name=$1 pats=() out
	shift
	while [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	if out=$("$@" 2>&1); then bad "$name" "succeeded: $(head -c 300 <<<"$out")"; return; fi
	for p in "${pats[@]}"; do
		grep -q -- "$p" <<<"$out" || { bad "$name" "no /$p/ in: $(head -c 300 <<<"$out")"; return; }
	done
	ok "$name"
}
fails_with policy-bad-dts-fails 'syntax error' 'does not compile' -- \
	make --no-print-directory -s BUILD="$W/bad-build" POLICY="$W/bad.dts" "$W/bad-build/policy/builtin.dtb"
fails_with policy-missing-file-named 'POLICY=.*none.dts: no such file' -- \
	make --no-print-directory -s BUILD="$W/bad-build" POLICY="$W/none.dts"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

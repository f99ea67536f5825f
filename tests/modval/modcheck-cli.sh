# modcheck as an operator's Unix tool (docs/module-validation.md, modcheck.1):
# compressed modules, no input caps, --stdin, messages that name the file and
# the reason, --help/--version/--json/-v, exit statuses, the manual.
#
# Sourced by run-suite.sh after it made the keys and modules in $W (the
# current directory), so check(), $M and the *.ko/*.der files exist here.
# MODCHECK_MAN is the manual's path.

# ----------------------------------------------------- compressed modules
# Made the way Debian's kernel build compresses modules (xz --check=crc32,
# zstd, gzip), from the signed test module.
xz --check=crc32 --lzma2=dict=1MiB -c rsa2048.ko >rsa2048.ko.xz || die "xz"
zstd -q -T0 -c rsa2048.ko >rsa2048.ko.zst || die "zstd"
gzip -9 -n -c rsa2048.ko >rsa2048.ko.gz || die "gzip"
check compressed-xz OK "rsa2048.ko.xz: signature OK modval-rsa2048 sha256" \
	$M --cert rsa2048.der rsa2048.ko.xz
check compressed-zstd OK "rsa2048.ko.zst: signature OK modval-rsa2048 sha256" \
	$M --cert rsa2048.der rsa2048.ko.zst
check compressed-gzip OK "rsa2048.ko.gz: signature OK modval-rsa2048 sha256" \
	$M --cert rsa2048.der rsa2048.ko.gz
# The format is told by magic, not by name.
cp rsa2048.ko.zst renamed.ko
check compressed-told-by-magic OK "renamed.ko: signature OK" $M --cert rsa2048.der renamed.ko
# Decompression must not hide a change to the signed content.
xz -c flip-rsa2048.ko >flip.ko.xz
zstd -q -c flip-rsa2048.ko >flip.ko.zst
check compressed-flipped-content-xz FAIL "flip.ko.xz: FAIL RSA signature does not verify" \
	$M --cert rsa2048.der flip.ko.xz
check compressed-flipped-content-zstd FAIL "flip.ko.zst: FAIL RSA signature does not verify" \
	$M --cert rsa2048.der flip.ko.zst
head -c $(($(stat -c %s rsa2048.ko.xz) - 40)) rsa2048.ko.xz >trunc.ko.xz
check compressed-truncated-xz FAIL "trunc.ko.xz: FAIL xz stream is" \
	$M --cert rsa2048.der trunc.ko.xz
head -c $(($(stat -c %s rsa2048.ko.zst) - 20)) rsa2048.ko.zst >trunc.ko.zst
check compressed-truncated-zstd FAIL "trunc.ko.zst: FAIL zstd stream is truncated" \
	$M --cert rsa2048.der trunc.ko.zst
head -c $(($(stat -c %s rsa2048.ko.gz) - 20)) rsa2048.ko.gz >trunc.ko.gz
check compressed-truncated-gzip FAIL "trunc.ko.gz: FAIL gzip stream is truncated" \
	$M --cert rsa2048.der trunc.ko.gz
cp rsa2048.ko.gz corrupt.ko.gz
printf '\xff\xff\xff\xff' | dd of=corrupt.ko.gz bs=1 seek=40 conv=notrunc 2>/dev/null
check compressed-corrupt-gzip FAIL "corrupt.ko.gz: FAIL gzip stream is corrupt" \
	$M --cert rsa2048.der corrupt.ko.gz
cat rsa2048.ko.gz mod.o >trailing.ko.gz
check compressed-gzip-trailing-data FAIL "trailing.ko.gz: FAIL data after the end of the gzip stream" \
	$M --cert rsa2048.der trailing.ko.gz
# A bomb: 16 zstd frames of 64 MiB of zeros (2 KiB on disk, 1 GiB inflated),
# checked with 700 MiB of address space.  The bounded reader stops past the
# 256 MiB limit; an unbounded one runs out of memory first.
head -c 64M /dev/zero | zstd -q -c >zero64.zst || die "zstd bomb"
for _ in $(seq 16); do cat zero64.zst; done >bomb.ko.zst
check decompression-bomb-zstd FAIL "bomb.ko.zst: FAIL decompressed content is larger than the validation limit" \
	bash -c "ulimit -v 700000; exec $M --cert rsa2048.der bomb.ko.zst"
head -c 300M /dev/zero | gzip -1 -c >bomb.ko.gz || die "gzip bomb"
check decompression-bomb-gzip FAIL "bomb.ko.gz: FAIL decompressed content is larger than the validation limit" \
	bash -c "ulimit -v 700000; exec $M --cert rsa2048.der bomb.ko.gz"
rm -f bomb.ko.zst bomb.ko.gz zero64.zst

# ------------------------------------------------------ no fixed input caps
# The old modcheck stopped with status 2 and no message past 256 inputs.
many=()
for _ in $(seq 300); do many+=(rsa2048.ko); done
check many-inputs-300 OK "rsa2048.ko: signature OK" $M --cert rsa2048.der "${many[@]}"
n=$($M --cert rsa2048.der "${many[@]}" rsa2048.ko.xz | grep -c 'signature OK')
check many-inputs-all-reported OK "301" echo "$n"
# The trust store's own bound (4 secondary keys) is reported, naming the file.
sec6=()
for _ in $(seq 6); do sec6+=(--secondary sec.der); done
check many-secondary-named FAIL "secondary key file sec.der refused" \
	$M --cert ca.der "${sec6[@]}" sec.ko

# ------------------------------------------------------------------ stdin
check stdin-dash OK "rsa2048.ko.zst: signature OK" \
	bash -c "printf 'rsa2048.ko\n\nrsa2048.ko.zst\n' | $M --cert rsa2048.der -"
check stdin-option FAIL "p256.ko: FAIL signer not in the trust store" \
	bash -c "printf 'rsa2048.ko\np256.ko\n' | $M --cert rsa2048.der --stdin"
check stdin-empty FAIL "no module paths on standard input" \
	bash -c "$M --cert rsa2048.der --stdin </dev/null"

# --------------------------------------------------------------- messages
check missing-file-named FAIL "cannot read no-such.ko: No such file or directory" \
	$M --cert rsa2048.der rsa2048.ko no-such.ko
check missing-cert-named FAIL "cannot read certificate file no-such.der: No such file or directory" \
	$M --cert no-such.der rsa2048.ko
# Serials are printed as openssl x509 -serial prints them (whole bytes in
# hex, no DER sign-padding byte), in lower case; run-suite.sh fixed
# rsa2048's serial, so the expected text is literal.
check unknown-signer-issuer-serial FAIL "rsa2048.ko: FAIL signer not in the trust store (unknown key): issuer \"CN=modval-rsa2048\", serial 0a1b2c3d4e5f60718293" \
	$M --cert other.der rsa2048.ko
ossl_serial=$(openssl x509 -in rsa2048.pem -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
mc_serial=$($M --cert other.der rsa2048.ko 2>&1 | sed -n 's/.*, serial \([0-9a-f]*\).*/\1/p')
check unknown-signer-serial-as-openssl OK "same" \
	bash -c "[ '$mc_serial' = '$ossl_serial' ] && echo same || echo 'modcheck $mc_serial, openssl $ossl_serial'"
check unknown-signer-serial-sign-byte FAIL "hibit.ko: FAIL signer not in the trust store (unknown key): issuer \"CN=modval-hibit\", serial 80ff0001" \
	$M --cert other.der hibit.ko
skid=$(openssl x509 -in rsa2048.pem -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' :' | tr 'A-F' 'a-f')
check unknown-signer-key-id FAIL "keyid.ko: FAIL signer not in the trust store (unknown key): key id $skid" \
	$M --cert other.der keyid.ko
check bad-option-named FAIL "unknown option '--bogus'" $M --cert rsa2048.der --bogus rsa2048.ko
check missing-option-value FAIL "option --cert needs a FILE argument" $M rsa2048.ko --cert
check no-input FAIL "no MODULE given" $M --cert rsa2048.der
check help-on-stdout OK "--stdin" bash -c "$M --help 2>/dev/null"
# Every option of --help is in the manual, and every option the code
# accepts is in --help.
opts=$(grep -o -- '"--[a-z][a-z-]*"' "$MODCHECK_SRC" | tr -d '"' | sort -u)
man_text=$(groff -man -Tascii "$MODCHECK_MAN" 2>/dev/null | sed 's/.\x08//g')
missing=""
for o in $opts; do
	$M --help | grep -q -- "$o" || missing="$missing help:$o"
	grep -q -- "$o" <<<"$man_text" || missing="$missing man:$o"
done
check help-and-man-cover-options OK "complete" bash -c "[ -z '$missing' ] && echo complete || echo 'missing:$missing'"
check version OK "modcheck (vtlguard) $(cat "$VTLGUARD_VERSION_FILE"), revision " $M --version
check verbose-says-what-was-checked OK "not checked by modcheck" \
	$M -v --cert rsa2048.der rsa2048.ko.xz
check verbose-format OK "bytes after xz; checked its appended PKCS#7 signature" \
	$M -v --cert rsa2048.der rsa2048.ko.xz
check man-page-renders OK "" bash -c "groff -man -ww -z '$MODCHECK_MAN' 2>&1 | grep . && exit 1; exit 0"

# ------------------------------------------------------------------- JSON
check json-one-object-per-input OK "json ok" python3 -c '
import json, subprocess, sys
p = subprocess.run([sys.argv[1], "--json", "--cert", "rsa2048.der", "rsa2048.ko.xz",
                    "p256.ko", "no-such.ko"], capture_output=True, text=True)
objs = [json.loads(l) for l in p.stdout.splitlines()]
assert p.returncode == 1, p.returncode
assert len(objs) == 3, objs
a, b, c = objs
assert a == {"file": "rsa2048.ko.xz", "format": "xz", "result": "signature-ok",
             "checked": "signature", "signer": "modval-rsa2048", "digest": "sha256"}, a
assert b["result"] == "fail" and b["unknownSigner"]["issuer"] == "CN=modval-p256", b
assert c["result"] == "fail" and c["reason"] == "cannot read: No such file or directory", c
print("json ok")' "$M"

# File names are bytes: one that is not UTF-8 still gives a valid JSON line.
cp rsa2048.ko "$(printf 'name-\xff-\xc3\xa9.ko')"
check json-non-utf8-file-name OK "name ok signature-ok" python3 -c '
import json, subprocess, sys
p = subprocess.run([sys.argv[1], "--json", "--cert", "rsa2048.der", b"name-\xff-\xc3\xa9.ko"],
                   capture_output=True)
o = json.loads(p.stdout.decode("utf-8"))
print("name", "ok" if o["file"] == "name-\ufffd-\u00e9.ko" else repr(o["file"]), o["result"])' "$M"

# ------------------------------------------------------------ exit status
check exit-status-0 OK "rc=0" bash -c "$M --cert rsa2048.der rsa2048.ko >/dev/null; echo rc=\$?"
check exit-status-1 OK "rc=1" bash -c "$M --cert rsa2048.der p256.ko >/dev/null; echo rc=\$?"
check exit-status-2 OK "rc=2" bash -c "$M --cert garbage.der rsa2048.ko 2>/dev/null; echo rc=\$?"

# ------------------------------------------- real Debian modules (cached)
# Five modules of Debian's signed cloud kernel package, checked with the
# kernel's module-signing certificate after compressing them the ways
# distributions do.  The package (~27 MB) is fetched once with apt-get into
# DEBIAN_KERNEL_CACHE (default build/cache/debian-kernel, kept across runs,
# removed by make clean); without network or apt lists this part SKIPs.
debian_kernel() {
	local cache=$1 pkg deb
	[ -f "$cache/ready" ] && return 0
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || return 1
	pkg=$(apt-cache show linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p' | head -n 1)
	[ -n "$pkg" ] || return 1
	rm -rf "$cache" && mkdir -p "$cache/x" || return 1
	(cd "$cache" && timeout 300 apt-get download "$pkg" >/dev/null 2>&1) || return 1
	deb=$(ls "$cache"/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || return 1
	dpkg-deb -c "$deb" | awk '{print $6}' | grep -E '\.ko$' | sort | head -n 5 >"$cache/modules"
	# From here on the package is here: a failure is a FAIL, not a SKIP.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$cache/x" --wildcards './boot/vmlinuz-*' \
		$(sed 's|^|./|; s|^\./\./|./|' "$cache/modules") || return 2
	# The signing certificate is in the compressed vmlinux inside the bzImage
	# (Debian 12 compresses it with lz4).
	python3 - "$cache"/x/boot/vmlinuz-* "$cache/signing_key.der" <<'PY' || return 2
import subprocess, sys
d = open(sys.argv[1], "rb").read()
setup = d[0x1f1] or 4
off = (setup + 1) * 512 + int.from_bytes(d[0x248:0x24c], "little")
blob = d[off:off + int.from_bytes(d[0x24c:0x250], "little")]
tools = {b"\x02\x21\x4c\x18": ["lz4", "-d", "-c"], b"\x28\xb5\x2f\xfd": ["zstd", "-d", "-c"],
         b"\xfd7zX": ["xz", "-d", "-c"], b"\x1f\x8b\x08\x00": ["gzip", "-d", "-c"]}
vm = subprocess.run(tools[blob[:4]], input=blob, capture_output=True).stdout
i = vm.find(b"Build time autogenerated kernel key")
for s in range(i - 1, max(i - 400, 0), -1):
    if vm[s] == 0x30 and vm[s + 1] == 0x82:
        der = vm[s:s + int.from_bytes(vm[s + 2:s + 4], "big") + 4]
        if subprocess.run(["openssl", "x509", "-inform", "DER", "-noout"], input=der,
                          capture_output=True).returncode == 0:
            open(sys.argv[2], "wb").write(der)
            sys.exit(0)
sys.exit(1)
PY
	rm -f "$deb"
	touch "$cache/ready"
}
DK=${DEBIAN_KERNEL_CACHE:-$(pwd)/../cache/debian-kernel}  # cwd is the suite's work dir, build/test-modval
debian_kernel "$DK"
dk=$?
if [ $dk -eq 2 ]; then
	check debian-kernel-unpacked OK "unpacked" bash -c \
		"echo 'the package was fetched into $DK but its modules or signing certificate could not be extracted'; exit 1"
elif [ $dk -eq 0 ]; then
	rm -rf debmods && mkdir debmods
	n=0
	while read -r m; do
		n=$((n + 1))
		b=debmods/m$n-$(basename "$m")
		cp "$DK/x/$m" "$b"
		xz --check=crc32 --lzma2=dict=1MiB -c "$b" >"$b.xz"
		zstd -q -c "$b" >"$b.zst"
		gzip -n -c "$b" >"$b.gz"
	done <"$DK/modules"
	check debian-modules-plain-and-compressed OK "20 signature OK" bash -c \
		"ls debmods/* | $M --cert '$DK/signing_key.der' --stdin | grep -c ': signature OK .* sha' | sed 's/\$/ signature OK/'"
	first=$(ls debmods/*.ko | head -n 1)
	cp "$first" debmods/flip.ko
	printf '\x5a' | dd of=debmods/flip.ko bs=1 seek=100 conv=notrunc 2>/dev/null
	xz -c debmods/flip.ko >debmods/flip.ko.xz
	check debian-module-flipped-xz FAIL "debmods/flip.ko.xz: FAIL" \
		$M --cert "$DK/signing_key.der" debmods/flip.ko.xz
else
	echo "SKIP debian-modules-*: Debian's linux-image-cloud-amd64 could not be fetched with apt-get (offline, or no apt lists)"
fi

# ----------------------------------------------------- --loaded (issue 15 s4)
# A --loaded dump of the suite's module as GNU ld placed it where Linux's
# layout does (linked.elf above): sections.txt from ld's section addresses,
# NAME.bin from its bytes, kallsyms with the two imports and kernel text.
check plain-says-signature-only OK "signature only" $M --cert rsa2048.der rsa2048.ko
check loaded-needs-kallsyms FAIL "--loaded and --kallsyms go together" \
	$M --cert rsa2048.der --loaded . rsa2048.ko
mkdir -p dump
# modelf_harness's script names ld's output section sN after input section N
readelf -SW rsa2048.ko | sed -n 's/^ *\[ *\([0-9]*\)\] \([^ ]*\) .*/\1 \2/p' >secnames.txt
readelf -SW linked.elf | sed -n 's/^ *\[ *[0-9]*\] s\([0-9]*\) *[A-Z_]* *\([0-9a-f]\{16\}\) .*/\1 0x\2/p' |
	while read -r idx addr; do
		name=$(awk -v i="$idx" '$1 == i { print $2 }' secnames.txt)
		echo "$name $addr" >>dump/sections.txt
		objcopy -O binary --only-section="s$idx" linked.elf "dump/$name.bin" 2>/dev/null
	done
rm -f dump/.init*.bin   # Linux frees init sections: the dump has none
printf 'ffffffff81000000 T _stext\nffffffff81e00000 T _etext\nffffffff81234560 T printk\nffffffff81400000 T kmalloc\n' >dump/kallsyms
check loaded-accepts-genuine OK "OK loaded modval-rsa2048" \
	$M --cert rsa2048.der --loaded dump --kallsyms dump/kallsyms rsa2048.ko
check loaded-init-not-checked OK "not checked (no dump): .init.text" \
	$M --cert rsa2048.der --loaded dump --kallsyms dump/kallsyms rsa2048.ko
cp -r dump dump-flip
python3 -c 'p = "dump-flip/.text.bin"; b = bytearray(open(p, "rb").read()); b[3] ^= 0xff; open(p, "wb").write(b)'
check loaded-flipped-text-named FAIL "section .text offset 0x3 (Text), site none: expected" \
	$M --cert rsa2048.der --loaded dump-flip --kallsyms dump/kallsyms rsa2048.ko
check loaded-json-refusal FAIL '"refusal":{"region":"Text","section":".text","offset":3,' \
	$M --json --cert rsa2048.der --loaded dump-flip --kallsyms dump/kallsyms rsa2048.ko
printf 'ffffffff81000000 T _stext\nffffffff81e00000 T _etext\nffffffff81234568 T printk\nffffffff81400000 T kmalloc\n' >dump/kallsyms-moved
check loaded-wrong-symbol FAIL "FAIL loaded: loaded module bytes differ" \
	$M --cert rsa2048.der --loaded dump --kallsyms dump/kallsyms-moved rsa2048.ko
printf 'ffffffff81234560 t printk\nffffffff81400000 T kmalloc\n' >dump/kallsyms-local
check loaded-local-symbol-not-an-export FAIL "does not export" \
	$M --cert rsa2048.der --loaded dump --kallsyms dump/kallsyms-local rsa2048.ko
cp -r dump dump-moved
python3 -c 'import sys
for l in open("dump/sections.txt"):
    n, a = l.split()
    print(n, hex(int(a, 16) + 16) if n == ".rodata" else a)' >dump-moved/sections.txt
# .rodata is its region's only section: the region moves and .text, which
# refers to it, no longer matches
check loaded-rodata-moved FAIL "FAIL loaded: loaded module bytes differ from the signed ELF; section .text" \
	$M --cert rsa2048.der --loaded dump-moved --kallsyms dump/kallsyms rsa2048.ko
check loaded-no-dump FAIL "cannot read the dump's sections.txt" \
	$M --cert rsa2048.der --loaded nodump --kallsyms dump/kallsyms rsa2048.ko

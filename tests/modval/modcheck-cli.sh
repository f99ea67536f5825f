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
serial=$(openssl x509 -in rsa2048.pem -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f' | sed 's/^0*//')
check unknown-signer-issuer-serial FAIL "rsa2048.ko: FAIL signer not in the trust store (unknown key): issuer \"CN=modval-rsa2048\", serial $serial" \
	$M --cert other.der rsa2048.ko
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

# ------------------------------------------------------------ exit status
check exit-status-0 OK "rc=0" bash -c "$M --cert rsa2048.der rsa2048.ko >/dev/null; echo rc=\$?"
check exit-status-1 OK "rc=1" bash -c "$M --cert rsa2048.der p256.ko >/dev/null; echo rc=\$?"
check exit-status-2 OK "rc=2" bash -c "$M --cert garbage.der rsa2048.ko 2>/dev/null; echo rc=\$?"

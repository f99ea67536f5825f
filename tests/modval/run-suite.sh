#!/usr/bin/env bash
# The modval suite: generates keys, certificates, a relocatable module and a
# PE image at test time, signs them the way Linux's sign-file and Authenticode
# signers do, and checks that modcheck (the VTL1 validation code on the host)
# and the modelf harness accept exactly the genuine ones.
#
# usage: run-suite.sh WORKDIR MODCHECK HARNESS
set -u
W=$1
HERE=$(dirname "$(realpath "$0")")
MODCHECK=$(realpath "$2")
HARNESS=$(realpath "$3")
export ASAN_OPTIONS=detect_leaks=0

rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 1
pass=0
fail=0

# check NAME WANT PATTERN CMD...: WANT is OK (exit 0) or FAIL (exit != 0);
# the output must also contain PATTERN.
check() {
	local name=$1 want=$2 pat=$3 out rc good=0
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$want" = OK ] && [ $rc -eq 0 ] && grep -qF -- "$pat" <<<"$out"; then good=1; fi
	if [ "$want" = FAIL ] && [ $rc -ne 0 ] && grep -qF -- "$pat" <<<"$out"; then good=1; fi
	if [ $good -eq 1 ]; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: want $want/'$pat', got exit $rc: $(head -c 300 <<<"$out")"
		fail=$((fail + 1))
	fi
}

die() {
	echo "FAIL setup: $*"
	echo "$pass passed, $((fail + 1)) failed"
	exit 1
}

for tool in openssl gcc ld python3; do
	command -v $tool >/dev/null || die "$tool not installed"
done

# ------------------------------------------------------------- keys and certs
# mkcert NAME KEYOPTS...: self-signed cert NAME.pem/.der with key NAME.key.
mkcert() {
	local name=$1
	shift
	openssl req -x509 -new "$@" -nodes -keyout "$name.key" -out "$name.pem" -days 3650 \
		-subj "/CN=modval-$name" 2>/dev/null || die "openssl req $name"
	openssl x509 -in "$name.pem" -outform DER -out "$name.der" || die "x509 $name"
}
# rsa2048's serial is fixed (not openssl's random one) so the unknown-signer
# messages that print it are deterministic; it begins with a 0 nibble on
# purpose (modcheck prints whole bytes, like openssl x509 -serial).
mkcert rsa2048 -newkey rsa:2048 -set_serial 0x0a1b2c3d4e5f60718293
mkcert rsa4096 -newkey rsa:4096
mkcert p256 -newkey ec -pkeyopt ec_paramgen_curve:P-256
mkcert p384 -newkey ec -pkeyopt ec_paramgen_curve:P-384
mkcert other -newkey rsa:2048
mkcert rsa1024 -newkey rsa:1024
# Two certificates with the same issuer and serial but different keys.
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout twin1.key -out twin1.pem -days 3650 \
	-subj "/CN=modval-twin" -set_serial 4242 2>/dev/null || die "twin1"
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout twin2.key -out twin2.pem -days 3650 \
	-subj "/CN=modval-twin" -set_serial 4242 2>/dev/null || die "twin2"
openssl x509 -in twin1.pem -outform DER -out twin1.der
# A serial with its top bit set: DER pads it with a 00 sign byte.
mkcert hibit -newkey ec -pkeyopt ec_paramgen_curve:P-256 -set_serial 0x80ff0001

# A CA for secondary keys, a leaf it signs, and a rogue CA with the same name.
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
	-subj "/CN=modval-ca" -addext basicConstraints=critical,CA:TRUE 2>/dev/null || die "ca"
openssl x509 -in ca.pem -outform DER -out ca.der
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.pem -days 3650 \
	-subj "/CN=modval-ca" -addext basicConstraints=critical,CA:TRUE 2>/dev/null || die "rogue"
for leaf in sec:ca badsec:rogue; do
	n=${leaf%%:*}
	issuer=${leaf##*:}
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key \
		-out $n.csr -subj "/CN=modval-$n" 2>/dev/null || die "csr $n"
	openssl x509 -req -in $n.csr -CA $issuer.pem -CAkey $issuer.key -set_serial 77 \
		-days 3650 -sha256 -out $n.pem 2>/dev/null || die "sign $n"
	openssl x509 -in $n.pem -outform DER -out $n.der
done

# ------------------------------------------------------------------- module
cat > mod.c <<'EOF'
extern int printk(const char *fmt, ...);
extern void *kmalloc(unsigned long n, unsigned int flags);
static const char msg[] = "hello from the modval test module %d";
int counter;
static int helper(int x) { return x * 3 + counter; }
int mod_fn(int x) { counter += helper(x); return printk(msg, x); }
void *get_fn(void) { return (void *)mod_fn; }
void *const table[] = { (void *)mod_fn, (void *)msg };
__attribute__((section(".init.rodata"))) const int init_table[4] = { 1, 2, 3, 4 };
__attribute__((section(".init.text"))) int mod_init(void)
{
	return printk(msg, init_table[2]) + (kmalloc(32, 0) != 0);
}
__attribute__((section(".modinfo"), used)) static const char modinfo[] = "license=GPL";
EOF
gcc -c -O2 -mcmodel=kernel -fno-pic -fno-pie -ffreestanding -fno-stack-protector \
	-mno-red-zone -fno-asynchronous-unwind-tables -fcf-protection=none \
	-fno-merge-constants mod.c -o mod.o || die "gcc module"

be32() {
	printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))"
	printf "\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"
}
# append CONTENT SIG OUT [ID_TYPE [SIGLEN]]: Linux appended-signature layout.
append() {
	local len=${5:-$(stat -c %s "$2")} id=${4:-2}
	{
		cat "$1" "$2"
		printf "\\0\\0\\x$(printf %02x "$id")\\0\\0\\0\\0\\0"
		be32 "$len"
		printf '~Module signature appended~\n'
	} >"$3"
}
# sign CERT MD OUT [cms options]: sign mod.o like scripts/sign-file.
sign() {
	local cert=$1 md=$2 out=$3
	shift 3
	openssl cms -sign -in mod.o -signer "$cert.pem" -inkey "$cert.key" -binary -outform DER \
		-nosmimecap -nocerts -md "$md" "$@" -out "$out.p7s" 2>/dev/null || return 1
	append mod.o "$out.p7s" "$out.ko"
}

sign rsa2048 sha256 rsa2048 -noattr || die "sign rsa2048"
sign rsa2048 sha384 rsa2048-384 -noattr || die "sign rsa2048/384"
sign rsa4096 sha512 rsa4096 -noattr || die "sign rsa4096"
sign p256 sha256 p256 -noattr || die "sign p256"
sign p384 sha384 p384 -noattr || die "sign p384"
sign rsa2048 sha256 attrs || die "sign with attrs"
sign p256 sha256 p256attrs || die "sign p256 with attrs"
sign rsa2048 sha256 keyid -noattr -keyid || die "sign keyid"
sign sec sha256 sec -noattr || die "sign secondary"
sign badsec sha256 badsec -noattr || die "sign badsec"
sign twin2 sha256 twin -noattr || die "sign twin"
sign rsa1024 sha256 rsa1024 -noattr || die "sign rsa1024"
sign hibit sha256 hibit -noattr || die "sign hibit"

M=$MODCHECK
check valid-rsa2048-sha256 OK "OK modval-rsa2048 sha256" $M --cert rsa2048.der rsa2048.ko
check valid-rsa2048-sha384 OK "OK modval-rsa2048 sha384" $M --cert rsa2048.der rsa2048-384.ko
check valid-rsa4096-sha512 OK "OK modval-rsa4096 sha512" $M --cert rsa4096.der rsa4096.ko
check valid-p256-sha256 OK "OK modval-p256 sha256" $M --cert p256.der p256.ko
check valid-p384-sha384 OK "OK modval-p384 sha384" $M --cert p384.der p384.ko
check valid-signed-attrs-rsa OK "OK modval-rsa2048 sha256" $M --cert rsa2048.der attrs.ko
check valid-signed-attrs-p256 OK "OK modval-p256 sha256" $M --cert p256.der p256attrs.ko
check valid-subject-key-id OK "OK modval-rsa2048 sha256" $M --cert rsa2048.der keyid.ko
check valid-pem-cert OK "OK modval-rsa2048 sha256" $M --cert rsa2048.pem rsa2048.ko
cat other.der p256.der rsa2048.der >bundle.der
check valid-concatenated-certs OK "OK modval-p256 sha256" $M --cert bundle.der p256.ko
check several-modules-one-bad FAIL "p256.ko: FAIL signer not in the trust store" \
	$M --cert rsa2048.der rsa2048.ko p256.ko

check wrong-key FAIL "FAIL signer not in the trust store" $M --cert other.der rsa2048.ko
check same-issuer-serial-other-key FAIL "FAIL RSA signature does not verify" \
	$M --cert twin1.der twin.ko
check rsa-1024-cert-refused FAIL "shorter than 2048 bits" $M --cert rsa1024.der rsa1024.ko
check revoked-signer FAIL "FAIL signer certificate is revoked or blocklisted" \
	$M --cert rsa2048.der --revoked rsa2048.der rsa2048.ko
check revoked-other-cert-ok OK "OK modval-rsa2048" \
	$M --cert rsa2048.der --revoked other.der rsa2048.ko

# Blocklists: the module content hash, bare or "bin:", and a certificate's TBS.
echo "# test blocklist" >bl-bare.txt
sha256sum mod.o | cut -d' ' -f1 >>bl-bare.txt
echo "bin:$(sha256sum mod.o | cut -d' ' -f1)" >bl-bin.txt
echo "bin:$(sha256sum mod.c | cut -d' ' -f1)" >bl-other.txt
tbs=$(python3 -c '
import hashlib, sys
d = open(sys.argv[1], "rb").read()
def hdr(i):
    l = d[i + 1]; i += 2
    if l & 0x80:
        n = l & 0x7f; l = int.from_bytes(d[i:i + n], "big"); i += n
    return i, l
i, _ = hdr(0)
j, l = hdr(i)
print(hashlib.sha256(d[i:j + l]).hexdigest())' rsa2048.der) || die "tbs hash"
echo "tbs:$tbs" >bl-tbs.txt
check blocklisted-hash-bare FAIL "FAIL module content hash is blocklisted" \
	$M --cert rsa2048.der --blocklist bl-bare.txt rsa2048.ko
check blocklisted-hash-bin FAIL "FAIL module content hash is blocklisted" \
	$M --cert p384.der --blocklist bl-bin.txt p384.ko
check blocklisted-tbs FAIL "FAIL signer certificate is revoked or blocklisted" \
	$M --cert rsa2048.der --blocklist bl-tbs.txt rsa2048.ko
check blocklist-other-hash-ok OK "OK modval-rsa2048" \
	$M --cert rsa2048.der --blocklist bl-other.txt rsa2048.ko
echo "bin:12zz" >bl-bad.txt
check blocklist-malformed FAIL "blocklist hash must be" \
	$M --cert rsa2048.der --blocklist bl-bad.txt rsa2048.ko

# Secondary keys: accepted only when signed by a trusted certificate.
check secondary-missing FAIL "FAIL signer not in the trust store" $M --cert ca.der sec.ko
check secondary-valid OK "OK modval-sec sha256" $M --cert ca.der --secondary sec.der sec.ko
check secondary-rogue-issuer FAIL "refused: RSA signature does not verify" \
	$M --cert ca.der --secondary badsec.der badsec.ko
check secondary-issuer-revoked FAIL "refused: secondary key's issuer is revoked" \
	$M --cert ca.der --revoked ca.der --secondary sec.der sec.ko

# Broken signatures.
siglen=$(stat -c %s rsa2048.p7s)
head -c $((siglen - 10)) rsa2048.p7s >trunc.p7s
append mod.o trunc.p7s trunc.ko
check truncated-pkcs7 FAIL "FAIL PKCS#7: not a single DER ContentInfo" \
	$M --cert rsa2048.der trunc.ko
append mod.o rsa2048.p7s siglen-huge.ko 2 $((siglen + $(stat -c %s mod.o) + 1))
check sig-length-beyond-file FAIL "FAIL signature length exceeds the module" \
	$M --cert rsa2048.der siglen-huge.ko
cp rsa2048.p7s garbled.p7s
printf '\x55' | dd of=garbled.p7s bs=1 seek=$((siglen - 1)) conv=notrunc 2>/dev/null
append mod.o garbled.p7s garbled.ko
check garbled-signature-value FAIL "FAIL RSA signature does not verify" \
	$M --cert rsa2048.der garbled.ko
cp rsa2048.p7s garbled-der.p7s
printf '\x84' | dd of=garbled-der.p7s bs=1 seek=1 conv=notrunc 2>/dev/null
append mod.o garbled-der.p7s garbled-der.ko
check garbled-der-length FAIL "FAIL PKCS#7" $M --cert rsa2048.der garbled-der.ko
head -c "$siglen" /dev/urandom >random.p7s
append mod.o random.p7s random.ko
check random-pkcs7 FAIL "FAIL " $M --cert rsa2048.der random.ko
cp p256.p7s garbled-ec.p7s
ecl=$(stat -c %s p256.p7s)
printf '\x01' | dd of=garbled-ec.p7s bs=1 seek=$((ecl - 3)) conv=notrunc 2>/dev/null
append mod.o garbled-ec.p7s garbled-ec.ko
check garbled-ecdsa-signature FAIL "FAIL " $M --cert p256.der garbled-ec.ko
append mod.o rsa2048.p7s idtype.ko 1
check trailer-not-pkcs7 FAIL "FAIL signature id_type is not PKCS#7" \
	$M --cert rsa2048.der idtype.ko
check unsigned-module FAIL "FAIL module is not signed" $M --cert rsa2048.der mod.o

# One flipped byte of signed content, without and with signed attributes.
for k in rsa2048 p384 attrs; do
	cp $k.ko flip-$k.ko
	b=$(od -An -tu1 -j 200 -N1 flip-$k.ko | tr -d ' ')
	printf "\\x$(printf %02x $((b ^ 0x20)))" | dd of=flip-$k.ko bs=1 seek=200 conv=notrunc 2>/dev/null
done
check flipped-content-rsa FAIL "FAIL RSA signature does not verify" $M --cert rsa2048.der flip-rsa2048.ko
check flipped-content-ecdsa FAIL "FAIL ECDSA signature does not verify" $M --cert p384.der flip-p384.ko
check flipped-content-attrs FAIL "FAIL messageDigest attribute does not match" \
	$M --cert rsa2048.der flip-attrs.ko

# Oversize inputs.
head -c 70000 /dev/zero >big.p7s
append mod.o big.p7s bigsig.ko
check oversize-signature FAIL "FAIL signature larger than 64 KiB" $M --cert rsa2048.der bigsig.ko
truncate -s $((256 * 1024 * 1024 + 1)) huge.ko
check oversize-module FAIL "FAIL file larger than the validation limit" \
	$M --cert rsa2048.der huge.ko
rm -f huge.ko

# Refused algorithms.
if sign rsa2048 sha1 sha1 -noattr; then
	check sha1-refused FAIL "FAIL digest algorithm SHA-1 refused" $M --cert rsa2048.der sha1.ko
else
	check sha1-refused FAIL "x" false # openssl could not make one: count it
fi
sign rsa2048 sha256 pss -noattr -keyopt rsa_padding_mode:pss || die "sign pss"
check pss-refused FAIL "FAIL signature algorithm RSASSA-PSS not supported" \
	$M --cert rsa2048.der pss.ko
openssl cms -sign -in mod.o -signer rsa2048.pem -inkey rsa2048.key -signer p256.pem \
	-inkey p256.key -binary -outform DER -nosmimecap -nocerts -noattr -md sha256 \
	-out two.p7s 2>/dev/null || die "two signers"
append mod.o two.p7s two.ko
check two-signers-refused FAIL "FAIL more than one SignerInfo is not supported" \
	$M --cert rsa2048.der --cert p256.der two.ko
openssl cms -sign -in mod.o -signer rsa2048.pem -inkey rsa2048.key -binary -outform DER \
	-nosmimecap -nocerts -noattr -nodetach -md sha256 -out attached.p7s 2>/dev/null ||
	die "attached"
append mod.o attached.p7s attached.ko
check attached-content-refused FAIL "must be detached" $M --cert rsa2048.der attached.ko
echo garbage >garbage.der
check bad-cert-file FAIL "refused: certificate list: bad DER element" \
	$M --cert garbage.der rsa2048.ko

# -------------------------------------------------- loaded module vs. signed ELF
# GNU ld relocates the module where Linux's layout puts it; the harness then
# presents ld's bytes as VTL0's loaded module.
SYMS="--sym printk=0xffffffff81234560 --sym kmalloc=0xffffffff81400000"
"$HARNESS" script rsa2048.ko >mod.ld || die "harness script"
ld -e 0 -T mod.ld -o linked.elf mod.o --defsym printk=0xffffffff81234560 \
	--defsym kmalloc=0xffffffff81400000 2>ld.err || die "ld: $(cat ld.err)"
check elf-loaded-matches OK "OK text=" "$HARNESS" check rsa2048.ko linked.elf $SYMS
check elf-flipped-text-byte FAIL "FAIL loaded module bytes differ" \
	"$HARNESS" check rsa2048.ko linked.elf $SYMS --flip-text 3
check elf-altered-reloc-site FAIL "FAIL loaded module bytes differ" \
	"$HARNESS" check rsa2048.ko linked.elf $SYMS --flip-reloc
check elf-wrong-symbol-address FAIL "FAIL loaded module bytes differ" \
	"$HARNESS" check rsa2048.ko linked.elf --sym printk=0xffffffff81234568 \
	--sym kmalloc=0xffffffff81400000
check elf-unknown-symbol FAIL "FAIL module needs a symbol the kernel does not export" \
	"$HARNESS" check rsa2048.ko linked.elf --sym printk=0xffffffff81234560
check elf-extra-code-after-text FAIL "FAIL loaded module region has non-zero bytes past its sections" \
	"$HARNESS" check rsa2048.ko linked.elf $SYMS --extra-text
check elf-truncated FAIL "FAIL module ELF" \
	"$HARNESS" check rsa2048.ko linked.elf $SYMS --truncate-elf 200
# The whole VALIDATE_MODULE decision: signature, then loaded bytes.
check validate-module-ok OK "SIGNER modval-p384" \
	"$HARNESS" check p384.ko linked.elf $SYMS --cert p384.der
check validate-module-wrong-cert FAIL "FAIL signer not in the trust store" \
	"$HARNESS" check p384.ko linked.elf $SYMS --cert rsa2048.der
check validate-module-tampered-text FAIL "FAIL loaded module bytes differ" \
	"$HARNESS" check p384.ko linked.elf $SYMS --cert p384.der --flip-text 7
check validate-module-flipped-elf FAIL "FAIL ECDSA signature does not verify" \
	"$HARNESS" check flip-p384.ko linked.elf $SYMS --cert p384.der

# ------------------------------------------------------------ kexec (PE) image
if command -v osslsigncode >/dev/null; then
	cat >img.c <<'EOF'
static const char banner[] = "vtlguard kexec test image";
unsigned long efi_main(void *h, void *st) { (void)h; (void)st; return (unsigned long)banner[3]; }
EOF
	gcc -c -O2 -fno-pic -ffreestanding -fno-asynchronous-unwind-tables img.c -o img.o &&
		ld -m i386pep --subsystem 10 -e efi_main -o img.efi img.o 2>/dev/null || die "PE image"
	for k in rsa2048 p256; do
		osslsigncode sign -certs $k.pem -key $k.key -h sha256 -in img.efi \
			-out img-$k.efi >/dev/null || die "osslsigncode $k"
	done
	check kexec-valid-rsa OK "OK modval-rsa2048 sha256" $M --cert rsa2048.der --kexec img-rsa2048.efi
	check kexec-valid-ecdsa OK "OK modval-p256 sha256" $M --cert p256.der --kexec img-p256.efi
	check kexec-wrong-key FAIL "FAIL signer not in the trust store" \
		$M --cert other.der --kexec img-rsa2048.efi
	check kexec-unsigned FAIL "FAIL PE image is not signed" $M --cert rsa2048.der --kexec img.efi
	cp img-rsa2048.efi img-flip.efi
	printf '\x90' | dd of=img-flip.efi bs=1 seek=1030 conv=notrunc 2>/dev/null
	check kexec-flipped-byte FAIL "FAIL image digest does not match" \
		$M --cert rsa2048.der --kexec img-flip.efi
	check kexec-not-pe FAIL "FAIL not a PE image" $M --cert rsa2048.der --kexec mod.o
else
	echo "SKIP kexec-*: osslsigncode not installed (Debian package osslsigncode)"
fi

# A real distribution module, when this machine has one and its signing cert.
ko=$(find /lib/modules -name '*.ko' 2>/dev/null | head -n 1)
cert=$(ls /lib/modules/*/build/certs/signing_key.x509 2>/dev/null | head -n 1)
if [ -n "$ko" ] && [ -n "$cert" ]; then
	check distro-module OK "OK " $M --cert "$cert" "$ko"
else
	echo "SKIP distro-module: no /lib/modules/*.ko with its kernel's signing certificate here"
fi

# modcheck's command line, formats and messages (tests/modval/modcheck-cli.sh).
MODCHECK_SRC=$HERE/../../tools/modcheck/modcheck.c MODCHECK_MAN=$HERE/../../tools/modcheck/modcheck.1 \
	VTLGUARD_VERSION_FILE=$HERE/../../VERSION
. "$HERE/modcheck-cli.sh"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

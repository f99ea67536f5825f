#!/usr/bin/env bash
# tests/vtl0/mkmod.sh OUTDIR: keys, signed test modules and a signed kexec
# image for the VTL0 test kernel's module cases (tests/vtl0/modules.c),
# generated at build time with openssl/gcc/osslsigncode and embedded in the
# guest by tests/vtl0/modblobs.S.  Everything is signed in the exact Linux
# appended-signature format (what scripts/sign-file writes).
#   good.ko      signed by mod-good    (in SystemCerts)
#   other.ko     signed by mod-other   (not in the trust store: -ENOKEY)
#   revoked.ko   signed by mod-revoked (in SystemCerts AND RevocationCerts)
#   blocked.ko   variant module signed by mod-good, hash in BlocklistHashes
#   jump.ko      module with a __jump_table (RoAfterInit), signed by mod-good
#   certs.der    good + revoked certificates, concatenated DER
#   revoked.der  the revoked certificate
#   blocklist.bin one 133-byte LVBS slot "bin:<sha256 of blocked content>"
#   kexec.efi    a PE image shaped like an x86 bzImage (setup_sects, HdrS),
#                Authenticode-signed by mod-good (or a 0-byte file when
#                osslsigncode is missing: the kexec cases SKIP)
set -eu
out=$1
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
cd "$out"
rm -f ./*.ko ./*.der ./*.pem ./*.key ./*.p7s ./*.bin ./*.efi ./*.o

mkcert() {
	openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" \
		-days 3650 -subj "/CN=vtl0-mod-$1" 2>/dev/null
	openssl x509 -in "$1.pem" -outform DER -out "$1.der"
}
mkcert good
mkcert other
mkcert revoked

cflags="-O2 -mcmodel=kernel -fno-pic -fno-pie -ffreestanding -fno-stack-protector
	-mno-red-zone -fno-asynchronous-unwind-tables -fcf-protection=none -fno-merge-constants
	-fno-common -fno-jump-tables -mno-sse -mno-mmx"
# shellcheck disable=SC2086
gcc -c $cflags "$src/testmod.c" -o mod.o
# shellcheck disable=SC2086
gcc -c $cflags -DTESTMOD_VARIANT=1 "$src/testmod.c" -o mod-variant.o
# shellcheck disable=SC2086
gcc -c $cflags -DTESTMOD_JUMP=1 "$src/testmod.c" -o mod-jump.o

be32() {
	printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))"
	printf "\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"
}
# sign CONTENT KEY OUT: content || PKCS#7 || module_signature || marker
sign() {
	openssl cms -sign -in "$1" -signer "$2.pem" -inkey "$2.key" -binary -outform DER \
		-nosmimecap -nocerts -noattr -md sha256 -out "$3.p7s" 2>/dev/null
	{
		cat "$1" "$3.p7s"
		printf '\0\0\x02\0\0\0\0\0'
		be32 "$(stat -c %s "$3.p7s")"
		printf '~Module signature appended~\n'
	} >"$3.ko"
}
sign mod.o good good
sign mod.o other other
sign mod.o revoked revoked
sign mod-variant.o good blocked
sign mod-jump.o good jump

cat good.der revoked.der >certs.der
{
	printf 'bin:%s' "$(sha256sum mod-variant.o | cut -d' ' -f1)"
	head -c $((133 - 68)) /dev/zero
} >blocklist.bin
[ "$(stat -c %s blocklist.bin)" -eq 133 ]

rm -f kexec.efi kexec-signed.efi
if command -v osslsigncode >/dev/null; then
	cat >img.c <<'EOC'
static const char banner[] = "vtlguard VTL0 kexec test image";
unsigned long efi_main(void *h, void *st) { (void)h; (void)st; return (unsigned long)banner[3]; }
EOC
	gcc -c -O2 -fno-pic -fno-ident -ffreestanding -fno-asynchronous-unwind-tables img.c \
		-o img.o
	ld -m i386pep --subsystem 10 -e efi_main --file-alignment 0x400 -o img.efi img.o \
		2>/dev/null
	strip img.efi
	# An x86 bzImage as far as kexec_file_load looks: setup_sects = 1 at
	# 0x1f1 and "HdrS" at 0x202, both in the PE header padding (two sections
	# end the section table at 0x1d8; .text starts at 0x400), so the kernel
	# payload that VTL1 binds to the kexec pages starts at 0x400.
	[ "$(od -An -tx1 -j $((0x1f1)) -N 21 img.efi | tr -d ' \n')" = "$(printf '%042d' 0)" ]
	printf '\001' | dd of=img.efi bs=1 seek=$((0x1f1)) conv=notrunc 2>/dev/null
	printf 'HdrS' | dd of=img.efi bs=1 seek=$((0x202)) conv=notrunc 2>/dev/null
	osslsigncode sign -certs good.pem -key good.key -h sha256 -in img.efi \
		-out kexec-signed.efi >/dev/null
	mv kexec-signed.efi kexec.efi
else
	: >kexec.efi
fi
touch stamp

#!/usr/bin/env bash
# Module validation time for a 1 MiB signed module: vtlguard's modsig_verify()
# in-process versus `openssl dgst -sha256` plus `openssl cms -verify` on the
# same input in the same run (both RSA-2048/SHA-256, the sign-file default).
# usage: bench.sh WORKDIR BENCH_BINARY
set -eu
W=$1
BENCH=$(realpath "$2")
mkdir -p "$W"
cd "$W"
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -days 30 \
	-subj /CN=modval-bench 2>/dev/null
openssl x509 -in c.pem -outform DER -out c.der
head -c $((1024 * 1024)) /dev/urandom >content.bin
openssl cms -sign -in content.bin -signer c.pem -inkey k.pem -binary -noattr -outform DER \
	-nosmimecap -nocerts -md sha256 -out sig.p7s
L=$(stat -c %s sig.p7s)
{
	cat content.bin sig.p7s
	printf '\0\0\2\0\0\0\0\0'
	printf "\\x$(printf %02x $((L >> 24 & 255)))\\x$(printf %02x $((L >> 16 & 255)))"
	printf "\\x$(printf %02x $((L >> 8 & 255)))\\x$(printf %02x $((L & 255)))"
	printf '~Module signature appended~\n'
} >module.ko
N=50
ours=$("$BENCH" c.der module.ko $N)
start=$(date +%s%N)
for _ in $(seq $N); do
	openssl dgst -sha256 content.bin >/dev/null
	openssl cms -verify -binary -inform DER -in sig.p7s -content content.bin -certfile c.pem \
		-nointern -noverify -out /dev/null 2>/dev/null
done
end=$(date +%s%N)
theirs=$(( (end - start) / 1000 / N ))
echo "modval: 1 MiB module, RSA-2048/SHA-256"
echo "  vtlguard modsig_verify (in-process): ${ours} us"
echo "  openssl dgst -sha256 + cms -verify (two processes): ${theirs} us"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "  ratio openssl/vtlguard: %.2f\n", b / a }'

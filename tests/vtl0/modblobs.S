/* SPDX-License-Identifier: MIT */
/*
 * The blobs tests/vtl0/mkmod.sh generates at build time (signed test
 * modules, certificates, the blocklist slot, the signed kexec image),
 * embedded read-only in the VTL0 test kernel.  The build passes their
 * directory with -Wa,-I so that .incbin finds them.
 */
#define BLOB(sym, file)           \
	.globl sym, sym##_end;    \
	.balign 16;               \
sym:	.incbin file;             \
sym##_end:

	.section .rodata.modblobs, "a"
BLOB(vtl0_mod_good, "good.ko")
BLOB(vtl0_mod_other, "other.ko")
BLOB(vtl0_mod_revoked, "revoked.ko")
BLOB(vtl0_mod_blocked, "blocked.ko")
BLOB(vtl0_mod_jump, "jump.ko")
BLOB(vtl0_mod_certs, "certs.der")
BLOB(vtl0_mod_revoked_cert, "revoked.der")
BLOB(vtl0_mod_blocklist, "blocklist.bin")
BLOB(vtl0_mod_kexec, "kexec.efi")
	.section .note.GNU-stack, "", @progbits

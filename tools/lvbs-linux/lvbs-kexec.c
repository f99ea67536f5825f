// SPDX-License-Identifier: GPL-2.0
/*
 * lvbs-kexec: the kexec syscalls for the in-guest suite (busybox has no
 * kexec).  Built static by tools/lvbs-linux/build, run by tests/50-kexec.sh.
 *
 *   lvbs-kexec file KERNEL   kexec_file_load(KERNEL), no initramfs
 *   lvbs-kexec old           kexec_load() of one crafted segment (a page of
 *                            code at 16 MiB): what the old syscall lets user
 *                            space place, with no kernel file to check
 *   lvbs-kexec unload        kexec_file_load(KEXEC_FILE_UNLOAD)
 *
 * Prints one line "lvbs-kexec: WHAT: ok" or "lvbs-kexec: WHAT: errno N (TEXT)"
 * and exits 0 on success, 1 on a refused syscall, 2 on a usage error.
 * Never reboots into what it loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* include/uapi/linux/kexec.h */
#define KEXEC_FILE_UNLOAD	 0x1
#define KEXEC_FILE_NO_INITRAMFS	 0x4
#define KEXEC_ARCH_DEFAULT	 0

struct kexec_segment {
	const void *buf;
	size_t bufsz;
	const void *mem;
	size_t memsz;
};

static int report(const char *what, long r)
{
	if (r == 0) {
		printf("lvbs-kexec: %s: ok\n", what);
		return 0;
	}
	printf("lvbs-kexec: %s: errno %d (%s)\n", what, errno, strerror(errno));
	return 1;
}

static int load_file(const char *path)
{
	static const char cmdline[] = "console=ttyS0";
	int fd = open(path, O_RDONLY);
	long r;

	if (fd < 0) {
		printf("lvbs-kexec: %s: %s\n", path, strerror(errno));
		return 2;
	}
	r = syscall(SYS_kexec_file_load, fd, -1, sizeof(cmdline), cmdline,
		    KEXEC_FILE_NO_INITRAMFS);
	close(fd);
	return report("kexec_file_load", r);
}

/* An "image" of our own making: a HLT loop at 16 MiB. */
static int load_old(void)
{
	static unsigned char code[4096];
	struct kexec_segment seg;

	memset(code, 0xf4, sizeof(code));
	code[sizeof(code) - 2] = 0xeb;		/* jmp . */
	code[sizeof(code) - 1] = 0xfe;
	seg.buf = code;
	seg.bufsz = sizeof(code);
	seg.mem = (const void *)(16UL << 20);
	seg.memsz = sizeof(code);
	return report("kexec_load", syscall(SYS_kexec_load, 16UL << 20, 1UL, &seg,
					    (unsigned long)KEXEC_ARCH_DEFAULT));
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "file"))
		return load_file(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "old"))
		return load_old();
	if (argc == 2 && !strcmp(argv[1], "unload"))
		return report("kexec_file_load unload",
			      syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, KEXEC_FILE_UNLOAD));
	fprintf(stderr, "usage: lvbs-kexec file KERNEL | old | unload\n");
	return 2;
}

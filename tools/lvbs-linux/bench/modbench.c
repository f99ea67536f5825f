// SPDX-License-Identifier: GPL-2.0
/*
 * lvbs-modbench MODULE.ko NAME N: load (finit_module) and unload
 * (delete_module) a module N times and print, per round,
 *   lvbs-bench: load I ns=T
 *   lvbs-bench: unload I ns=T
 * T is CLOCK_MONOTONIC around the one system call: the kernel's ktime,
 * which under TCG follows the host's clock.  Timing in this process rather
 * than around insmod/rmmod from the shell keeps fork, exec and the reading
 * of the file out of the figure; busybox's date has no nanoseconds.
 * Exit status 1 if any load or unload fails (a benchmark that stops doing
 * what it claims must fail, docs/performance.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	/*
	 * A system call, not the vDSO: under hvsim with vtlguard the vDSO
	 * image (x86 keeps it in ro_after_init, which PROTECT_MEMORY sends
	 * R) is not executable for user mode, hvsim models no MBEC user
	 * execute, and the vDSO call would end in SIGSEGV.
	 */
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int i, n;

	n = argc == 4 ? atoi(argv[3]) : 0;
	if (n <= 0) {
		fprintf(stderr, "usage: %s MODULE.ko NAME N\n", argv[0]);
		return 2;
	}
	for (i = 0; i < n; i++) {
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		long long t0, t1;
		long r;
		int err;

		if (fd < 0) {
			printf("lvbs-bench: FAIL open %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		t0 = now_ns();
		r = syscall(SYS_finit_module, fd, "", 0);
		t1 = now_ns();
		err = r ? errno : 0;
		close(fd);
		if (r) {
			printf("lvbs-bench: FAIL load %d of %s: %s\n", i, argv[1], strerror(err));
			return 1;
		}
		printf("lvbs-bench: load %d ns=%lld\n", i, t1 - t0);
		t0 = now_ns();
		r = syscall(SYS_delete_module, argv[2], O_NONBLOCK);
		t1 = now_ns();
		if (r) {
			printf("lvbs-bench: FAIL unload %d of %s: %s\n", i, argv[2], strerror(errno));
			return 1;
		}
		printf("lvbs-bench: unload %d ns=%lld\n", i, t1 - t0);
		fflush(stdout);
	}
	return 0;
}

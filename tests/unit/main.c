// SPDX-License-Identifier: MIT
/*
 * Host unit-test runner.  Usage: unit-tests [SUBSTRING...]
 * With arguments, only tests whose name contains one of them run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"

static struct unit_test *head, **tail = &head;
static int cur_failed;
static const char *cur_name;

void unit_register(struct unit_test *t)
{
	/* Keep registration order stable: tests run in link order. */
	*tail = t;
	tail = &t->next;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failed++;
	printf("FAIL %s: %s:%d: ", cur_name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct unit_test *t = head; t; t = t->next) {
		if (!selected(t->name, argc, argv))
			continue;
		cur_name = t->name;
		cur_failed = 0;
		t->fn();
		if (cur_failed)
			failed++;
		else
			passed++;
		if (getenv("UNIT_VERBOSE"))
			printf("%s %s\n", cur_failed ? "FAIL" : "PASS", t->name);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

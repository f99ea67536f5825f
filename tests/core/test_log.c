// SPDX-License-Identifier: MIT
#include "core/errno.h"
#include "core/log.h"
#include "tests/unit/unit.h"

static char last[512];
static enum log_level last_lvl;
static int calls;

static void capture(enum log_level lvl, const char *line, size_t len)
{
	CHECK_EQ(strlen(line), len);
	memcpy(last, line, len + 1);
	last_lvl = lvl;
	calls++;
}

TEST(core_log_levels_and_sinks)
{
	enum log_level saved = log_get_level();

	CHECK_EQ_INT(log_add_sink(capture), 0);
	log_set_prefix("vtl1");
	log_set_level(LOG_INFO);
	calls = 0;
	log_info("hello %d\n", 7);
	CHECK_EQ(calls, 1);
	CHECK_STR(last, "vtl1 INFO : hello 7");
	log_debug("hidden");
	CHECK_EQ(calls, 1);
	log_set_level(LOG_DEBUG);
	log_debug("shown");
	CHECK_EQ(calls, 2);
	CHECK_EQ(last_lvl, LOG_DEBUG);
	log_error("e");
	CHECK_STR(last, "vtl1 ERROR: e");
	/* Over-long lines are cut, never overflow. */
	char big[600];
	memset(big, 'a', sizeof(big) - 1);
	big[599] = 0;
	log_warn("%s", big);
	CHECK_EQ(strlen(last), 255);
	log_remove_sink(capture);
	log_info("gone");
	CHECK_EQ(calls, 4);
	log_set_prefix("");
	log_set_level(saved);
}

/* Strings from signed data cannot forge a log record (issue 19). */
TEST(core_log_escapes_control_characters)
{
	char out[32];
	enum log_level saved = log_get_level();

	CHECK_EQ_INT(log_add_sink(capture), 0);
	log_set_prefix("vtl1");
	log_set_level(LOG_INFO);
	calls = 0;
	log_warn("signer '%s' refused", "evil\nvtl1 WARN : VIOLATION #1 class=cr");
	CHECK_EQ(calls, 1);
	CHECK_STR(last, "vtl1 WARN : signer 'evil\\x0avtl1 WARN : VIOLATION #1 class=cr' refused");
	CHECK(strchr(last, '\n') == NULL);
	log_info("cr\rtab\tesc\x1b[2Jdel\x7f hi\xc3\xa9 back\\slash");
	CHECK_STR(last, "vtl1 INFO : cr\\x0dtab\\x09esc\\x1b[2Jdel\\x7f hi\\xc3\\xa9 back\\\\slash");
	log_info("trailing newlines only are dropped\n\n");
	CHECK_STR(last, "vtl1 INFO : trailing newlines only are dropped");
	log_remove_sink(capture);
	log_set_prefix("");
	log_set_level(saved);
	/* bounded, and an escape is never cut in half */
	CHECK_EQ(log_escape(out, 6, "ab\ncd", 5), 2);
	CHECK_STR(out, "ab");
	CHECK_EQ(log_escape(out, 7, "ab\ncd", 5), 6);
	CHECK_STR(out, "ab\\x0a");
	CHECK_EQ(log_escape(out, 0, "x", 1), 0);
}

TEST(core_errno_names)
{
	CHECK_STR(errno_name(-EINVAL), "EINVAL");
	CHECK_STR(errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	CHECK_STR(errno_name(-EPERM), "EPERM");
	CHECK_STR(errno_name(-ENOKEY), "ENOKEY");
	CHECK_EQ_INT(ENOKEY, 126); /* Linux x86_64 */
	CHECK_STR(errno_name(-9999), "E?");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A well-behaved module: loads, runs, toggles its own static key (each
 * toggle rewrites a jump-label site in this module's text, which under LVBS
 * goes through PATCH_TEXT) and unloads.
 */
#include <linux/jump_label.h>
#include <linux/module.h>

static DEFINE_STATIC_KEY_FALSE(lvbs_key);

static noinline int lvbs_key_state(void)
{
	if (static_branch_unlikely(&lvbs_key))
		return 1;
	return 0;
}

static int __init lvbs_hello_init(void)
{
	int a, b, c;

	a = lvbs_key_state();
	static_branch_enable(&lvbs_key);
	b = lvbs_key_state();
	static_branch_disable(&lvbs_key);
	c = lvbs_key_state();
	pr_info("lvbs_hello: loaded; static key off/on/off reads %d/%d/%d%s\n", a, b, c,
		!a && b && !c ? " (toggles work)" : " (TOGGLE BROKEN)");
	return 0;
}

static void __exit lvbs_hello_exit(void)
{
	pr_info("lvbs_hello: unloaded\n");
}

module_init(lvbs_hello_init);
module_exit(lvbs_hello_exit);
MODULE_DESCRIPTION("vtlguard LVBS suite: a well-behaved module");
MODULE_LICENSE("GPL");

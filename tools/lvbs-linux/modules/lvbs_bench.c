// SPDX-License-Identifier: GPL-2.0
/*
 * make bench (bench-lvbs-linux): times toggles of this module's own static
 * key.  Each static_branch_enable()/disable() rewrites the one jump-label
 * site of lvbs_bench_key_state() with text_poke_bp(): under LVBS every
 * text_poke() of it is a PATCH_TEXT call to VTL1 (patch 0004); without a
 * secure kernel it is VTL0's own text_poke().  For each of `reps`
 * repetitions it times `toggles` enable+disable pairs with ktime and prints
 *   lvbs_bench: rep R: N toggles in T ns
 * (N = 2 * toggles: one enable or one disable is one toggle).  It checks
 * the branch after every toggle; a wrong read is counted and printed, and
 * the load then fails, so a broken toggle cannot pass as a fast one.
 */
#include <linux/jump_label.h>
#include <linux/ktime.h>
#include <linux/module.h>

static unsigned int reps = 9;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions (default 9)");
static unsigned int toggles = 50;
module_param(toggles, uint, 0444);
MODULE_PARM_DESC(toggles, "enable+disable pairs per repetition (default 50)");

static DEFINE_STATIC_KEY_FALSE(lvbs_bench_key);

static noinline int lvbs_bench_key_state(void)
{
	if (static_branch_unlikely(&lvbs_bench_key))
		return 1;
	return 0;
}

static int __init lvbs_bench_init(void)
{
	unsigned int r, i, bad = 0;
	u64 t0, t1;

	if (!reps || reps > 1000 || !toggles || toggles > 100000)
		return -EINVAL;
	for (r = 0; r < reps; r++) {
		t0 = ktime_get_ns();
		for (i = 0; i < toggles; i++) {
			static_branch_enable(&lvbs_bench_key);
			bad += lvbs_bench_key_state() != 1;
			static_branch_disable(&lvbs_bench_key);
			bad += lvbs_bench_key_state() != 0;
		}
		t1 = ktime_get_ns();
		pr_info("lvbs_bench: rep %u: %u toggles in %llu ns\n", r, 2 * toggles, t1 - t0);
	}
	if (bad) {
		pr_err("lvbs_bench: %u toggles read back wrong: TOGGLE BROKEN\n", bad);
		return -EIO;
	}
	pr_info("lvbs_bench: done, every toggle read back right\n");
	return 0;
}

static void __exit lvbs_bench_exit(void)
{
}

module_init(lvbs_bench_init);
module_exit(lvbs_bench_exit);
MODULE_DESCRIPTION("vtlguard LVBS suite: static-key toggle benchmark");
MODULE_LICENSE("GPL");

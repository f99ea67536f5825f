// SPDX-License-Identifier: GPL-2.0
/*
 * A signed (so validated) but hostile module: insmod lvbs_rogue.ko attack=X
 * makes one attack VTL1 must refuse, reports "lvbs_rogue: X: refused (...)"
 * or "lvbs_rogue: X: SUCCEEDED (...)", and fails its load so it can be
 * loaded again for the next attack.  Every access is made so that the #GP
 * VTL1 injects is recovered (exception table or die notifier): Linux goes
 * on, and the result is read back to prove nothing changed.
 *   text      write (the same byte) to kernel text, through a new RW alias
 *   rodata    the same for kernel rodata (hex_asc)
 *   modtext   the same for this module's own (validated) text
 *   cr0_wp    clear CR0.WP
 *   cr4_smep  flip CR4.SMEP
 *   lstar     point LSTAR elsewhere
 *   execdata  run a RET in this module's own rodata (VTL1 made it R at
 *             VALIDATE_MODULE), through a new executable alias
 *   execkdata run a RET byte found in the kernel image's .data (sent R|W at
 *             end of boot), the same way
 *   execheap  the same for a page_alloc page; NOT refused under hvsim (other
 *             RAM is not sent by default, docs/linux.md), so not in the suite
 *   protect   PROTECT_MEMORY making kernel text writable, after end of boot
 */
#include <linux/hv_vsm.h>
#include <linux/kdebug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/vmalloc.h>
#include <asm/asm.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/special_insns.h>

static char *attack = "";
module_param(attack, charp, 0);

/* A store the injected #GP turns into -EFAULT instead of an oops. */
static int try_store8(u8 *p, u8 v)
{
	int err = 0;

	asm volatile("1: movb %[v], %[m]\n2:\n"
		     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG, %[err])
		     : [err] "+r" (err), [m] "=m" (*p) : [v] "q" (v) : "memory");
	return err;
}

static int try_write_cr(int which, unsigned long v)
{
	int err = 0;

	if (which == 0)
		asm volatile("1: mov %[v], %%cr0\n2:\n"
			     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG, %[err])
			     : [err] "+r" (err) : [v] "r" (v) : "memory");
	else
		asm volatile("1: mov %[v], %%cr4\n2:\n"
			     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG, %[err])
			     : [err] "+r" (err) : [v] "r" (v) : "memory");
	return err;
}

/* Write a byte of the page holding @target through a fresh RW mapping. */
static void alias_write(const char *name, const void *target, struct page *page)
{
	unsigned long off = offset_in_page(target);
	u8 *map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	u8 before;
	int err;

	if (!map) {
		pr_info("lvbs_rogue: %s: SETUP FAILED (vmap)\n", name);
		return;
	}
	before = READ_ONCE(map[off]);
	err = try_store8(map + off, before);
	pr_info("lvbs_rogue: %s: %s (store to pa %#llx: %d; byte %02x -> %02x)\n", name,
		err ? "refused" : "SUCCEEDED", (u64)page_to_phys(page) + off, err, before,
		READ_ONCE(map[off]));
	vunmap(map);
}

static struct page *kernel_image_page(const void *p)
{
	return pfn_to_page(__pa_symbol(p) >> PAGE_SHIFT);
}

static volatile unsigned long exec_page;
static volatile int exec_faulted;

/* The #GP of a refused fetch in our alias page: return to the caller. */
static int rogue_die(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;

	if (val != DIE_GPF || !exec_page || (regs->ip & PAGE_MASK) != exec_page)
		return NOTIFY_DONE;
	exec_faulted = 1;
	regs->ip = *(unsigned long *)regs->sp;
	regs->sp += sizeof(unsigned long);
	return NOTIFY_STOP;
}

static struct notifier_block rogue_nb = { .notifier_call = rogue_die };

/*
 * Call the RET (0xc3) at @off of @page through a new executable mapping,
 * as an attacker who controls VTL0's page tables would: only VTL1's own
 * permissions (NPT) can refuse the fetch.  vmap() always maps NX, so the
 * PTE's NX bit is cleared by hand before the alias is first used.
 */
static void exec_ret_in(const char *name, const char *what, struct page *page,
			unsigned long off)
{
	void (*fn)(void);
	u8 *map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	unsigned int level;
	pte_t *pte;

	if (!map) {
		pr_info("lvbs_rogue: %s: SETUP FAILED (vmap)\n", name);
		return;
	}
	pte = lookup_address((unsigned long)map, &level);
	if (!pte || level != PG_LEVEL_4K || ((u8 *)page_address(page))[off] != 0xc3) {
		pr_info("lvbs_rogue: %s: SETUP FAILED (no 4 KiB alias or no RET at %#lx)\n",
			name, off);
		vunmap(map);
		return;
	}
	set_pte(pte, pte_mkexec(*pte));
	register_die_notifier(&rogue_nb);
	exec_faulted = 0;
	exec_page = (unsigned long)map;
	fn = (void *)(map + off);
	fn();
	exec_page = 0;
	unregister_die_notifier(&rogue_nb);
	pr_info("lvbs_rogue: %s: %s (kernel-mode fetch from %s, pa %#llx)\n", name,
		exec_faulted ? "refused" : "SUCCEEDED", what, (u64)page_to_phys(page) + off);
	vunmap(map);
}

/* RETs in this module's rodata: VALIDATE_MODULE made the page R for VTL0. */
static const u8 rogue_rodata_ret[16] = {
	0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3,
	0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3,
};

static void exec_module_rodata(void)
{
	const u8 *p = rogue_rodata_ret;

	OPTIMIZER_HIDE_VAR(p);
	exec_ret_in("execdata", "this module's rodata", vmalloc_to_page(p), offset_in_page(p));
}

/*
 * A byte 0xc3 that happens to lie in the kernel image's .data, in the pages
 * of init_task (exported, in .data, far from its ends): nothing is written,
 * so the kernel's data stays intact whether or not the fetch is refused.
 */
static void exec_kernel_data(void)
{
	const u8 *start = PTR_ALIGN_DOWN((const u8 *)&init_task, PAGE_SIZE);
	const u8 *end = PTR_ALIGN((const u8 *)(&init_task + 1), PAGE_SIZE), *p;

	for (p = start; p < end; p++) {
		if (*p == 0xc3) {
			exec_ret_in("execkdata", "the kernel's .data (init_task)",
				    kernel_image_page(p), offset_in_page(p));
			return;
		}
	}
	pr_info("lvbs_rogue: execkdata: SETUP FAILED (no 0xc3 byte in init_task)\n");
}

static void exec_heap(void)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (!page) {
		pr_info("lvbs_rogue: execheap: SETUP FAILED (alloc)\n");
		return;
	}
	memset(page_address(page), 0xc3, PAGE_SIZE);	/* RET */
	exec_ret_in("execheap", "a page_alloc page", page, 0);
	__free_page(page);
}

static void protect_after_boot(void)
{
	struct vsm_chain c = {};
	unsigned long text = (unsigned long)_printk & PAGE_MASK;
	s64 r;

	if (vsm_chain_add(&c, text, __pa_symbol(text), __pa_symbol(text) + PAGE_SIZE,
			  VSM_ATTR_READ | VSM_ATTR_WRITE | VSM_ATTR_EXEC)) {
		pr_info("lvbs_rogue: protect: SETUP FAILED\n");
		return;
	}
	r = vsm_chain_call(HV_VSM_PROTECT_MEMORY, &c, 0);
	vsm_chain_free(&c);
	pr_info("lvbs_rogue: protect: %s (PROTECT_MEMORY R|W|X on kernel text returned %lld)\n",
		r ? "refused" : "SUCCEEDED", r);
	alias_write("protect-then-write", (void *)text, kernel_image_page((void *)text));
}

static noinline void rogue_marker(void)
{
	barrier();
}

static int __init lvbs_rogue_init(void)
{
	if (!strcmp(attack, "text")) {
		alias_write("text", _printk, kernel_image_page(_printk));
	} else if (!strcmp(attack, "rodata")) {
		alias_write("rodata", hex_asc, kernel_image_page(hex_asc));
	} else if (!strcmp(attack, "modtext")) {
		alias_write("modtext", rogue_marker, vmalloc_to_page(rogue_marker));
	} else if (!strcmp(attack, "cr0_wp")) {
		unsigned long cr0 = read_cr0();
		int err = try_write_cr(0, cr0 & ~X86_CR0_WP);

		pr_info("lvbs_rogue: cr0_wp: %s (mov cr0 without WP: %d; CR0 %#lx -> %#lx)\n",
			err ? "refused" : "SUCCEEDED", err, cr0, read_cr0());
		if (!err)
			try_write_cr(0, cr0);
	} else if (!strcmp(attack, "cr4_smep")) {
		unsigned long cr4 = __read_cr4();
		int err = try_write_cr(4, cr4 ^ X86_CR4_SMEP);

		pr_info("lvbs_rogue: cr4_smep: %s (mov cr4 with SMEP flipped: %d; CR4 %#lx -> %#lx)\n",
			err ? "refused" : "SUCCEEDED", err, cr4, __read_cr4());
		if (!err)
			try_write_cr(4, cr4);
	} else if (!strcmp(attack, "lstar")) {
		u64 old, now;
		int err;

		rdmsrl(MSR_LSTAR, old);
		err = wrmsrl_safe(MSR_LSTAR, (u64)(unsigned long)rogue_marker);
		rdmsrl(MSR_LSTAR, now);
		pr_info("lvbs_rogue: lstar: %s (wrmsr LSTAR: %d; LSTAR %#llx -> %#llx)\n",
			err ? "refused" : "SUCCEEDED", err, old, now);
		if (!err)
			wrmsrl_safe(MSR_LSTAR, old);
	} else if (!strcmp(attack, "execdata")) {
		exec_module_rodata();
	} else if (!strcmp(attack, "execkdata")) {
		exec_kernel_data();
	} else if (!strcmp(attack, "execheap")) {
		exec_heap();
	} else if (!strcmp(attack, "protect")) {
		protect_after_boot();
	} else {
		pr_info("lvbs_rogue: unknown attack '%s'\n", attack);
	}
	rogue_marker();
	return -EAGAIN;	/* never stay loaded */
}

module_init(lvbs_rogue_init);
MODULE_DESCRIPTION("vtlguard LVBS suite: attacks from a validated module");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: MIT
/*
 * Descriptions of the verdicts that are not cases: the sub-checks a case
 * prints under names of its own (module_wrong_key_never_exec, ...), the boot
 * steps, the workload and the suite's totals.  Cases describe themselves in
 * their tables (struct vtl0_case.what); main.c checks, as each verdict is
 * printed, that its name is a case or matches a pattern here, and FAILs
 * "verdict_descriptions" at the end otherwise.  So a new sub-check without
 * a line here fails the suite: add one (a pattern "*_suffix" matches the end
 * of a name, "prefix*" its start; the first match wins, so specific first).
 */
#include "tests/vtl0/vtl0.h"

#define T_SUITE "docs/testing.md \"The end-to-end suite\""
#define T_CHECK "docs/testing.md \"What a case checks\""
#define T_MOD   "docs/testing.md \"Module and kexec validation\""
#define T_PATCH "docs/vtl-call-abi.md \"PATCH_TEXT\""
#define T_OPT   "docs/testing.md \"Running one case, options\""

const struct vtl0_desc vtl0_subchecks[] = {
	/* boot, workload, totals, the guest's own words */
	{ "boot_*", "a step of the LVBS boot (load vtlguard, first call, APs, ring, "
	  "PROTECT_MEMORY, LOAD_KDATA, LOCK_REGS, end of boot)", T_SUITE },
	{ "workload_*", "the workload kept running: its data, syscall path, text and "
	  "rodata, and each AP's counter", T_CHECK },
	{ "bench_*", "the in-guest benchmark path still works", "docs/testing.md (bench)" },
	{ "*_violations_accounted", "VTL1 counted exactly the refusals the case's verdicts "
	  "accounted for", T_CHECK },
	{ "violations_totals", "VTL1's per-class totals equal what the whole suite accounted for",
	  T_CHECK },
	{ "cmdline_words", "every guest word was understood (an unknown one runs nothing)", T_OPT },
	{ "only", "every only= name names a case", T_OPT },
	{ "verdict_descriptions", "every verdict has a description (tests/vtl0/describe.c)",
	  T_SUITE },
	{ "flood_log_accounted", "after the flood, the log ring accounts every line it dropped",
	  T_CHECK },
	{ "flood_vtl1_responsive", "after the flood, VTL1 still answers a VTL call at once",
	  T_CHECK },
	{ "measurement_policy_from_loader", "the measurement log names the policy the loader "
	  "passed (its SHA-256)", "docs/vtl-call-abi.md \"GET_MEASUREMENTS\"" },
	{ "rt5_boot_aps_*", "aps=late (RT5): a BOOT_APS aimed at protected text, the ring, VTL1 "
	  "memory or with its mask in VTL1 is refused and the bytes stay unchanged", T_SUITE },
	/* hvsim isolation cases */
	{ "*_eob_state_kept", "after the attack on hvsim, end of boot still holds: a boot-only "
	  "call gets -EPERM", "docs/hvsim.md" },
	/* module and kexec sub-checks */
	{ "module_not_executable_before_validation", "the loaded, relocated module text #GPs on "
	  "execution before VALIDATE_MODULE", T_MOD },
	{ "exec_module_text_then_validate_before", "module text run before VALIDATE_MODULE #GPs "
	  "and is recorded (under an audit policy: runs, recorded audit-allow)", T_MOD },
	{ "module_valid_text_write_refused", "a write to the validated module's text #GPs and "
	  "is recorded", T_MOD },
	{ "module_valid_rodata_write_refused", "a write to the validated module's rodata #GPs "
	  "and is recorded", T_MOD },
	{ "module_valid_rodata_exec_refused", "a call into the validated module's rodata #GPs "
	  "and is recorded (VTL1 made it R, not R|X)", T_MOD },
	{ "module_over_live_module_still_runs", "after the refused second VALIDATE_MODULE the "
	  "live module still runs", T_MOD },
	{ "module_over_live_module_text_still_ro", "after the refused second VALIDATE_MODULE "
	  "the live module's text still refuses writes", T_MOD },
	{ "patch_module_static_call_to_b", "PATCH_TEXT turns the module's static call to "
	  "testmod_sc_a into one to testmod_sc_b in the legal INT3, tail, head steps", T_MOD },
	{ "patch_module_static_call_to_a", "the same steps turn it back to testmod_sc_a", T_MOD },
	{ "patch_module_static_call_data", "a static-call tail aimed at the module's data is "
	  "refused (-EACCES)", T_MOD },
	{ "patch_module_static_call_data_kept", "after that refused step the site is restored "
	  "to the call to testmod_sc_a and still runs", T_MOD },
	{ "patch_module_static_call_unvalidated", "a static call aimed at memory no one "
	  "validated, in one write, is refused (-EACCES)", T_MOD },
	{ "patch_module_static_call_unvalidated_kept", "after that refusal the site still calls "
	  "testmod_sc_a", T_MOD },
	{ "module_ro_after_init_sealed", "after FREE_MODULE_INIT a write to the module's "
	  "__jump_table (RoAfterInit) #GPs and is recorded", T_MOD },
	{ "module_ro_after_init_changed_stays_ro", "after the refused FREE_MODULE_INIT the "
	  "changed __jump_table still refuses writes", T_MOD },
	{ "module_merged_ranges_text_ro", "after VALIDATE_MODULE from multi-page ranges a write "
	  "to the last byte of the module's text #GPs and is recorded", T_MOD },
	{ "module_free_init_core_runs", "after FREE_MODULE_INIT the core text still runs", T_MOD },
	{ "module_free_init_after_unload", "FREE_MODULE_INIT after UNLOAD_MODULE gets -EINVAL",
	  T_MOD },
	{ "*_reused_token", "a second FREE_MODULE_INIT / UNLOAD_MODULE with the same token gets "
	  "-EINVAL", T_MOD },
	{ "kexec_signed_not_executable", "the approved kexec image page #GPs on execution",
	  T_MOD },
	{ "kexec_release", "KEXEC_VALIDATE(0) drops the approval", T_MOD },
	{ "*_text_never_exec", "the module's own text never became executable", T_MOD },
	{ "*_never_exec", "the refused bytes never became executable (#GP on execution, "
	  "recorded mem-exec)", T_MOD },
	{ "pm_wx_granted_rw_nx_writable", "the W+X range was granted R|W: VTL0 can still write "
	  "it", "docs/policy.md \"Fixed rules\"" },
	{ "*_writable", "the refused or released pages are writable by VTL0 again", T_MOD },
	/* PATCH_TEXT sub-checks */
	{ "*_site", "before the case the jump-label site holds one of its two forms", T_PATCH },
	{ "*_int3", "step 1 of text_poke_bp (INT3 on the first byte) is accepted", T_PATCH },
	{ "*_jmp_tail", "a step text_poke_bp never makes (the JMP's tail first) gets -EACCES",
	  T_PATCH },
	{ "*_nop_head", "a step text_poke_bp never makes (the NOP's first byte over a mixed site) "
	  "gets -EACCES", T_PATCH },
	{ "*_nop_part", "a step text_poke_bp never makes (part of the NOP's tail) gets -EACCES",
	  T_PATCH },
	{ "*_jmp_byte1", "a step text_poke_bp never makes (one JMP byte) gets -EACCES", T_PATCH },
	{ "*_restore", "the site goes back to the NOP through the accepted steps", T_PATCH },
	{ "*_back", "the site goes back to the NOP through the accepted steps", T_PATCH },
	{ "*_core_on", "a validated module's core jump label flips on", T_PATCH },
	{ "*_core_off", "a validated module's core jump label flips back off", T_PATCH },
	{ "*_init_on", "a validated module's init jump label flips on", T_PATCH },
	{ "*_free_init", "FREE_MODULE_INIT succeeds for the patched module", T_PATCH },
	{ "*_init_gone", "after FREE_MODULE_INIT the init site is gone: -ENOENT", T_PATCH },
	{ "*_core_after_free_init", "the core site still flips after FREE_MODULE_INIT", T_PATCH },
	{ "*_unload", "after UNLOAD_MODULE the module's sites are gone", T_PATCH },
	{ "*_rodata", "a jump-label site outside the module's text is refused", T_PATCH },
	{ "*_setup", "the case's preparation (a VTL call it relies on) succeeded", T_CHECK },
	{ "*_logged", "VTL1 logged the expected line", T_CHECK },
	{ "*_patchinfo", "the PatchInfo loaded before a refused LOAD_KDATA still serves",
	  "docs/vtl-call-abi.md \"LOAD_KDATA\"" },
	{ "*_call", "the VTL call itself is answered as documented", T_CHECK },
	{ NULL, NULL, NULL },
};

static bool match(const char *pat, const char *name)
{
	size_t np = 0, nn = 0;

	while (pat[np])
		np++;
	while (name[nn])
		nn++;
	if (pat[0] == '*') { /* suffix */
		if (nn < np - 1)
			return false;
		for (size_t i = 1; i < np; i++)
			if (pat[i] != name[nn - np + i])
				return false;
		return true;
	}
	for (size_t i = 0; i < np; i++) {
		if (pat[i] == '*' && i + 1 == np)
			return true; /* prefix */
		if (pat[i] != name[i])
			return false;
	}
	return !name[np];
}

const struct vtl0_desc *vtl0_subcheck_desc(const char *name)
{
	for (const struct vtl0_desc *d = vtl0_subchecks; d->pattern; d++)
		if (match(d->pattern, name))
			return d;
	return NULL;
}

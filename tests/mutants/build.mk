# tests/mutants: mutation testing (issue 19).  Each mutant in
# tests/mutants/mutants.txt removes one defence from vtlguard; the tests/vtl0
# suite must FAIL against every one of them.
#   make mutants               build and run them all (about 30 s each)
#   make mutants MUTANTS="a b" only these
#   make suite-mutants-apply   every mutant still applies (seconds; in `make test`)
MUTANTS ?=
.PHONY: mutants suite-mutants-apply
# VTL0_DEPS is defined by tests/vtl0/build.mk, which is included after this
# fragment, so it is expanded in the recipe (not as a prerequisite, where it
# would still be empty): the runner uses --no-build, and a stale test kernel
# would judge every mutant with the old expectations.
mutants:
	$(Q)$(MAKE) --no-print-directory $(VTL0_DEPS)
	$(Q)tests/mutants/run $(MUTANTS)
TEST_SUITES += mutants-apply
suite-mutants-apply:
	$(Q)tests/mutants/run --check

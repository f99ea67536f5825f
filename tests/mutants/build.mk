# tests/mutants: mutation testing (issue 19).  Each mutant in
# tests/mutants/mutants.txt removes one defence from vtlguard; the tests/vtl0
# suite must FAIL against every one of them.
#   make mutants               build and run them all (about 30 s each)
#   make mutants MUTANTS="a b" only these
#   make suite-mutants-apply   every mutant still applies (seconds; in `make test`)
MUTANTS ?=
.PHONY: mutants suite-mutants-apply
mutants: $(VTL0_DEPS)
	$(Q)tests/mutants/run $(MUTANTS)
TEST_SUITES += mutants-apply
suite-mutants-apply:
	$(Q)tests/mutants/run --check

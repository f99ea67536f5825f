# tests/install: `make suite-install` checks `make install` into a temporary
# DESTDIR (file list, the image's version note and debuglink, modcheck
# --version, the manual, the initramfs-tools hook), the first boot-log lines,
# and a POLICY= build (docs/install.md, docs/policy.md).  The Debian package
# takes about 40 s to build, so it is `make deb`, not part of this suite.
TEST_SUITES += install
.PHONY: suite-install
suite-install: installable $(BUILD)/vtlguard.elf
	$(Q)tests/install/run.sh $(BUILD) $(BUILD)/test-install

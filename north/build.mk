# north/: the North API over the South contract (north/south.h), plus the
# fake South (tests/north/) that host tests run it on.
VTL1_SRCS      += north/north.c
HOST_UNIT_SRCS += north/north.c tests/north/fake_south.c tests/north/test_north.c

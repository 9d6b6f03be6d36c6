# SPDX-License-Identifier: GPL-2.0-only
#
# xenlend - GPU memory lent by dom0 to Xen guests.
#
#   make run     build what is missing, boot Xen + dom0 + one PVH domU in
#                QEMU: handshake, lent memory, a GL frame, a Vulkan program
#   make check   every test tier: unit, fuzz replay, static, KUnit, end to end
#   make e2e [SCENARIOS="a b"]   end-to-end scenarios (all of make check's,
#                or just those) in one boot; make e2e-list names them
#   make bench   benchmarks in the Xen environment, as ratios against
#                baselines of the same run (CSV and PNG under the cache)
#   make soak    30 minutes of four guests (well-behaved, flooding, hostile,
#                reconnecting): dom0's memory, grants and descriptors flat
#                at the end (XENLEND_SOAK_MINUTES=N for another length)
#   make kernel-patches   the kernel code as a patch series against Linux
#                6.12 (Debian's source), in $(XENLEND_CACHE)/kernel-patches
#   make modules [KDIR=...]   xenlend.ko and xenlend-host.ko for the
#                running (or KDIR's) kernel, out of tree
#   make deb     Debian packages xenlend-dkms and xenlend-broker, in
#                $(XENLEND_CACHE)/packages
#
# Everything downloaded or built outside the tree is cached under
# $(XENLEND_CACHE) (default /var/cache/xenlend). Needs root (debootstrap,
# chroot, mount) on Debian bookworm.

SHELL := /bin/sh

all: check

deps:
	@sh scripts/install-host-deps.sh

env: deps
	@sh scripts/xen-env/setup.sh

images: env
	@sh scripts/xen-env/build-images.sh

run: images
	@sh scripts/xen-env/run-vm.sh demo

unit: deps
	@$(MAKE) -s -C tests unit

replay: deps
	@$(MAKE) -s -C tests replay

static: env
	@sh scripts/static-check.sh

kunit: env
	@sh scripts/kunit.sh

kernel-patches: env
	@sh scripts/kernel-patches.sh

modules:
	@sh scripts/kernel-modules.sh

deb: env
	@sh scripts/make-deb.sh

e2e: images
	@sh scripts/xen-env/run-vm.sh check $(SCENARIOS)

e2e-list:
	@awk 'FNR == 1 { n = FILENAME; sub(/.*\//, "", n); sub(/\.sh$$/, "", n) } \
		/^# description: / { sub(/^# description: /, ""); printf "%-16s %s\n", n, $$0 }' \
		tests/e2e/scenarios/*.sh

check: deps
	@sh scripts/check.sh

bench: images
	@sh scripts/bench.sh

soak: images
	@sh scripts/xen-env/run-vm.sh soak

fuzz: deps
	@$(MAKE) -s -C tests fuzz

clean:
	@$(MAKE) -s -C tests clean
	@$(MAKE) -s -C dom0-broker clean

.PHONY: all deps env images run unit replay static kunit kernel-patches modules deb e2e e2e-list check bench soak \
	fuzz clean

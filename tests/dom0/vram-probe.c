// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-vram-probe: runs in the test dom0 and does by hand what VRAM
 * lending will do (docs/RESEARCH-gpu-memory.md, section 3): map frames of
 * a PCI BAR into a PVH guest's physical address space on stock Xen
 * (XEN_DOMCTL_memory_mapping, after XEN_DOMCTL_iomem_permission), take
 * them away again, and read or write the BAR from dom0 meanwhile.
 *
 *   xenlend-vram-probe map DOMID GFN MFN NR      give the guest NR frames
 *   xenlend-vram-probe unmap DOMID GFN MFN NR    take them away; prints
 *                                                how long the domctl took
 *   xenlend-vram-probe peek RESOURCE OFFSET      a 32-bit word of a BAR
 *   xenlend-vram-probe poke RESOURCE OFFSET VAL  write one
 *   xenlend-vram-probe expect RESOURCE OFFSET LEN RES GEN
 *	every 64-bit word of LEN bytes at OFFSET of a BAR holds
 *	xenlend_test_pattern(RES, GEN, its offset from OFFSET)
 *   xenlend-vram-probe fill CARD MIB SECONDS
 *	take up to MIB of qxl's VRAM in 1 MiB buffers (as much as it has
 *	free), fill every word with XENLEND_TEST_CANARY, hold them SECONDS
 *	and count the words that changed meanwhile
 *
 * RESOURCE is a BAR's sysfs file (/sys/bus/pci/devices/.../resourceN),
 * numbers are decimal or 0x-hex. Exit status 0 on success, 1 with the
 * reason on stderr.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include <drm/drm.h>
#include <drm/qxl_drm.h>
#include <xenctrl.h>

#include "xenlend_test.h"

static int fail(const char *what)
{
	fprintf(stderr, "xenlend-vram-probe: %s: %s\n", what, strerror(errno));
	return 1;
}

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "xenlend-vram-probe: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static int domctl(int map, char **argv)
{
	uint32_t domid = (uint32_t)num(argv[0]);
	uint64_t gfn = num(argv[1]), mfn = num(argv[2]), nr = num(argv[3]);
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	struct timespec t0, t1;
	int ret = 0;

	if (!xch)
		return fail("libxenctrl");
	if (map) {
		if (xc_domain_iomem_permission(xch, domid, mfn, nr, 1))
			ret = fail("iomem permission");
		else if (xc_domain_memory_mapping(xch, domid, gfn, mfn, nr, DPCI_ADD_MAPPING))
			ret = fail("memory mapping");
		else
			printf("mapped %" PRIu64 " frames of mfn 0x%" PRIx64 " at gfn 0x%" PRIx64
			       " of dom%u\n", nr, mfn, gfn, domid);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (xc_domain_memory_mapping(xch, domid, gfn, mfn, nr, DPCI_REMOVE_MAPPING))
			ret = fail("memory unmapping");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!ret && xc_domain_iomem_permission(xch, domid, mfn, nr, 0))
			ret = fail("iomem permission removal");
		if (!ret)
			printf("unmapped %" PRIu64 " frames at gfn 0x%" PRIx64 " of dom%u in %ld us\n",
			       nr, gfn, domid, (long)((t1.tv_sec - t0.tv_sec) * 1000000 +
						      (t1.tv_nsec - t0.tv_nsec) / 1000));
	}
	xc_interface_close(xch);
	return ret;
}

static int bar_word(const char *res, uint64_t off, int write, uint32_t val)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t base = off & ~(uint64_t)(page - 1);
	volatile uint32_t *w;
	int fd = open(res, O_RDWR | O_SYNC | O_CLOEXEC);
	void *map;

	if (fd < 0)
		return fail(res);
	map = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
	close(fd);
	if (map == MAP_FAILED)
		return fail("mmap of the BAR");
	w = (volatile uint32_t *)((char *)map + (off - base));
	if (write)
		*w = val;
	else
		printf("0x%08" PRIx32 "\n", *w);
	munmap(map, (size_t)page);
	return 0;
}

/* Map @len bytes of a BAR from @off (page aligned) for reading. */
static volatile uint64_t *map_bar(const char *res, uint64_t off, uint64_t len)
{
	int fd = open(res, O_RDWR | O_SYNC | O_CLOEXEC);
	void *map;

	if (fd < 0)
		return NULL;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)off);
	close(fd);
	return map == MAP_FAILED ? NULL : map;
}

static int expect(char **argv)
{
	uint64_t off = num(argv[1]), len = num(argv[2]), bad = 0;
	uint32_t res = (uint32_t)num(argv[3]), gen = (uint32_t)num(argv[4]);
	volatile uint64_t *w;

	if (off % 4096 || !len || len % 4096)
		return fail("OFFSET and LEN must be whole pages");
	w = map_bar(argv[0], off, len);
	if (!w)
		return fail(argv[0]);
	for (uint64_t o = 0; o < len; o += 8) {
		uint64_t v = w[o / 8];

		if (v != xenlend_test_pattern(res, gen, o) && bad++ < 3)
			printf("word at %#" PRIx64 " is %#" PRIx64 "\n", off + o, v);
	}
	munmap((void *)w, len);
	printf("%" PRIu64 " of %" PRIu64 " words differ\n", bad, len / 8);
	return bad ? 1 : 0;
}

static int fill(char **argv)
{
	uint64_t mib = num(argv[1]), secs = num(argv[2]), n = 0, bad = 0;
	volatile uint64_t *maps[4096];
	int fd = open(argv[0], O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return fail(argv[0]);
	for (; n < mib && n < 4096; n++) {
		struct drm_qxl_alloc a = { .size = 1 << 20 };
		struct drm_qxl_map m = { 0 };
		void *p;

		if (ioctl(fd, DRM_IOCTL_QXL_ALLOC, &a))
			break;	/* VRAM is full */
		m.handle = a.handle;
		if (ioctl(fd, DRM_IOCTL_QXL_MAP, &m))
			return fail("DRM_IOCTL_QXL_MAP");
		p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
		if (p == MAP_FAILED)
			return fail("mmap of a VRAM buffer");
		maps[n] = p;
		for (uint64_t o = 0; o < (1 << 20); o += 8)
			maps[n][o / 8] = XENLEND_TEST_CANARY;
	}
	sleep((unsigned int)secs);
	for (uint64_t i = 0; i < n; i++)
		for (uint64_t o = 0; o < (1 << 20); o += 8)
			bad += maps[i][o / 8] != XENLEND_TEST_CANARY;
	printf("filled %" PRIu64 " MiB of VRAM with the canary, held %" PRIu64 " s: %" PRIu64
	       " words changed\n", n, secs, bad);
	close(fd);	/* frees them */
	return n && !bad ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 6 && !strcmp(argv[1], "map"))
		return domctl(1, argv + 2);
	if (argc == 6 && !strcmp(argv[1], "unmap"))
		return domctl(0, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "peek"))
		return bar_word(argv[2], num(argv[3]), 0, 0);
	if (argc == 5 && !strcmp(argv[1], "poke"))
		return bar_word(argv[2], num(argv[3]), 1, (uint32_t)num(argv[4]));
	if (argc == 7 && !strcmp(argv[1], "expect"))
		return expect(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "fill"))
		return fill(argv + 2);
	fprintf(stderr, "usage: %s map|unmap DOMID GFN MFN NR | peek RESOURCE OFFSET | "
		"poke RESOURCE OFFSET VALUE | expect RESOURCE OFFSET LEN RES GEN | "
		"fill CARD MIB SECONDS\n", argv[0]);
	return 2;
}

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

#include <xenctrl.h>

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
	fprintf(stderr, "usage: %s map|unmap DOMID GFN MFN NR | peek RESOURCE OFFSET | "
		"poke RESOURCE OFFSET VALUE\n", argv[0]);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-engine-refusals: runs in the test dom0 and puts bad input to the
 * lending engine (/dev/xenlend-host) directly, with buffers of real DRM
 * drivers, checking each refusal's error and that nothing stays pinned.
 *
 * For each CARD:EXPECT argument (EXPECT "pin": the driver's buffers can be
 * pinned; "ENOSYS": they cannot), on a 1 MiB dumb buffer of that DRM card:
 * a grant of its PFN mapping without a backing is refused (-EPERM); a
 * backing that is no dma-buf, outside the region or unaligned is refused
 * (-EINVAL); the buffer's own dma-buf is accepted or refused as expected;
 * when accepted, a grant pins the buffer and ending it unpins it again
 * (the engine's buffers_pinned count). The grants go to DOMID, a domain
 * that need not exist: nothing maps them.
 *
 * Lines start with "ENGINE:". Exit status 0 iff every check passed.
 *
 * usage: xenlend-engine-refusals DOMID CARD:EXPECT...
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>

#include "xenlend_host.h"

#define MIB (1u << 20)
#define PINNED "/sys/class/misc/xenlend-host/buffers_pinned"

static int failures;

static void check(int ok, const char *card, const char *what, int err)
{
	printf("ENGINE: %s %s: %s (%s)\n", ok ? "PASS" : "FAIL", card, what,
	       err ? strerror(err) : "no error");
	failures += !ok;
}

static long pinned_now(void)
{
	FILE *f = fopen(PINNED, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* The engine unpins from a work item: wait for the count to reach @want. */
static int pinned_becomes(long want)
{
	for (int i = 0; i < 50; i++) {
		if (pinned_now() == want)
			return 1;
		usleep(100000);
	}
	return 0;
}

static int err_of(int ret)
{
	return ret ? errno : 0;
}

static void one_card(uint32_t domid, const char *card, const char *expect)
{
	struct drm_mode_create_dumb c = { .width = 1024, .height = MIB / 4096, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	struct drm_prime_handle p = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct xenlend_host_bind b = { .domid = domid };
	struct xenlend_host_region r = { .size = MIB, .id = 1 };
	struct xenlend_host_backing bk = { .id = 1, .length = MIB };
	uint32_t grefs[MIB / 4096];
	struct xenlend_host_grant g = {
		.id = 1, .write = 1, .length = MIB, .grefs = (uintptr_t)grefs,
	};
	long base = pinned_now();
	int fd = open(card, O_RDWR | O_CLOEXEC), host = -1, memfd, err;
	void *map;

	if (fd < 0 || ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c) ||
	    (m.handle = p.handle = c.handle, ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m)) ||
	    ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p)) {
		check(0, card, "a dumb buffer and its dma-buf", errno);
		goto out;
	}
	map = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
	host = open("/dev/xenlend-host", O_RDWR | O_CLOEXEC);
	if (map == MAP_FAILED || host < 0 || ioctl(host, XENLEND_HOST_IOC_BIND, &b)) {
		check(0, card, "mapping it and binding the engine", errno);
		goto out;
	}
	memset(map, 0x5a, MIB);
	r.uaddr = (uintptr_t)map;
	err = err_of(ioctl(host, XENLEND_HOST_IOC_ADD_REGION, &r));
	check(!err, card, "its mapping is a region", err);

	err = err_of(ioctl(host, XENLEND_HOST_IOC_GRANT, &g));
	check(err == EPERM, card, "its PFN mapping without a backing is refused", err);

	memfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	bk.dmabuf_fd = memfd;
	err = err_of(ioctl(host, XENLEND_HOST_IOC_SET_BACKING, &bk));
	check(err == EINVAL, card, "a memfd as a backing is refused", err);
	close(memfd);
	bk.dmabuf_fd = p.fd;
	bk.offset = 4096;
	err = err_of(ioctl(host, XENLEND_HOST_IOC_SET_BACKING, &bk));
	check(err == EINVAL, card, "a backing past the region's end is refused", err);
	bk.offset = 100;
	bk.length = 4096;
	err = err_of(ioctl(host, XENLEND_HOST_IOC_SET_BACKING, &bk));
	check(err == EINVAL, card, "an unaligned backing is refused", err);
	bk.offset = 0;
	bk.length = MIB;
	err = err_of(ioctl(host, XENLEND_HOST_IOC_SET_BACKING, &bk));
	if (strcmp(expect, "pin")) {
		check(err == ENOSYS, card, "its buffer cannot be pinned: refused", err);
		check(pinned_becomes(base), card, "nothing stays pinned", 0);
		goto out;
	}
	check(!err, card, "its buffer is a backing", err);
	check(pinned_becomes(base), card, "a backing alone pins nothing", 0);
	err = err_of(ioctl(host, XENLEND_HOST_IOC_GRANT, &g));
	check(!err, card, "granting its pages pins it", err);
	check(pinned_now() == base + 1, card, "one more buffer pinned while granted", 0);
	err = err_of(ioctl(host, XENLEND_HOST_IOC_REMOVE_REGION, &r.id));
	check(!err, card, "removing the region ends the grants", err);
	check(pinned_becomes(base), card, "and unpins it", 0);
out:
	if (host >= 0)
		close(host);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: %s DOMID CARD:EXPECT...\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		char *colon = strrchr(argv[i], ':');

		if (!colon) {
			fprintf(stderr, "%s: expected CARD:EXPECT\n", argv[i]);
			return 2;
		}
		*colon = '\0';
		one_card((uint32_t)strtoul(argv[1], NULL, 0), argv[i], colon + 1);
	}
	printf("ENGINE: %s, %d checks failed\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}

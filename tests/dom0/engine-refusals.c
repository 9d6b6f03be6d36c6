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
 * First, on a memfd region: a region over XENLEND_HOST_MAX_REGION, bad
 * REVOKE and RELEASE ranges are refused; mprotect() and soft-dirty
 * clearing revoke nothing, REVOKE and MADV_DONTNEED do, with the event that
 * names the granted range; RELEASE ends only the grants of its range; the
 * engine cannot be opened without CAP_SYS_ADMIN.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

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

/* The one event queued now, or -1 (errno EAGAIN: none). */
static int one_event(int host, struct xenlend_host_event *ev)
{
	struct xenlend_host_event more[2];
	ssize_t n = read(host, more, sizeof(more));

	if (n < 0)
		return -1;
	*ev = more[0];
	errno = EBADMSG;
	return n == sizeof(more[0]) ? 0 : -1;
}

/* Opening the engine without CAP_SYS_ADMIN, as root: its errno (0: opened). */
static int open_without_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int status;
	pid_t pid = fork();

	if (!pid) {
		if (syscall(SYS_capget, &h, d))
			_exit(255);
		d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
		if (syscall(SYS_capset, &h, d))
			_exit(255);
		_exit(open("/dev/xenlend-host", O_RDWR | O_CLOEXEC) < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 255;
	return WEXITSTATUS(status);
}

static void memfd_checks(uint32_t domid)
{
	const char *m = "memfd";
	struct xenlend_host_bind b = { .domid = domid };
	struct xenlend_host_region r = { .size = MIB, .id = 1 };
	struct xenlend_host_region big = { .size = XENLEND_HOST_MAX_REGION + 4096, .id = 2 };
	uint32_t grefs[2];
	struct xenlend_host_grant g = {
		.id = 1, .write = 1, .offset = 4096, .length = 8192, .grefs = (uintptr_t)grefs,
	};
	struct xenlend_host_revoke rv;
	struct xenlend_host_release rel;
	struct xenlend_host_stats st;
	struct xenlend_host_event ev;
	int memfd = memfd_create("engine-refusals", MFD_CLOEXEC), host = -1, err, cd;
	void *map = MAP_FAILED;

	if (memfd >= 0 && !ftruncate(memfd, MIB))
		map = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	host = open("/dev/xenlend-host", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	r.uaddr = big.uaddr = (uintptr_t)map;
	if (map == MAP_FAILED || host < 0 || ioctl(host, XENLEND_HOST_IOC_BIND, &b) ||
	    ioctl(host, XENLEND_HOST_IOC_ADD_REGION, &r)) {
		check(0, m, "a memfd region", errno);
		goto out;
	}
	err = err_of(ioctl(host, XENLEND_HOST_IOC_ADD_REGION, &big));
	check(err == EINVAL, m, "a region over XENLEND_HOST_MAX_REGION is refused", err);

	rv = (struct xenlend_host_revoke){ .id = 9, .length = MIB };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_REVOKE, &rv));
	check(err == ENOENT, m, "REVOKE of no region is refused", err);
	rv = (struct xenlend_host_revoke){ .id = 1, .flags = 1, .length = MIB };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_REVOKE, &rv));
	check(err == EINVAL, m, "REVOKE with unknown flags is refused", err);
	rv = (struct xenlend_host_revoke){ .id = 1 };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_REVOKE, &rv));
	check(err == EINVAL, m, "REVOKE of nothing is refused", err);
	rv = (struct xenlend_host_revoke){ .id = 1, .offset = 4096, .length = MIB };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_REVOKE, &rv));
	check(err == EINVAL, m, "REVOKE past the region's end is refused", err);
	rv = (struct xenlend_host_revoke){ .id = 1, .offset = 100, .length = 4096 };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_REVOKE, &rv));
	check(err == EINVAL, m, "an unaligned REVOKE is refused", err);
	rv = (struct xenlend_host_revoke){ .id = 1, .length = MIB };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_REVOKE, &rv));
	check(!err && !rv.seq, m, "REVOKE where nothing is granted revokes nothing", err);

	err = err_of(ioctl(host, XENLEND_HOST_IOC_GRANT, &g));
	check(!err, m, "two pages granted", err);
	err = err_of(mprotect(map, MIB, PROT_READ) || mprotect(map, MIB, PROT_READ | PROT_WRITE));
	cd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	err = err ? err : err_of(cd < 0 || write(cd, "4", 1) != 1);
	if (cd >= 0)
		close(cd);
	check(!err && one_event(host, &ev) && errno == EAGAIN, m,
	      "mprotect() and clearing soft-dirty bits revoke nothing", err);

	rv = (struct xenlend_host_revoke){ .id = 1, .length = MIB };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_REVOKE, &rv));
	check(!err && rv.seq, m, "REVOKE takes back what is granted", err);
	err = err_of(one_event(host, &ev));
	check(!err && ev.type == XENLEND_HOST_EV_REVOKE && ev.id == 1 && ev.offset == 4096 &&
	      ev.length == 8192 && ev.seq == rv.seq, m,
	      "with one event naming the granted pages and its seq", err);

	rel = (struct xenlend_host_release){ .seq = rv.seq, .offset = 4096 };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_RELEASE, &rel));
	check(err == EINVAL, m, "RELEASE of a range of no region is refused", err);
	rel = (struct xenlend_host_release){ .seq = rv.seq, .id = 1, .offset = MIB, .length = 4096 };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_RELEASE, &rel));
	check(err == EINVAL, m, "RELEASE past the region's end is refused", err);
	rel = (struct xenlend_host_release){ .seq = rv.seq, .id = 1, .length = 8192 };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_RELEASE, &rel));
	check(!err && rel.released == 1, m, "RELEASE ends only the grants of its range (1)", err);
	rel = (struct xenlend_host_release){ .seq = rv.seq, .id = 1 };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_RELEASE, &rel));
	check(!err && rel.released == 1 && !rel.quarantined, m,
	      "RELEASE of the whole region ends the other one", err);

	err = err_of(ioctl(host, XENLEND_HOST_IOC_GRANT, &g));
	err = err ? err : err_of(madvise(map, MIB, MADV_DONTNEED));
	err = err ? err : err_of(one_event(host, &ev));
	check(!err && ev.type == XENLEND_HOST_EV_REVOKE && ev.offset == 4096 && ev.length == 8192,
	      m, "MADV_DONTNEED revokes the granted pages", err);
	rel = (struct xenlend_host_release){ .seq = ev.seq, .id = 1 };
	err = err_of(ioctl(host, XENLEND_HOST_IOC_RELEASE, &rel) ||
		     ioctl(host, XENLEND_HOST_IOC_STATS, &st));
	check(!err && rel.released == 2 && !st.granted && !st.revoked, m,
	      "and they are released, nothing left lent", err);

	err = open_without_admin();
	check(err == EPERM, m, "the engine cannot be opened without CAP_SYS_ADMIN", err);
out:
	if (host >= 0)
		close(host);
	if (map != MAP_FAILED)
		munmap(map, MIB);
	if (memfd >= 0)
		close(memfd);
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
	memfd_checks((uint32_t)strtoul(argv[1], NULL, 0));
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * ttm-pressure: dom0 tool for the test-only DRM driver xenlend-ttm-test.ko.
 * Raw DRM ioctls on the driver's primary node, no libdrm; builds static.
 *
 *   ttm-pressure node
 *	print the driver's /dev/dri/cardN.
 *   ttm-pressure swapout
 *	DRM_IOCTL_XENLEND_TTM_TEST_SWAPOUT (root): swap out every unpinned,
 *	populated buffer of the device, so that its pages go back to the
 *	device's TTM page pool.
 *   ttm-pressure fill MIB [--hold SECONDS] [--chunk KIB] [--card PATH]
 *	create dumb buffers of KIB KiB each (default 1024) until MIB MiB are
 *	covered, map each through the DRM file and write the canary into
 *	every 8-byte word; print a line, keep the buffers for SECONDS
 *	(default 0), then exit, which frees them (back to the pool).
 *
 * The canary: every 8-byte word of every buffer holds the 8 ASCII bytes
 * "CANARY!!" (43 41 4e 41 52 59 21 21), i.e. the little-endian 64-bit value
 * 0x21215952414e4143; a guest that sees them in memory lent to it reads
 * another buffer's pages.
 *
 * New buffers take pool pages of the same allocation order as they would
 * allocate (TTM tries the largest order that fits the buffer first, up to
 * 4 MiB), so to reuse a freed buffer's pages use a --chunk no larger than
 * that buffer.
 *
 * Exit status: 0 done, 1 error (one line on stderr).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>

#include "xenlend_test.h"
#include "xenlend_ttm_test.h"

#define PROG		"ttm-pressure"
#define MIB		(1024ULL * 1024)
#define CHUNK_MAX_KIB	(1024ULL * 1024)

static const char usage[] =
	"usage: " PROG " node | swapout | fill MIB [--hold SECONDS] [--chunk KIB] [--card PATH]\n"
	"  node     print the /dev/dri/cardN of the xenlend_ttm_test driver\n"
	"  swapout  swap out every unpinned buffer of the device (root); prints\n"
	"           \"swapped out N pages\" and \"P of B buffers pinned\"\n"
	"  fill     create dumb buffers of KIB KiB each (default 1024) covering\n"
	"           MIB MiB, map them and write the canary into every 8-byte\n"
	"           word: the ASCII bytes \"CANARY!!\" (43 41 4e 41 52 59 21 21,\n"
	"           little-endian u64 0x21215952414e4143); prints \"filled N MiB\n"
	"           with the canary\", holds the buffers SECONDS (default 0),\n"
	"           then exits, freeing them; on the test driver's node, or on\n"
	"           the card at PATH (any driver with dumb buffers)\n"
	"exit status: 0 done, 1 error\n";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A decimal number in [min, max], or die naming @what. */
static unsigned long long parse_num(const char *s, const char *what,
				    unsigned long long min,
				    unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		die("%s: not a number: %s", what, s ? s : "(missing)");
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		die("%s: %s is not in %llu..%llu", what, s, min, max);
	return v;
}

/* Is @fd the test driver's node? */
static int is_test_driver(int fd)
{
	char name[64];
	struct drm_version v;

	memset(&v, 0, sizeof(v));
	memset(name, 0, sizeof(name));
	v.name = name;
	v.name_len = sizeof(name) - 1;
	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return 0;
	return v.name_len == strlen(XENLEND_TTM_TEST_DRIVER_NAME) &&
	       !strcmp(name, XENLEND_TTM_TEST_DRIVER_NAME);
}

/*
 * Open the lowest-numbered /dev/dri/cardN whose driver is the test driver;
 * its path goes to @path.
 */
static int open_node(char *path, size_t len)
{
	long best = -1;
	struct dirent *e;
	DIR *d;
	int fd;

	d = opendir("/dev/dri");
	if (!d)
		die("/dev/dri: %s", strerror(errno));
	while ((e = readdir(d))) {
		char p[300];
		char *end;
		long n;

		if (strncmp(e->d_name, "card", 4) || !e->d_name[4])
			continue;
		n = strtol(e->d_name + 4, &end, 10);
		if (*end || n < 0 || (best >= 0 && n >= best))
			continue;
		snprintf(p, sizeof(p), "/dev/dri/%s", e->d_name);
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_test_driver(fd))
			best = n;
		close(fd);
	}
	closedir(d);
	if (best < 0)
		die("no %s device in /dev/dri (is xenlend-ttm-test.ko loaded?)",
		    XENLEND_TTM_TEST_DRIVER_NAME);

	snprintf(path, len, "/dev/dri/card%ld", best);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static int cmd_node(void)
{
	char path[64];

	close(open_node(path, sizeof(path)));
	printf("%s\n", path);
	return 0;
}

static int cmd_swapout(void)
{
	struct drm_xenlend_ttm_test_swapout s;
	char path[64];
	int fd;

	fd = open_node(path, sizeof(path));
	memset(&s, 0, sizeof(s));
	if (ioctl(fd, DRM_IOCTL_XENLEND_TTM_TEST_SWAPOUT, &s))
		die("%s: swapout: %s", path, strerror(errno));
	close(fd);
	printf("swapped out %llu pages\n", (unsigned long long)s.pages);
	printf("%u of %u buffers pinned\n", s.pinned_bos, s.bos);
	return 0;
}

/* Create one dumb buffer of @size bytes, map it and write the canary. */
static void fill_one(int fd, const char *path, unsigned long long size,
		     uint64_t canary)
{
	struct drm_mode_create_dumb c;
	struct drm_mode_map_dumb m;
	uint64_t *w;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.width = 1024;
	c.bpp = 32;
	c.height = size / 4096;
	if (ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
		die("%s: create dumb buffer: %s", path, strerror(errno));
	if (c.size < size)
		die("%s: dumb buffer of %llu bytes, asked for %llu", path,
		    (unsigned long long)c.size, size);

	memset(&m, 0, sizeof(m));
	m.handle = c.handle;
	if (ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		die("%s: map dumb buffer: %s", path, strerror(errno));
	/* Stays mapped (and the handle open) until the process exits. */
	w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (w == MAP_FAILED)
		die("%s: mmap: %s", path, strerror(errno));

	/* The first store faults the whole buffer's pages in from the pool. */
	for (i = 0; i < size / sizeof(*w); i++)
		w[i] = canary;
}

static int cmd_fill(int argc, char **argv)
{
	unsigned long long mib = 0, hold = 0, chunk_kib = 1024;
	unsigned long long chunk, total, done;
	uint64_t canary;
	char path[64];
	const char *card = NULL;
	int have_mib = 0;
	unsigned int left;
	int fd, i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--hold")) {
			hold = parse_num(argv[++i], "--hold", 0, 86400);
		} else if (!strcmp(argv[i], "--chunk")) {
			chunk_kib = parse_num(argv[++i], "--chunk", 4,
					      CHUNK_MAX_KIB);
			if (chunk_kib % 4)
				die("--chunk: %llu KiB is not a multiple of 4",
				    chunk_kib);
		} else if (!strcmp(argv[i], "--card")) {
			card = argv[++i];
			if (!card)
				die("--card: a path is needed");
		} else if (!have_mib) {
			mib = parse_num(argv[i], "MIB", 1, 1ULL << 20);
			have_mib = 1;
		} else {
			die("fill: unexpected argument %s (see --help)",
			    argv[i]);
		}
	}
	if (!have_mib)
		die("fill: MIB missing (see --help)");

	canary = XENLEND_TEST_CANARY;
	chunk = chunk_kib * 1024;
	total = mib * MIB;
	if (card) {
		snprintf(path, sizeof(path), "%s", card);
		fd = open(card, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			die("%s: %s", card, strerror(errno));
	} else {
		fd = open_node(path, sizeof(path));
	}
	for (done = 0; done < total; done += chunk)
		fill_one(fd, path, chunk, canary);
	/* Drain the write-combining buffers before anyone is told. */
	atomic_thread_fence(memory_order_seq_cst);

	printf("filled %llu MiB with the canary\n", done / MIB);
	fflush(stdout);
	for (left = hold; left; )
		left = sleep(left);
	/* Exiting closes the file: the buffers and their mappings go. */
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("a command is needed (see --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "node") && argc == 2)
		return cmd_node();
	if (!strcmp(argv[1], "swapout") && argc == 2)
		return cmd_swapout();
	if (!strcmp(argv[1], "fill"))
		return cmd_fill(argc - 2, argv + 2);
	die("unknown command or arguments: %s (see --help)", argv[1]);
}

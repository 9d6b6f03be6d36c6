// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the guest-side test programs (see guest-util.h).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/virtgpu_drm.h>

#include "guest-util.h"
#include "xenlend_test.h"

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The first render node whose driver is "xenlend", or -1; says which if @tag. */
int open_xenlend(const char *tag)
{
	glob_t g;
	int fd = -1;

	if (glob("/dev/dri/renderD*", 0, NULL, &g))
		return -1;
	for (size_t i = 0; i < g.gl_pathc && fd < 0; i++) {
		char name[32] = "";
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int f = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);

		if (f >= 0 && !ioctl(f, DRM_IOCTL_VERSION, &v) && !strcmp(name, "xenlend")) {
			if (tag)
				printf("%s: %s is xenlend %d.%d\n", tag, g.gl_pathv[i],
				       v.version_major, v.version_minor);
			fd = f;
		} else if (f >= 0) {
			close(f);
		}
	}
	globfree(&g);
	return fd;
}

/*
 * Create a host blob of @size bytes and map it. Returns 0, or 1 after
 * printing why not; 2 if only the mmap was refused (PV guests).
 */
int blob_create_map(int fd, uint64_t size, struct lent_blob *b, const char *tag)
{
	struct drm_virtgpu_resource_create_blob rc = {
		.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
		.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
		.size = size,
	};
	struct drm_virtgpu_map map = { 0 };
	void *p;

	if (ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc)) {
		printf("%s: FAIL create %llu MiB blob: %s\n", tag,
		       (unsigned long long)(size >> 20), strerror(errno));
		return 1;
	}
	b->handle = rc.bo_handle;
	b->res = rc.res_handle;
	b->size = size;
	map.handle = rc.bo_handle;
	if (ioctl(fd, DRM_IOCTL_VIRTGPU_MAP, &map)) {
		printf("%s: FAIL VIRTGPU_MAP: %s\n", tag, strerror(errno));
		return 1;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)map.offset);
	if (p == MAP_FAILED) {
		printf("%s: mmap refused: %s\n", tag, strerror(errno));
		return 2;
	}
	b->w = p;
	return 0;
}

/* Unmap @b and close its GEM handle. */
void blob_unmap_close(int fd, struct lent_blob *b)
{
	struct drm_gem_close gc = { .handle = b->handle };

	munmap(b->w, b->size);
	ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
	b->w = NULL;
}

/* Count words of [from, to) that differ from generation @gen (or zero, if gen < 0). */
uint64_t check_pattern(const uint64_t *w, uint32_t res, int gen, uint64_t from, uint64_t to,
		       const char *tag)
{
	uint64_t bad = 0;

	for (uint64_t off = from; off < to; off += 8) {
		uint64_t want = gen < 0 ? 0 : xenlend_test_pattern(res, (uint32_t)gen, off);

		if (w[off / 8] != want && bad++ < 3)
			printf("%s: word at %#llx is %#llx, want %#llx\n", tag,
			       (unsigned long long)off, (unsigned long long)w[off / 8],
			       (unsigned long long)want);
	}
	return bad;
}

/* Wait for a line "go" on standard input (the console), @seconds at most. */
int wait_go(int seconds)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char line[64];

	while (poll(&p, 1, seconds * 1000) == 1) {
		if (!fgets(line, sizeof(line), stdin))
			return -1;
		if (!strncmp(line, "go", 2))
			return 0;
	}
	return -1;
}

/* Poll one word until it holds @want, for @seconds at most. */
int wait_word(const volatile uint64_t *w, uint64_t want, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		if (*w == want)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* Path of a file in the first xenlend device's debugfs directory (malloc'd). */
char *xenlend_debugfs_file(const char *name)
{
	char pattern[128], *path = NULL;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "/sys/kernel/debug/xenlend/*/%s", name);
	if (!glob(pattern, 0, NULL, &g) && g.gl_pathc)
		path = strdup(g.gl_pathv[0]);
	globfree(&g);
	return path;
}

/**
 * xenlend_connected() - whether the driver says it is connected to the broker
 *
 * Return: 1 or 0 as its debugfs status says, -1 without one.
 */
int xenlend_connected(void)
{
	char *status = xenlend_debugfs_file("status");
	FILE *f = status ? fopen(status, "r") : NULL;
	char line[128];
	int up = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "connected: 1\n"))
			up = 1;
		else if (!strcmp(line, "connected: 0\n"))
			up = 0;
	}
	if (f)
		fclose(f);
	free(status);
	return up;
}

/**
 * fd_send() - send a file and a message over a Unix socket
 * @sock: a connected Unix socket.
 * @fd: the file to send (SCM_RIGHTS).
 * @msg: the message that goes with it.
 * @len: its length in bytes, at least 1.
 *
 * Return: 0, or -1 when the whole message did not go.
 */
int fd_send(int sock, int fd, const void *msg, size_t len)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/**
 * fd_recv() - receive what fd_send() sent
 * @sock: a connected Unix socket.
 * @msg: where the message goes.
 * @len: its length in bytes: a shorter message is an error.
 *
 * Return: the file received (close-on-exec), or -1 when no file came with
 * a whole message; a file that came with a short one is closed.
 */
int fd_recv(int sock, void *msg, size_t len)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	n = recvmsg(sock, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC);
	c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (fd >= 0 && n != (ssize_t)len) {
		close(fd);
		fd = -1;
	}
	return fd;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-render: the per-guest render worker of xenlend-broker.
 *
 * This file: start-up, logging, the socket to the broker (render_ipc.h) and
 * the epoll loop. Every packet of the broker is checked here with the wire
 * codec before requests.c sees it; a malformed one is answered with an error
 * and the worker keeps running. The worker exits with status 0 when the
 * broker closes the socket.
 *
 * Usage: xenlend-render [--domid N] [--fence-timeout SECONDS] [--ctx0-fences]
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "worker.h"

/* Default seconds a venus timeline may stand still (research §6 item 4). */
#define DEFAULT_FENCE_TIMEOUT_S	30
/* Log lines per second before the rest of the second is only counted. */
#define LOG_BURST		50

/* epoll tags: the kind in the upper half, a context id in the lower. */
#define TAG_SOCKET		(0ull << 32)
#define TAG_RENDERER		(1ull << 32)
#define TAG_CTX			(2ull << 32)

int rw_domid = -1;
static int epfd = -1;
static bool peer_gone;

/**
 * rw_log() - log a line to stderr, prefixed with the guest's domain id
 * @fmt: printf format.
 *
 * Guests can make the worker log at will, so past LOG_BURST lines in a
 * second the rest of that second is only counted.
 */
void rw_log(const char *fmt, ...)
{
	static time_t window;
	static unsigned int burst, dropped;
	struct timespec now;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != window) {
		if (dropped)
			fprintf(stderr, "xenlend-render[d%d]: %u messages suppressed\n",
				rw_domid, dropped);
		window = now.tv_sec;
		burst = dropped = 0;
	}
	if (++burst > LOG_BURST) {
		dropped++;
		return;
	}
	fprintf(stderr, "xenlend-render[d%d]: ", rw_domid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * rw_now_ms() - monotonic time in milliseconds
 */
uint64_t rw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * rw_send() - send one packet to the broker
 * @m: the message.
 * @payload: bytes to append, or NULL.
 * @len: their number, at most RENDER_IPC_MAX_PAYLOAD.
 *
 * The socket is blocking: a broker that stops reading stalls the worker,
 * not the other way round. A broker that went away ends the main loop.
 */
void rw_send(const struct xenlend_msg *m, const void *payload, size_t len)
{
	static uint8_t pkt[RENDER_IPC_MAX_PACKET];
	ssize_t n;

	if (peer_gone)
		return;
	memcpy(pkt, m, sizeof(*m));
	if (len)
		memcpy(pkt + sizeof(*m), payload, len);
	do
		n = send(RENDER_WORKER_FD, pkt, sizeof(*m) + len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != EPIPE && errno != ECONNRESET)
			rw_log("send to the broker: %s", strerror(errno));
		peer_gone = true;
	}
}

/**
 * rw_send_fd() - send a response with a payload and a file to the broker
 * @m: the response.
 * @payload: bytes to append.
 * @len: their number, at most RENDER_IPC_MAX_PAYLOAD.
 * @fd: the file; the caller keeps its own descriptor.
 */
void rw_send_fd(const struct xenlend_msg *m, const void *payload, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov[2] = {
		{ .iov_base = (void *)m, .iov_len = sizeof(*m) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr mh = {
		.msg_iov = iov, .msg_iovlen = 2,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	if (peer_gone)
		return;
	memset(&ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(RENDER_WORKER_FD, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != EPIPE && errno != ECONNRESET)
			rw_log("send to the broker: %s", strerror(errno));
		peer_gone = true;
	}
}

/**
 * rw_send_fence() - tell the broker that fences completed
 * @ctx_id: the context.
 * @ring_idx: the timeline.
 * @fence_id: every fence of the timeline up to this one completed.
 * @error: XENLEND_S_OK, XENLEND_S_INVAL or XENLEND_S_IO.
 */
void rw_send_fence(uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id, uint32_t error)
{
	struct xenlend_msg m;

	xenlend_msg_init(&m, XENLEND_T_FENCE, 0);
	m.u.fence.ctx_id = ctx_id;
	m.u.fence.ring_idx = ring_idx;
	m.u.fence.fence_id = fence_id;
	m.u.fence.error = error;
	rw_send(&m, NULL, 0);
}

static void watch(int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
		rw_log("epoll add fd %d: %s", fd, strerror(errno));
}

/**
 * rw_watch_fd() - poll a context's fence fd
 * @fd: the fd, owned by virglrenderer.
 * @ctx_id: the context, handed to req_poll_ctx().
 */
void rw_watch_fd(int fd, uint32_t ctx_id)
{
	watch(fd, TAG_CTX | ctx_id);
}

/**
 * rw_unwatch_fd() - stop polling a context's fence fd
 * @fd: an fd given to rw_watch_fd().
 */
void rw_unwatch_fd(int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* Check a packet of the broker; answer it if it is malformed. */
static bool packet_ok(const struct xenlend_msg *m, size_t size, bool truncated)
{
	struct xenlend_verdict v = xenlend_msg_check(m, XENLEND_Q_CTRL_REQ);
	size_t payload = size > sizeof(*m) ? size - sizeof(*m) : 0;
	const char *why = v.why;
	uint32_t status = v.status;
	struct xenlend_msg rsp;

	if (truncated || size < sizeof(*m)) {
		why = truncated ? "packet too large" : "packet shorter than a message";
		status = XENLEND_S_INVAL;
	} else if (!why && xenlend_msg_type(m) == XENLEND_T_RESOURCE_DESTROY) {
		/* A notice: never answered, so a bad one is only logged. */
		if (xenlend_msg_id(m) || payload) {
			rw_log("bad RESOURCE_DESTROY notice: id or payload");
			return false;
		}
		return true;
	} else if (!why && !xenlend_msg_id(m)) {
		why = "request id 0";
		status = XENLEND_S_INVAL;
	} else if (!why && xenlend_msg_type(m) == XENLEND_T_RES3D_CREATE) {
		if (payload != sizeof(struct render_ipc_backing))
			why = "payload is not the backing store";
	} else if (!why && xenlend_msg_type(m) == XENLEND_T_SUBMIT) {
		if (m->u.submit.bulk_idx || payload != m->u.submit.length)
			why = "payload does not match the chunk";
	} else if (!why) {
		if (payload)
			why = "unexpected payload";
		else if (xenlend_msg_type(m) == XENLEND_T_CAPSET && m->u.capset.bulk_idx)
			why = "bulk page index not 0";
	}
	if (!why)
		return true;
	if (status == XENLEND_S_OK)
		status = XENLEND_S_INVAL;
	rw_log("bad %s request: %s", xenlend_type_name(xenlend_msg_type(m)), why);
	xenlend_msg_init_rsp(&rsp, m, status);
	rw_send(&rsp, NULL, 0);
	return false;
}

/* Read and handle one packet. Return: false at end of file. */
static bool read_packet(uint32_t events)
{
	static union {
		struct xenlend_msg m;
		uint8_t b[RENDER_IPC_MAX_PACKET];
	} pkt __attribute__((aligned(16)));
	ssize_t n;

	memset(&pkt.m, 0, sizeof(pkt.m));
	n = recv(RENDER_WORKER_FD, pkt.b, sizeof(pkt.b), MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	/* A zero-length packet and end of file read alike; HUP tells them apart. */
	if (n == 0 && (events & (EPOLLHUP | EPOLLRDHUP)))
		return false;
	if (!packet_ok(&pkt.m, n > (ssize_t)sizeof(pkt.b) ? sizeof(pkt.b) : (size_t)n,
		       n > (ssize_t)sizeof(pkt.b)))
		return true;
	req_handle(&pkt.m, pkt.b + sizeof(pkt.m), (size_t)n - sizeof(pkt.m));
	return true;
}

/* The kernel's word on this process's seccomp mode (2: a filter). */
static void log_seccomp(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp:", 8))
			rw_log("seccomp mode %d", atoi(line + 8));
	if (f)
		fclose(f);
}

static void usage(void)
{
	fprintf(stderr, "usage: xenlend-render [--domid N] [--fence-timeout SECONDS] [--ctx0-fences]\n"
			"The socket to the broker must be file descriptor %d.\n",
		RENDER_WORKER_FD);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int fence_timeout = DEFAULT_FENCE_TIMEOUT_S;
	bool ctx0_fences = false;
	struct epoll_event evs[16];
	int i, n, err, type, pfd;
	socklen_t tlen = sizeof(type);
	uint64_t t0;
	char *end = "";

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ctx0-fences")) {
			ctx0_fences = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--domid"))
			rw_domid = (int)strtol(argv[++i], &end, 10);
		else if (!strcmp(argv[i], "--fence-timeout"))
			fence_timeout = (unsigned int)strtoul(argv[++i], &end, 10);
		else
			usage();
		if (*end)
			usage();
	}
	/* The broker may be killed without closing anything. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getsockopt(RENDER_WORKER_FD, SOL_SOCKET, SO_TYPE, &type, &tlen) ||
	    type != SOCK_SEQPACKET) {
		rw_log("file descriptor %d is not a SOCK_SEQPACKET socket", RENDER_WORKER_FD);
		return 2;
	}

	log_seccomp();
	/* Requests wait in the socket meanwhile. */
	t0 = rw_now_ms();
	err = vr_init();
	if (err)
		rw_log("virglrenderer failed to start (%d): every request fails with I/O error",
		       err);
	else
		rw_log("virglrenderer started in %llu ms",
		       (unsigned long long)(rw_now_ms() - t0));
	req_init(!err, fence_timeout, ctx0_fences);

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		rw_log("epoll: %s", strerror(errno));
		return 1;
	}
	watch(RENDER_WORKER_FD, TAG_SOCKET);
	pfd = err ? -1 : vr_poll_fd();
	if (pfd >= 0)
		watch(pfd, TAG_RENDERER);

	while (!peer_gone) {
		int timeout = req_next_deadline_ms();

		/* Without a poll fd, fences are only found by polling. */
		if (!err && pfd < 0 && (timeout < 0 || timeout > 10))
			timeout = 10;
		n = epoll_wait(epfd, evs, sizeof(evs) / sizeof(evs[0]), timeout);
		if (n < 0 && errno != EINTR) {
			rw_log("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n && !peer_gone; i++) {
			uint64_t tag = evs[i].data.u64 & ~0xffffffffull;

			if (tag == TAG_SOCKET) {
				if (!read_packet(evs[i].events))
					peer_gone = true;
			} else if (tag == TAG_RENDERER) {
				vr_poll();
			} else {
				req_poll_ctx((uint32_t)evs[i].data.u64);
			}
		}
		if (!err && pfd < 0)
			vr_poll();
		req_expire();
	}
	if (!err) {
		res_destroy_all();
		vr_cleanup();
	}
	rw_log("broker gone, exiting");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-render: the socket to the broker (render_ipc.h) and the epoll set
 * the worker waits on.
 *
 * Every packet of the broker is checked here with the wire codec before
 * requests.c sees it; a malformed one is answered with an error and the
 * worker keeps running. Once the broker closed the socket, or a send to it
 * failed, rw_peer_gone() is true and nothing more is sent.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include "ipc.h"
#include "log.h"

/* epoll tags: the kind in the upper half, a context id in the lower. */
#define TAG_SOCKET		(0ull << 32)
#define TAG_RENDERER		(1ull << 32)
#define TAG_CTX			(2ull << 32)

/* Ready fds one rw_wait() reports at most. */
#define MAX_EVENTS		16

static int epfd = -1;
static bool peer_gone;

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
 * rw_peer_gone() - whether the broker went away
 *
 * Return: true once the broker closed the socket or a send to it failed.
 */
bool rw_peer_gone(void)
{
	return peer_gone;
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
 * rw_respond() - answer a request with a status and no body
 * @req: the request.
 * @status: XENLEND_S_*.
 */
void rw_respond(const struct xenlend_msg *req, uint32_t status)
{
	struct xenlend_msg rsp;

	xenlend_msg_init_rsp(&rsp, req, status);
	rw_send(&rsp, NULL, 0);
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

/**
 * rw_recv() - read one packet of the broker and check it
 * @events: the epoll events of the socket.
 * @pkt: receives the packet; valid until the next call.
 *
 * A malformed packet is answered (or, a notice, logged) here. End of file
 * or a failing socket makes rw_peer_gone() true.
 *
 * Return: true when @pkt holds a packet to carry out.
 */
bool rw_recv(uint32_t events, struct rw_packet *pkt)
{
	static union {
		struct xenlend_msg m;
		uint8_t b[RENDER_IPC_MAX_PACKET];
	} buf __attribute__((aligned(16)));
	ssize_t n;

	memset(&buf.m, 0, sizeof(buf.m));
	n = recv(RENDER_WORKER_FD, buf.b, sizeof(buf.b), MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			peer_gone = true;
		return false;
	}
	/* A zero-length packet and end of file read alike; HUP tells them apart. */
	if (n == 0 && (events & (EPOLLHUP | EPOLLRDHUP))) {
		peer_gone = true;
		return false;
	}
	if (!packet_ok(&buf.m, n > (ssize_t)sizeof(buf.b) ? sizeof(buf.b) : (size_t)n,
		       n > (ssize_t)sizeof(buf.b)))
		return false;
	pkt->m = &buf.m;
	pkt->payload = buf.b + sizeof(buf.m);
	pkt->len = (size_t)n - sizeof(buf.m);
	return true;
}

static void watch(int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
		rw_log("epoll add fd %d: %s", fd, strerror(errno));
}

/**
 * rw_ipc_init() - make the poll set, with the socket to the broker in it
 *
 * Return: 0, or -1 (logged) when there is no poll set.
 */
int rw_ipc_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		rw_log("epoll: %s", strerror(errno));
		return -1;
	}
	watch(RENDER_WORKER_FD, TAG_SOCKET);
	return 0;
}

/**
 * rw_watch_renderer() - poll virglrenderer's fd
 * @fd: the fd, owned by virglrenderer.
 */
void rw_watch_renderer(int fd)
{
	watch(fd, TAG_RENDERER);
}

/**
 * rw_watch_fd() - poll a context's fence fd
 * @fd: the fd, owned by virglrenderer.
 * @ctx_id: the context, reported as the event's ctx_id.
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

/**
 * rw_wait() - wait until fds of the poll set are ready
 * @evs: receives up to @max of them.
 * @max: room in @evs.
 * @timeout_ms: as epoll_wait()'s (-1: no limit).
 *
 * Return: the number of ready fds (0 as well when a signal interrupted the
 * wait), or -1 (logged) when the poll set failed.
 */
int rw_wait(struct rw_event *evs, int max, int timeout_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	int i, n;

	n = epoll_wait(epfd, ev, max < MAX_EVENTS ? max : MAX_EVENTS, timeout_ms);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		rw_log("epoll_wait: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint64_t tag = ev[i].data.u64 & ~0xffffffffull;

		if (tag == TAG_SOCKET)
			evs[i].source = RW_SOURCE_SOCKET;
		else if (tag == TAG_RENDERER)
			evs[i].source = RW_SOURCE_RENDERER;
		else
			evs[i].source = RW_SOURCE_CTX;
		evs[i].ctx_id = (uint32_t)ev[i].data.u64;
		evs[i].events = ev[i].events;
	}
	return n;
}

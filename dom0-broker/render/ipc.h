/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-render: the socket to the broker and the worker's poll set
 * (ipc.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_RENDER_WORKER_IPC_H
#define XENLEND_RENDER_WORKER_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render_ipc.h"

/* What became ready in the poll set. */
enum rw_source {
	RW_SOURCE_SOCKET,	/* the socket to the broker */
	RW_SOURCE_RENDERER,	/* virglrenderer's poll fd */
	RW_SOURCE_CTX,		/* a context's fence fd */
};

/**
 * struct rw_event - one ready fd of the poll set
 * @source: which kind of fd.
 * @ctx_id: the context, for RW_SOURCE_CTX.
 * @events: the epoll events.
 */
struct rw_event {
	enum rw_source source;
	uint32_t ctx_id;
	uint32_t events;
};

/**
 * struct rw_packet - a packet of the broker that passed the wire checks
 * @m: the message.
 * @payload: the bytes after it.
 * @len: their number.
 */
struct rw_packet {
	const struct xenlend_msg *m;
	const void *payload;
	size_t len;
};

int rw_ipc_init(void);
bool rw_peer_gone(void);
bool rw_recv(uint32_t events, struct rw_packet *pkt);
void rw_send(const struct xenlend_msg *m, const void *payload, size_t len);
void rw_respond(const struct xenlend_msg *req, uint32_t status);
void rw_send_fd(const struct xenlend_msg *m, const void *payload, size_t len, int fd);
void rw_send_fence(uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id, uint32_t error);
void rw_watch_renderer(int fd);
void rw_watch_fd(int fd, uint32_t ctx_id);
void rw_unwatch_fd(int fd);
int rw_wait(struct rw_event *evs, int max, int timeout_ms);
uint64_t rw_now_ms(void);

#endif /* XENLEND_RENDER_WORKER_IPC_H */

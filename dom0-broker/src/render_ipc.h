/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * render_ipc.h - the broker and its per-guest render worker (xenlend-render).
 *
 * The broker validates a guest's renderer request (CAPSET_INFO, CAPSET,
 * CTX_CREATE, CTX_DESTROY, SUBMIT) with the wire codec, checks it against
 * what it knows of the guest, and forwards it to the guest's worker over a
 * SOCK_SEQPACKET socket pair. One packet is one struct xenlend_msg, in the
 * wire layout, followed by an optional payload:
 *
 * Broker -> worker, requests (hdr.id is the broker's own id, never 0):
 *   CAPSET_INFO, CAPSET, CTX_CREATE, CTX_DESTROY, TRANSFER_TO_HOST,
 *   TRANSFER_FROM_HOST: no payload.
 *     CAPSET: u.capset.bulk_idx is 0.
 *   SUBMIT: the chunk's bytes as payload; u.submit.length is their number
 *     and u.submit.bulk_idx is 0.
 *   RES3D_CREATE: a struct render_ipc_backing as payload: where in
 *     RENDER_GNTDEV_FD the guest's pages behind the resource can be mapped.
 *   RESOURCE_CREATE with XENLEND_CREATE_BLOB: the renderer allocates the
 *     blob; no payload.
 *
 * Broker -> worker, notices (hdr.id 0, never answered):
 *   RESOURCE_DESTROY: the guest resource is gone; drop the renderer's
 *     resource and unmap the guest's pages (the guest can reuse them only
 *     once nobody maps them).
 *
 * Worker -> broker:
 *   Exactly one response per request, with the request's id, type with
 *   XENLEND_T_RESPONSE, a status and the wire body, in any order.
 *     CAPSET: the set's bytes as payload, u.capset_rsp.size is their number,
 *     u.capset_rsp.bulk_idx is 0.
 *     SUBMIT: answered as soon as the chunk is staged (the last chunk: as
 *     soon as the stream is queued for execution); an error while executing
 *     is reported by the stream's FENCE.
 *     RESOURCE_CREATE (a blob): answered OK with exactly one file descriptor
 *     (SCM_RIGHTS) that maps the blob's memory read-write, shared memory or
 *     a dma-buf, and a struct render_ipc_backing as payload: where in that
 *     file the blob's memory starts (0, or past a driver's header in its
 *     memory file) and its size, exactly the request's. No other packet
 *     carries a file.
 *   FENCE requests (hdr.id 0, no response): u.fence says that every fence up
 *     to fence_id of (ctx_id, ring_idx) has completed, with error
 *     XENLEND_S_OK, or XENLEND_S_INVAL when the stream was rejected, or
 *     XENLEND_S_IO when the context was lost.
 *
 * The broker checks every packet of the worker as it checks a guest's (the
 * worker runs guest-controlled GPU code and is no more trusted than that).
 *
 * The worker is started with the socket as file descriptor
 * RENDER_WORKER_FD, the guest's grant device file (/dev/xen/gntdev, opened
 * by the broker, or /dev/null when there is none) as RENDER_GNTDEV_FD, and
 * exits when the socket reaches end of file.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_RENDER_IPC_H
#define XENLEND_RENDER_IPC_H

#include "xenlend_wire.h"

/* Largest payload of one packet: one bulk page. */
#define RENDER_IPC_MAX_PAYLOAD		XENLEND_PAGE_SIZE
/* Largest packet. */
#define RENDER_IPC_MAX_PACKET		(sizeof(struct xenlend_msg) + RENDER_IPC_MAX_PAYLOAD)
/* File descriptor of the socket in the worker. */
#define RENDER_WORKER_FD		3
/* File descriptor guest resources are mapped from in the worker. */
#define RENDER_GNTDEV_FD		4

/**
 * struct render_ipc_backing - where a resource's memory is in a file
 * @offset: mmap offset, page aligned: in RENDER_GNTDEV_FD for RES3D_CREATE,
 *	in the file that comes with the answer for a blob's RESOURCE_CREATE.
 * @size: bytes to map there: exactly the resource's size.
 */
struct render_ipc_backing {
	uint64_t offset;
	uint64_t size;
};

#endif /* XENLEND_RENDER_IPC_H */

/* SPDX-License-Identifier: MIT */
/*
 * xenlend_wire.h - the one codec of the xenlend wire protocol, shared by the
 * guest kernel module and the dom0 broker.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_WIRE_H
#define XENLEND_WIRE_H

#ifdef __KERNEL__
#include <linux/array_size.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>
#ifndef static_assert
#define static_assert(e, msg)	_Static_assert(e, msg)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#endif

#include "xenlend_if.h"

/**
 * enum xenlend_queue - where a message was read from
 * @XENLEND_Q_CTRL_REQ: a request on the control ring (read by the broker).
 * @XENLEND_Q_CTRL_RSP: a response on the control ring (read by the guest).
 * @XENLEND_Q_EVT_REQ: a request on the event ring (read by the guest).
 * @XENLEND_Q_EVT_RSP: a response on the event ring (read by the broker).
 */
enum xenlend_queue {
	XENLEND_Q_CTRL_REQ,
	XENLEND_Q_CTRL_RSP,
	XENLEND_Q_EVT_REQ,
	XENLEND_Q_EVT_RSP,
};

/**
 * enum xenlend_ring - the ring a message type's requests travel on
 * @XENLEND_RING_CTRL: control ring, guest to broker.
 * @XENLEND_RING_EVT: event ring, broker to guest.
 */
enum xenlend_ring {
	XENLEND_RING_CTRL,
	XENLEND_RING_EVT,
};

/**
 * enum xenlend_obj - what a request's id field names
 * @XENLEND_OBJ_NONE: nothing.
 * @XENLEND_OBJ_RESOURCE: a resource of the guest.
 * @XENLEND_OBJ_CONTEXT: a rendering context of the guest.
 */
enum xenlend_obj {
	XENLEND_OBJ_NONE,
	XENLEND_OBJ_RESOURCE,
	XENLEND_OBJ_CONTEXT,
};

/* The broker's renderer answers it, once granted XENLEND_F_RENDER. */
#define XENLEND_TF_RENDERER		0x1
/* The renderer answers it when it asks for a renderer blob. */
#define XENLEND_TF_BLOB_RENDERER	0x2

/**
 * struct xenlend_type_info - one message type, as the protocol defines it
 * @type: XENLEND_T_* of the request.
 * @name: printable name.
 * @ring: where its requests travel.
 * @flags: XENLEND_TF_*.
 * @req_len: body length of a request.
 * @rsp_len: body length of a successful response.
 * @obj: what the request is about.
 * @obj_off: offset in the body of that object's 32-bit id.
 * @check_req: checks a request's fields (NULL: no field to check).
 * @check_rsp: likewise for a successful response.
 *
 * One table of these, in xenlend_wire.c, is all the protocol's knowledge
 * of message types: the codec checks with it, the guest's transport picks
 * its timeouts by it and the broker routes requests by it.
 */
struct xenlend_type_info {
	__u16 type;
	const char *name;
	enum xenlend_ring ring;
	__u8 flags;
	__u8 req_len;
	__u8 rsp_len;
	enum xenlend_obj obj;
	__u8 obj_off;
	const char *(*check_req)(const struct xenlend_msg *m);
	const char *(*check_rsp)(const struct xenlend_msg *m);
};

/**
 * struct xenlend_verdict - outcome of xenlend_msg_check()
 * @status: XENLEND_S_OK, or the status to answer a bad request with.
 * @why: NULL when valid, else a short reason fit for a log line.
 */
struct xenlend_verdict {
	__u32 status;
	const char *why;
};

struct xenlend_verdict xenlend_msg_check(const struct xenlend_msg *m,
					 enum xenlend_queue q);
void xenlend_msg_init(struct xenlend_msg *m, __u16 type, __u64 id);
void xenlend_msg_init_rsp(struct xenlend_msg *rsp,
			  const struct xenlend_msg *req, __u32 status);
const struct xenlend_type_info *xenlend_type_info(__u16 type);
bool xenlend_msg_by_renderer(const struct xenlend_msg *m);
__u32 xenlend_msg_object(const struct xenlend_msg *m, enum xenlend_obj *kind);
__u16 xenlend_body_len(__u16 type);
const char *xenlend_type_name(__u16 type);
const char *xenlend_status_name(__u32 status);
int xenlend_status_to_errno(__u32 status);
__u32 xenlend_errno_to_status(int err);
int xenlend_hello_pick_version(const struct xenlend_hello *h, __u32 *version);
const char *xenlend_fault_rsp_mismatch(const struct xenlend_fault *req,
				       const struct xenlend_fault_rsp *rsp);

/**
 * xenlend_msg_type() - type of a message, response bit included
 * @m: message in private memory.
 */
static inline __u16 xenlend_msg_type(const struct xenlend_msg *m)
{
	return m->hdr.type;
}

/**
 * xenlend_msg_id() - id of a message
 * @m: message in private memory.
 */
static inline __u64 xenlend_msg_id(const struct xenlend_msg *m)
{
	return m->hdr.id;
}

/**
 * xenlend_msg_status() - status of a response
 * @m: response in private memory.
 */
static inline __u32 xenlend_msg_status(const struct xenlend_msg *m)
{
	return m->hdr.status;
}

#endif /* XENLEND_WIRE_H */

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
#include <linux/bug.h>
#include <linux/errno.h>
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

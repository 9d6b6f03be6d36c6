/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: a guest's queue of revocations (revoke.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_REVOKE_H
#define XENLEND_BROKER_REVOKE_H

#include <stdbool.h>
#include <stdint.h>

struct conn;

/* A revocation waiting for room on the ring waits this many deadlines at most. */
#define REVOKE_WAIT_TIMEOUTS	10

/**
 * struct pending_revoke - a revocation the guest has not acknowledged yet
 * @res_id: resource.
 * @offset: start of the range.
 * @length: length of the range.
 * @seq: the lending engine's sequence number.
 * @earlier: also release every earlier sequence number in the range (after
 *	lost events, or revocations joined before they were sent).
 * @evt_id: id of the REVOKE on the event ring; 0 while not sent yet.
 * @started: when the engine reported it (ms, monotonic).
 * @deadline: when it is released whether acknowledged or not (revoke.c).
 * @invalidated_ns: when dom0's MMU notifier revoked the range (ns,
 *	monotonic); 0 when unknown (after lost events).
 * @notifier_ns: what that notifier callback cost (ns).
 * @win_stamp: the resource's &guest_resource.win_stamp when queued (0: it
 *	had no place in the VRAM window): a resource created since under the
 *	same id is not this one.
 */
struct pending_revoke {
	uint32_t res_id;
	uint64_t offset;
	uint64_t length;
	uint64_t seq;
	bool earlier;
	uint64_t evt_id;
	uint64_t started;
	uint64_t deadline;
	uint64_t invalidated_ns;
	uint64_t notifier_ns;
	uint64_t win_stamp;
};

void revoke_read_events(struct conn *c);
void revoke_send(struct conn *c);
bool revoke_done(struct conn *c, uint64_t evt_id, uint32_t status);
uint64_t revoke_expire(struct conn *c, uint64_t now);
void revoke_clear(struct conn *c);
int revoke_init(struct conn *c);
void revoke_fini(struct conn *c);

#endif /* XENLEND_BROKER_REVOKE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the broker's client of dom0's lending engine (engine.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_ENGINE_H
#define XENLEND_BROKER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resources.h"

struct broker_config;
struct conn;
struct pending_revoke;
struct xenlend_host_event;

extern const struct engine_ops engine_ops;
int engine_check_config(const struct broker_config *cfg);
int engine_open(struct conn *c);
int engine_set_backing(struct conn *c, struct guest_resource *r, uint64_t offset,
		       uint64_t length, int dmabuf_fd);
void engine_close(struct conn *c);
void engine_check_quarantine(struct conn *c);
int engine_release(struct conn *c, const struct pending_revoke *p, uint64_t *released,
		   uint64_t *quarantined);
int engine_revoke(struct conn *c, const struct guest_resource *r, uint64_t offset,
		  uint64_t length);
size_t engine_read_events(struct conn *c, struct xenlend_host_event *ev, size_t max);

#endif /* XENLEND_BROKER_ENGINE_H */

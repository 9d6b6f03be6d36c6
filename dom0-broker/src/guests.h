/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the guests' lifecycle (guests.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_GUESTS_H
#define XENLEND_BROKER_GUESTS_H

struct broker;
struct conn;

int guests_open(struct broker *b);
void guests_close(struct broker *b);
void guests_scan(struct broker *b);
void guests_handle_watch(struct broker *b);
struct conn *guests_find(struct broker *b, int domid);
void guests_conn_failed(struct broker *b, struct conn *c, const char *why);
void guests_evict(struct broker *b, struct conn *c);
void guests_render_failed(struct broker *b, struct conn *c);

#endif /* XENLEND_BROKER_GUESTS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the local control socket (control.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_CONTROL_H
#define XENLEND_BROKER_CONTROL_H

struct broker;

int control_open(struct broker *b);
void control_handle(struct broker *b);
void control_close(struct broker *b);

#endif /* XENLEND_BROKER_CONTROL_H */

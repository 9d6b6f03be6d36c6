/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-render: the worker's log (log.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_RENDER_LOG_H
#define XENLEND_RENDER_LOG_H

/* The guest's domain id, for log lines and names (-1: not given). */
extern int rw_domid;

void rw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* XENLEND_RENDER_LOG_H */

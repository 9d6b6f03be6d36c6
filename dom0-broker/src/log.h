/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: logging (log.c) and the monotonic clock.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_LOG_H
#define XENLEND_BROKER_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

void log_init(bool verbose);
uint64_t now_ms(void);
uint64_t now_ns(void);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A message caused by a guest: prefixed with its domain, rate limited. */
void log_guest(int domid, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* XENLEND_BROKER_LOG_H */

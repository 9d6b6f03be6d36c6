// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-render: the worker's log, on stderr, which the broker passes on.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

/* Log lines per second before the rest of the second is only counted. */
#define LOG_BURST		50

int rw_domid = -1;

/**
 * rw_log() - log a line to stderr, prefixed with the guest's domain id
 * @fmt: printf format.
 *
 * Guests can make the worker log at will, so past LOG_BURST lines in a
 * second the rest of that second is only counted.
 */
void rw_log(const char *fmt, ...)
{
	static time_t window;
	static unsigned int burst, dropped;
	struct timespec now;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != window) {
		if (dropped)
			fprintf(stderr, "xenlend-render[d%d]: %u messages suppressed\n",
				rw_domid, dropped);
		window = now.tv_sec;
		burst = dropped = 0;
	}
	if (++burst > LOG_BURST) {
		dropped++;
		return;
	}
	fprintf(stderr, "xenlend-render[d%d]: ", rw_domid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

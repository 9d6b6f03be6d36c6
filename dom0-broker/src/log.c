// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: logging to stderr, with syslog priority prefixes when
 * stderr is the journal, and the monotonic clock deadlines are taken on.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

static bool log_verbose;
static bool log_journal;

/**
 * now_ms() - the monotonic clock in milliseconds
 *
 * Return: milliseconds since an arbitrary point; deadlines are taken on it.
 */
uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/**
 * now_ns() - the monotonic clock in nanoseconds
 *
 * Return: nanoseconds on the clock of now_ms() and of the kernel's
 * ktime_get_ns() (the lending engine's event times).
 */
uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/**
 * log_init() - set up logging
 * @verbose: also log LOG_DEBUG messages.
 *
 * Messages get syslog priority prefixes when stderr is the journal.
 */
void log_init(bool verbose)
{
	log_verbose = verbose;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

static void log_v(enum log_level lvl, const char *prefix, const char *fmt, va_list ap)
{
	if (lvl == LOG_DEBUG && !log_verbose)
		return;
	if (log_journal)
		fprintf(stderr, "<%d>", lvl);
	fprintf(stderr, "xenlend-broker: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/**
 * log_msg() - log a message of the broker's own
 * @lvl: its priority; LOG_DEBUG only when verbose.
 * @fmt: printf format, then its arguments.
 */
void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(lvl, "", fmt, ap);
	va_end(ap);
}

/**
 * log_guest() - log a message a guest caused, prefixed with its domain
 * @domid: the guest.
 * @lvl: its priority; LOG_DEBUG only when verbose.
 * @fmt: printf format, then its arguments.
 *
 * Guests can make us log at will; past a burst of 50 lines in a second the
 * rest of that second is counted and summarised instead.
 */
void log_guest(int domid, enum log_level lvl, const char *fmt, ...)
{
	static time_t window;
	static unsigned int burst, dropped;
	struct timespec now;
	char prefix[32];
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != window) {
		if (dropped)
			log_msg(LOG_WARN, "%u guest messages suppressed", dropped);
		window = now.tv_sec;
		burst = 0;
		dropped = 0;
	}
	if (++burst > 50) {
		dropped++;
		return;
	}
	snprintf(prefix, sizeof(prefix), "dom%d: ", domid);
	va_start(ap, fmt);
	log_v(lvl, prefix, fmt, ap);
	va_end(ap);
}

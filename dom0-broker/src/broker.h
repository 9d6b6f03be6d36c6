/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the daemon as a whole - its configuration, xenstore
 * handle, epoll set, control socket and served guests.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_H
#define XENLEND_BROKER_H

#include <stdbool.h>

#include "config.h"

struct conn;
struct xs_handle;

/**
 * struct broker - the daemon
 * @cfg: configuration.
 * @xs: xenstore handle.
 * @own_domid: domain the broker runs in (the backend domain).
 * @epfd: epoll set.
 * @ctl_fd: control socket, or -1.
 * @test_hooks: accept test-only control commands.
 * @conns: served guests.
 */
struct broker {
	struct broker_config cfg;
	struct xs_handle *xs;
	int own_domid;
	int epfd;
	int ctl_fd;
	bool test_hooks;
	struct conn *conns;
};

/* epoll data of a guest's event channel: this bit, ORed with its domid. */
#define EPOLL_TAG_GUEST		(1ull << 63)
/* epoll data of a guest's lending engine file: this bit, ORed with its domid. */
#define EPOLL_TAG_HOST		(1ull << 62)
/* epoll data of a guest's render worker socket: this bit, ORed with its domid. */
#define EPOLL_TAG_RENDER	(1ull << 61)

#endif /* XENLEND_BROKER_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the per-guest render worker process (render_worker.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_RENDER_WORKER_H
#define XENLEND_BROKER_RENDER_WORKER_H

#include <stdbool.h>

int render_worker_start(const char *path, const char *user, bool software, int domid,
			int gntdev_fd, int *pid);
void render_worker_stop(int fd, int pid);
void render_worker_reap(void);

#endif /* XENLEND_BROKER_RENDER_WORKER_H */

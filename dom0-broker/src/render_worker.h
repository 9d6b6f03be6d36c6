/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the per-guest render worker process (render_worker.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_RENDER_WORKER_H
#define XENLEND_BROKER_RENDER_WORKER_H

#include <stdbool.h>

struct render_jail;

int render_worker_start(const char *path, const struct render_jail *jail, bool software,
			int domid, int gntdev_fd, int *pid);
int render_worker_forget(int pid, int domid);
void render_worker_stop(int fd, int pid, int domid);
bool render_worker_dying(void);
void render_worker_reap(void);

#endif /* XENLEND_BROKER_RENDER_WORKER_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: what confines a guest's render worker besides its seccomp
 * filter: its own user, resource limits and cgroup (render_jail.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_RENDER_JAIL_H
#define XENLEND_BROKER_RENDER_JAIL_H

#include <stdint.h>
#include <sys/types.h>

#include "config.h"

/* Supplementary groups a worker keeps, at most. */
#define RENDER_JAIL_MAX_GROUPS	32

/**
 * struct render_jail - how one guest's render worker is confined
 * @uid: its user, render_uid_base + the guest's domain id.
 * @gid: its group, the same number.
 * @groups: render_user's supplementary groups (a real GPU's "render").
 * @ngroups: their number.
 * @as_max: RLIMIT_AS.
 * @fsize_max: RLIMIT_FSIZE (memfds and files it makes).
 * @files_max: RLIMIT_NOFILE.
 * @tasks_max: RLIMIT_NPROC of @uid: every worker of the guest together.
 * @procs_fd: the guest's cgroup's cgroup.procs, open for writing, or -1
 *	when workers have no cgroup.
 */
struct render_jail {
	uid_t uid;
	gid_t gid;
	gid_t groups[RENDER_JAIL_MAX_GROUPS];
	int ngroups;
	uint64_t as_max;
	uint64_t fsize_max;
	uint64_t files_max;
	uint64_t tasks_max;
	int procs_fd;
};

int render_jail_init(const struct broker_config *cfg);
void render_jail_fini(void);
int render_jail_prepare(const struct broker_config *cfg, int domid, struct render_jail *j);
int render_jail_enter(const struct render_jail *j);
void render_jail_release(struct render_jail *j);
void render_jail_kill(int domid);
void render_jail_remove(int domid);

#endif /* XENLEND_BROKER_RENDER_JAIL_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the configuration file (config.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_CONFIG_H
#define XENLEND_BROKER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * HOST_MEM_VRAM: a GPU node as HOST_MEM_GPU, whose VRAM backs the host
 * resources of guests that published a VRAM window (qxl's, in the test
 * machine); buffers moved out of VRAM come from the same node.
 */
enum host_memory_kind { HOST_MEM_MEMFD, HOST_MEM_GPU, HOST_MEM_VRAM };

/*
 * Render workers' users: render_uid_base + domain id, for every domain id
 * Xen gives a guest (below DOMID_FIRST_RESERVED, 0x7ff0). The default lies
 * in the range systemd leaves unused (above its container ranges, below its
 * foreign range); the base must keep the span clear of 16-bit ids and of
 * (uid_t)-1.
 */
#define RENDER_UID_SPAN		0x7ff0u
#define RENDER_UID_BASE_DEFAULT	0x7a000000u
#define RENDER_UID_BASE_MIN	0x10000u
#define RENDER_UID_BASE_MAX	(0xfffffffeu - RENDER_UID_SPAN)

/* What a guest that misses a revocation deadline gets. */
enum missed_deadline_action {
	MISSED_DEADLINE_DEFAULT,	/* destroy for gpu: memory, else disconnect */
	MISSED_DEADLINE_DISCONNECT,	/* disconnect; what it maps stays quarantined */
	MISSED_DEADLINE_DESTROY,	/* pause at once, crash, then disconnect */
};

/**
 * struct broker_config - settings from the config file
 * @guests_all: serve every guest.
 * @guests: space-separated domain names to serve when !@guests_all.
 * @max_lent_bytes: per-guest cap of lent memory, reported in HELLO.
 * @max_resources: per-guest cap of live resources.
 * @max_bulk_pages: bulk pages accepted per guest.
 * @revoke_timeout_ms: bound on waiting for REVOKE_DONE; a guest that misses
 *	it is disconnected.
 * @max_quarantined_bytes: a guest whose quarantined memory (released while
 *	it still mapped it) exceeds this is disconnected.
 * @max_vram_bytes: most device memory (VRAM) lent to one guest at once.
 * @on_missed_deadline: what a guest that misses @revoke_timeout_ms gets
 *	besides the disconnect; see config_destroys_late_guests().
 * @host_memory: what backs host resources.
 * @host_memory_node: for HOST_MEM_GPU and HOST_MEM_VRAM, the DRM node
 *	buffers come from.
 * @render_node: the dom0 GPU render node.
 * @renderer: the render worker program; empty: guests get no renderer.
 * @render_user: whose supplementary groups render workers get (a real GPU's
 *	"render"); never root.
 * @render_uid_base: a guest's worker runs as user and group
 *	@render_uid_base + its domain id, one user per guest.
 * @render_memory_max: most memory a guest's workers use together (their
 *	cgroup's memory.max).
 * @render_address_space_max: most address space of one worker (RLIMIT_AS).
 * @render_tasks_max: most processes and threads of a guest's workers
 *	(RLIMIT_NPROC of its user, the cgroup's pids.max).
 * @render_files_max: most open files of one worker (RLIMIT_NOFILE).
 * @render_cgroup: "auto" (the broker's own cgroup when it may write it),
 *	"none", or the path of a cgroup v2 directory delegated to the broker.
 * @render_software: dom0 has no GPU: workers use Mesa's software drivers.
 * @control_socket: path of the control socket.
 */
struct broker_config {
	bool guests_all;
	char guests[512];
	uint64_t max_lent_bytes;
	uint32_t max_resources;
	uint32_t max_bulk_pages;
	uint32_t revoke_timeout_ms;
	uint64_t max_quarantined_bytes;
	uint64_t max_vram_bytes;
	enum missed_deadline_action on_missed_deadline;
	enum host_memory_kind host_memory;
	char host_memory_node[256];
	char render_node[256];
	char renderer[256];
	char render_user[64];
	uint32_t render_uid_base;
	uint64_t render_memory_max;
	uint64_t render_address_space_max;
	uint32_t render_tasks_max;
	uint32_t render_files_max;
	char render_cgroup[256];
	bool render_software;
	char control_socket[256];
};

void config_defaults(struct broker_config *c);
int config_parse_line(struct broker_config *c, const char *line, char *err, size_t errlen);
int config_load(struct broker_config *c, const char *path);
bool config_serves(const struct broker_config *c, const char *domain_name);
bool config_destroys_late_guests(const struct broker_config *c, bool gpu_memory);

#endif /* XENLEND_BROKER_CONFIG_H */

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
 * @render_user: the user render workers run as.
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
	bool render_software;
	char control_socket[256];
};

void config_defaults(struct broker_config *c);
int config_parse_line(struct broker_config *c, const char *line, char *err, size_t errlen);
int config_load(struct broker_config *c, const char *path);
bool config_serves(const struct broker_config *c, const char *domain_name);
bool config_destroys_late_guests(const struct broker_config *c, bool gpu_memory);

#endif /* XENLEND_BROKER_CONFIG_H */

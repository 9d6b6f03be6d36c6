/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the memory behind host resources (host_mem.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_HOST_MEM_H
#define XENLEND_BROKER_HOST_MEM_H

#include <stdbool.h>
#include <stdint.h>

struct broker_config;

int host_mem_open(const struct broker_config *cfg, int *gpu_fd);
void *host_mem_map(int gpu_fd, uint64_t size, void *at, const char *name, int *fd_out,
		   int *dmabuf_out);
void *host_mem_map_vram(int gpu_fd, uint64_t size, int *dmabuf_out);
bool host_mem_is_dmabuf(int fd);
void *host_mem_map_fd(int fd, uint64_t offset, uint64_t size);
void host_mem_fill(void *map, uint64_t size, uint32_t res_id, uint32_t generation);

#endif /* XENLEND_BROKER_HOST_MEM_H */

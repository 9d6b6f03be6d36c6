/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the guest-side test programs: find the xenlend render
 * node, create and map a lent (HOST3D) blob, check the broker's test
 * pattern, wait for dom0, and pass a file and a message between processes
 * (a client handing its buffer to a compositor).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_GUEST_UTIL_H
#define XENLEND_GUEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct lent_blob - a mapped host blob
 * @handle: GEM handle.
 * @res: resource id (the broker's name for it).
 * @size: bytes.
 * @w: the CPU mapping, as 64-bit words.
 */
struct lent_blob {
	uint32_t handle;
	uint32_t res;
	uint64_t size;
	uint64_t *w;
};

double now_s(void);
int open_xenlend(const char *tag);
int blob_create_map(int fd, uint64_t size, struct lent_blob *b, const char *tag);
void blob_unmap_close(int fd, struct lent_blob *b);
uint64_t check_pattern(const uint64_t *w, uint32_t res, int gen, uint64_t from, uint64_t to,
		       const char *tag);
int wait_word(const volatile uint64_t *w, uint64_t want, int seconds);
int wait_go(int seconds);
char *xenlend_debugfs_file(const char *name);
int xenlend_connected(void);
int fd_send(int sock, int fd, const void *msg, size_t len);
int fd_recv(int sock, void *msg, size_t len);

#endif /* XENLEND_GUEST_UTIL_H */

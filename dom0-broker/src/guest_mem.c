// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the guest's own pages behind guest resources, for the
 * guest's render worker.
 *
 * Classic 3D resources live in guest memory (the Xen direction: the guest
 * grants, dom0 maps). virglrenderer reads and writes that memory in the
 * render worker, which runs unprivileged and cannot map grants itself. So
 * the broker opens one grant device file per guest connection, maps each
 * resource's grant references into it (IOCTL_GNTDEV_MAP_GRANT_REF: only
 * bookkeeping, nothing is mapped yet) and hands the worker the file and the
 * resulting mmap offset; the worker's mmap maps the grants into the worker.
 * The grants stay mapped until both the broker's entry is gone and the
 * worker unmapped them.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Xen's copy of the grant device ABI: needs <stdint.h> first. */
#include <xen/sys/gntdev.h>

#include "conn.h"
#include "guest_mem.h"
#include "log.h"
#include "resources.h"

#define GNTDEV_DEVICE	"/dev/xen/gntdev"

/**
 * guest_mem_open() - open the grant device file of a guest connection
 * @c: the connection.
 *
 * Without one, guest resources cannot become renderer resources
 * (RES3D_CREATE answers XENLEND_S_NOTSUP); everything else works.
 *
 * Return: 0 or a negative errno.
 */
int guest_mem_open(struct conn *c)
{
	int err;

	c->gntdev_fd = open(GNTDEV_DEVICE, O_RDWR | O_CLOEXEC);
	if (c->gntdev_fd >= 0)
		return 0;
	err = -errno;
	log_guest(c->domid, LOG_WARN, "%s: %s: guest resources cannot be rendered",
		  GNTDEV_DEVICE, strerror(-err));
	return err;
}

/**
 * guest_mem_close() - close the grant device file of a guest connection
 * @c: the connection; its resources were released first.
 */
void guest_mem_close(struct conn *c)
{
	if (c->gntdev_fd >= 0)
		close(c->gntdev_fd);
	c->gntdev_fd = -1;
}

static int guest_mem_map(void *ctx, struct guest_resource *r)
{
	struct conn *c = ctx;
	uint32_t i, n = (uint32_t)(r->size >> XENLEND_PAGE_SHIFT);
	struct ioctl_gntdev_map_grant_ref *op;
	int err = 0;

	if (c->gntdev_fd < 0)
		return -EOPNOTSUPP;
	op = calloc(1, sizeof(*op) + (size_t)n * sizeof(op->refs[0]));
	if (!op)
		return -ENOMEM;
	op->count = n;
	for (i = 0; i < n; i++) {
		op->refs[i].domid = (uint32_t)c->domid;
		op->refs[i].ref = r->grefs[i];
	}
	if (ioctl(c->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, op)) {
		err = -errno;
		log_guest(c->domid, LOG_WARN, "resource %u: mapping %u grants: %s", r->res_id, n,
			  strerror(errno));
	} else {
		r->map_offset = op->index;
	}
	free(op);
	return err;
}

static void guest_mem_unmap(void *ctx, struct guest_resource *r)
{
	struct conn *c = ctx;
	struct ioctl_gntdev_unmap_grant_ref op = {
		.index = r->map_offset,
		.count = (uint32_t)(r->size >> XENLEND_PAGE_SHIFT),
	};

	if (c->gntdev_fd >= 0 && ioctl(c->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op))
		log_guest(c->domid, LOG_WARN, "resource %u: unmapping grants: %s", r->res_id,
			  strerror(errno));
	r->mapped = false;
}

const struct guest_mem_ops guest_mem_ops = {
	.map = guest_mem_map,
	.unmap = guest_mem_unmap,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-render: a guest's classic 3D resources, backed by its own pages,
 * and the HOST3D blobs whose memory the renderer allocates.
 *
 * The broker maps the grant references behind a guest resource into the
 * grant device file it gave the worker (RENDER_GNTDEV_FD) and names the
 * offset in RES3D_CREATE; mapping that offset here maps the guest's pages
 * into this process, and they become the renderer resource's backing store
 * (one iovec). Transfers copy between that store and the renderer's copy;
 * RESOURCE_DESTROY drops both and unmaps the pages, so that the guest can
 * reuse them.
 *
 * A renderer blob (RESOURCE_CREATE with XENLEND_CREATE_BLOB: venus's ring,
 * a VkDeviceMemory) is the other way round: the renderer allocates it and
 * the worker hands the broker a file to map it from, which the broker lends
 * to the guest page by page like its own memory.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "contexts.h"
#include "ipc.h"
#include "log.h"
#include "resources.h"
#include "virgl.h"

/* A guest resource the renderer has. */
struct res {
	struct res *next;
	uint32_t id;
	struct iovec iov;	/* the guest's pages (none for a blob) */
};

static struct res *resources;

static struct res *find_res(uint32_t id)
{
	struct res *r;

	for (r = resources; r; r = r->next)
		if (r->id == id)
			return r;
	return NULL;
}

/**
 * res_create() - RES3D_CREATE: a renderer resource over the guest's pages
 * @m: the request.
 * @backing: where the pages are (ipc.c checked the payload's size).
 */
void res_create(const struct xenlend_msg *m, const struct render_ipc_backing *backing)
{
	const struct xenlend_res3d_create *c = &m->u.res3d_create;
	uint32_t id = c->res_id, ctx_id = c->ctx_id;
	uint32_t status = ctx_usable(ctx_id);
	struct res *r;
	void *map;
	int err;

	if (status != XENLEND_S_OK) {
		rw_respond(m, status);
		return;
	}
	if (find_res(id)) {
		rw_respond(m, XENLEND_S_EXIST);
		return;
	}
	if (!backing->size || backing->size % XENLEND_PAGE_SIZE ||
	    backing->offset % XENLEND_PAGE_SIZE) {
		rw_log("resource %u: backing of %llu bytes at %llu is not whole pages", id,
		       (unsigned long long)backing->size, (unsigned long long)backing->offset);
		rw_respond(m, XENLEND_S_INVAL);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		rw_respond(m, XENLEND_S_NOMEM);
		return;
	}
	map = mmap(NULL, backing->size, PROT_READ | PROT_WRITE, MAP_SHARED, RENDER_GNTDEV_FD,
		   (off_t)backing->offset);
	if (map == MAP_FAILED) {
		err = errno;
		rw_log("resource %u: mapping the guest's %llu bytes: %s", id,
		       (unsigned long long)backing->size, strerror(err));
		free(r);
		rw_respond(m, xenlend_errno_to_status(err));
		return;
	}
	r->id = id;
	r->iov.iov_base = map;
	r->iov.iov_len = backing->size;
	err = vr_res_create(c, &r->iov);
	if (err) {
		rw_log("resource %u: the renderer refused it: %s", id, strerror(err));
		munmap(map, backing->size);
		free(r);
		rw_respond(m, xenlend_errno_to_status(err));
		return;
	}
	if (ctx_id)
		vr_ctx_attach(ctx_id, id);
	r->next = resources;
	resources = r;
	rw_respond(m, XENLEND_S_OK);
}

/**
 * res_create_blob() - RESOURCE_CREATE of a renderer blob
 * @m: the request.
 *
 * Answered with the blob's memory as a file and where in it the memory
 * starts (rw_send_fd()), or an error.
 */
void res_create_blob(const struct xenlend_msg *m)
{
	const struct xenlend_resource_create *c = &m->u.create;
	uint32_t id = c->res_id, flags = c->flags;
	uint32_t status = ctx_usable(c->ctx_id);
	struct render_ipc_backing where = { .size = c->size };
	struct xenlend_msg rsp;
	struct res *r;
	int err, fd;

	if (!(flags & XENLEND_CREATE_BLOB) || c->kind != XENLEND_RES_HOST)
		status = XENLEND_S_PROTO;	/* plain memory is the broker's */
	else if (status == XENLEND_S_OK && find_res(id))
		status = XENLEND_S_EXIST;
	r = status == XENLEND_S_OK ? calloc(1, sizeof(*r)) : NULL;
	if (status == XENLEND_S_OK && !r)
		status = XENLEND_S_NOMEM;
	if (status != XENLEND_S_OK) {
		rw_respond(m, status);
		return;
	}
	/* Our create flags above the blob bit are virtio-gpu's blob flags. */
	err = vr_blob_create(id, c->ctx_id, flags >> 1, c->blob_id,
			     c->size);
	if (!err) {
		err = vr_blob_export(id, where.size, &fd, &where.offset);
		if (err)
			vr_res_unref(id);
	}
	if (err) {
		rw_log("blob %u (context %u, blob id %llu): %s", id, c->ctx_id,
		       (unsigned long long)c->blob_id, strerror(-err));
		free(r);
		rw_respond(m, xenlend_errno_to_status(err));
		return;
	}
	r->id = id;
	r->next = resources;
	resources = r;
	xenlend_msg_init_rsp(&rsp, m, XENLEND_S_OK);
	rw_send_fd(&rsp, &where, sizeof(where), fd);
	close(fd);
}

/**
 * res_transfer() - TRANSFER_TO_HOST or TRANSFER_FROM_HOST
 * @m: the request.
 *
 * The renderer checks the box against the resource and its backing store.
 */
void res_transfer(const struct xenlend_msg *m)
{
	const struct xenlend_transfer *t = &m->u.transfer;
	bool to_host = xenlend_msg_type(m) == XENLEND_T_TRANSFER_TO_HOST;
	uint32_t status = ctx_usable(t->ctx_id);
	int err;

	if (status == XENLEND_S_OK && !find_res(t->res_id))
		status = XENLEND_S_NOENT;
	if (status == XENLEND_S_OK) {
		err = vr_transfer(t, to_host);
		if (err) {
			rw_log("resource %u: transfer %s host refused: %s",
			       t->res_id, to_host ? "to" : "from", strerror(err));
			status = xenlend_errno_to_status(err);
		}
	}
	rw_respond(m, status);
}

/**
 * res_ctx_attach() - CTX_ATTACH or CTX_DETACH
 * @m: the request.
 *
 * Lets a context use a resource made in another (a buffer one process of
 * the guest made and another imported), or takes that back. The renderer
 * does either once: doing it again changes nothing.
 */
void res_ctx_attach(const struct xenlend_msg *m)
{
	const struct xenlend_ctx_resource *a = &m->u.ctx_res;
	uint32_t status = ctx_usable(a->ctx_id);

	if (status == XENLEND_S_OK && !find_res(a->res_id))
		status = XENLEND_S_NOENT;
	if (status == XENLEND_S_OK && xenlend_msg_type(m) == XENLEND_T_CTX_ATTACH)
		vr_ctx_attach(a->ctx_id, a->res_id);
	else if (status == XENLEND_S_OK)
		vr_ctx_detach(a->ctx_id, a->res_id);
	rw_respond(m, status);
}

/**
 * res_destroy() - the guest resource is gone (a notice: no answer)
 * @res_id: the resource; unknown ones (their RES3D_CREATE failed) are
 *	ignored.
 */
void res_destroy(uint32_t res_id)
{
	struct res **pp, *r;

	for (pp = &resources; (r = *pp) && r->id != res_id; pp = &r->next)
		;
	if (!r)
		return;
	*pp = r->next;
	/* Detaches it from every context and forgets the iovec. */
	vr_res_unref(res_id);
	if (r->iov.iov_base)
		munmap(r->iov.iov_base, r->iov.iov_len);
	free(r);
}

/**
 * res_destroy_all() - drop every resource (the worker exits)
 */
void res_destroy_all(void)
{
	while (resources)
		res_destroy(resources->id);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the broker's client of dom0's lending engine
 * (xenlend-host.ko).
 *
 * Host resources are backed by memory the broker maps (a memfd or a GPU
 * buffer, see host_mem.c) and registered with the lending engine
 * (/dev/xenlend-host), one file per guest. FAULT grants come from the engine;
 * so do the pinned frames of device memory, which vram.c maps into the
 * guest's VRAM window instead.
 * Its revocation events are read, and the grants they revoked released,
 * for the revocation queue (revoke.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "conn.h"
#include "engine.h"
#include "host_mem.h"
#include "log.h"
#include "resources.h"
#include "vram.h"
#include "xenlend_host.h"

#define HOST_DEVICE "/dev/xenlend-host"
#define HOST_SYSFS "/sys/class/misc/xenlend-host"

/* Pages of the guest's domain quarantined now, over every engine file. */
static uint64_t quarantine_held(struct conn *c)
{
	struct xenlend_host_stats s;

	if (c->host_fd < 0 || ioctl(c->host_fd, XENLEND_HOST_IOC_STATS, &s))
		return 0;
	return s.quarantine_held;
}

/**
 * engine_check_quarantine() - mark a guest over its quarantine quota for eviction
 * @c: the connection.
 *
 * Sets @c->evict_why when the memory the engine holds quarantined for the
 * guest (released while the guest still mapped it) exceeds
 * max_quarantined_bytes: the event loop then disconnects it for good. The
 * quarantine outlives the guest's connections, so each connect checks too.
 */
void engine_check_quarantine(struct conn *c)
{
	uint64_t bytes = quarantine_held(c) * XENLEND_PAGE_SIZE;

	if (bytes > c->cfg->max_quarantined_bytes && !c->evict_why[0])
		snprintf(c->evict_why, sizeof(c->evict_why),
			 "%" PRIu64 " KiB quarantined, quota %" PRIu64 " KiB", bytes >> 10,
			 c->cfg->max_quarantined_bytes >> 10);
}

/* Unmap a host resource's memory (which frees a GPU buffer) and close its memfd. */
static void drop_memory(struct guest_resource *r)
{
	munmap(r->map, r->size);
	if (r->fd >= 0)
		close(r->fd);
	r->map = NULL;
	r->fd = -1;
}

/**
 * engine_set_backing() - tell the engine which GPU buffer backs a range
 * @c: the connection.
 * @r: a host resource.
 * @offset: page-aligned start of the range in @r.
 * @length: its page-aligned length.
 * @dmabuf_fd: a dma-buf of the buffer mapped there; stays the caller's.
 *
 * The engine pins the buffer while any page of it is lent (page references
 * would not keep a GPU driver from reusing the pages), and refuses a buffer
 * it cannot pin.
 *
 * Return: 0, or a negative errno (logged with the reason).
 */
int engine_set_backing(struct conn *c, struct guest_resource *r, uint64_t offset,
		       uint64_t length, int dmabuf_fd)
{
	struct xenlend_host_backing b = {
		.id = r->res_id,
		.dmabuf_fd = dmabuf_fd,
		.offset = offset,
		.length = length,
	};
	int err;

	if (!ioctl(c->host_fd, XENLEND_HOST_IOC_SET_BACKING, &b)) {
		c->lent_gpu_memory = true;
		return 0;
	}
	err = -errno;
	log_msg(LOG_ERR, "dom%d: resource %u: the lending engine cannot pin its buffer (%s)%s",
		c->domid, r->res_id, strerror(errno),
		err == -ENOSYS ? ": this driver's buffers cannot be pinned from outside; "
				 "not lending them" : "");
	return err;
}

static int engine_create(void *ctx, struct guest_resource *r)
{
	struct conn *c = ctx;
	struct xenlend_host_region reg = { 0 };
	int dmabuf_fd = -1;
	uint64_t held;
	char name[48];
	int err = 0;

	if (r->kind != XENLEND_RES_HOST)
		return 0;
	if (c->host_fd < 0)
		return -EOPNOTSUPP;
	/*
	 * What the domain still maps of what it was lent before (a reconnect
	 * does not make it dom0's again) counts against what it may be lent.
	 */
	held = quarantine_held(c) * XENLEND_PAGE_SIZE;
	if (held && (held > c->cfg->max_lent_bytes ||
		     c->gs.host_bytes + r->size > c->cfg->max_lent_bytes - held)) {
		log_guest(c->domid, LOG_WARN,
			  "resource %u: %" PRIu64 " KiB would exceed its quota with the %" PRIu64
			  " KiB it keeps quarantined", r->res_id, r->size >> 10, held >> 10);
		return -EDQUOT;
	}
	snprintf(name, sizeof(name), "xenlend-dom%d-res%u", c->domid, r->res_id);
	/* Device memory needs a place in the guest's window first. */
	if (r->fd < 0 && c->cfg->host_memory == HOST_MEM_VRAM) {
		err = vram_place(c, r);
		if (err == -EOPNOTSUPP)
			log_guest(c->domid, LOG_WARN,
				  "resource %u: host memory is VRAM, and the guest has no VRAM window",
				  r->res_id);
		if (err)
			return err;
	}
	/* A renderer blob comes with its memory; the rest is ours to make. */
	if (r->fd >= 0)
		r->map = host_mem_map_fd(r->fd, r->fd_offset, r->size);
	else if (r->vram)
		r->map = host_mem_map_vram(c->gpu_fd, r->size, &dmabuf_fd);
	else
		r->map = host_mem_map(c->gpu_fd, r->size, NULL, name, &r->fd, &dmabuf_fd);
	if (r->map == MAP_FAILED) {
		err = -errno;
		r->map = NULL;
		if (r->vram)
			log_guest(c->domid, LOG_WARN, "resource %u: no %" PRIu64 " KiB of VRAM: %s",
				  r->res_id, r->size >> 10, strerror(-err));
		vram_release(c, r);
		return err;
	}
	reg.uaddr = (uintptr_t)r->map;
	reg.size = r->size;
	reg.id = r->res_id;
	if (ioctl(c->host_fd, XENLEND_HOST_IOC_ADD_REGION, &reg)) {
		err = -errno;
		goto fail;
	}
	/* A GPU buffer, ours or a blob the renderer exported, is lent pinned. */
	if (dmabuf_fd < 0 && r->fd >= 0 && host_mem_is_dmabuf(r->fd))
		err = engine_set_backing(c, r, 0, r->size, r->fd);
	else if (dmabuf_fd >= 0)
		err = engine_set_backing(c, r, 0, r->size, dmabuf_fd);
	if (err)
		goto fail_region;
	if (dmabuf_fd >= 0)
		close(dmabuf_fd);
	/*
	 * The mapping keeps the memory, and the engine's backing the buffer:
	 * no descriptor per resource, so a guest's thousand resources cost
	 * dom0 none (the shmem of a memfd is still punched and zapped
	 * through the mapping).
	 */
	if (r->fd >= 0) {
		r->shmem = !host_mem_is_dmabuf(r->fd);
		close(r->fd);
		r->fd = -1;
	}
	if (c->test_hooks && !r->in_renderer)	/* a blob is the renderer's */
		host_mem_fill(r->map, r->size, r->res_id, r->generation);
	return 0;

fail_region:
	ioctl(c->host_fd, XENLEND_HOST_IOC_REMOVE_REGION, &reg.id);
fail:
	if (dmabuf_fd >= 0)
		close(dmabuf_fd);
	drop_memory(r);
	vram_release(c, r);
	return err;
}

static void engine_destroy(void *ctx, struct guest_resource *r)
{
	struct conn *c = ctx;
	uint32_t id = r->res_id;

	if (r->kind != XENLEND_RES_HOST || !r->map)
		return;
	/*
	 * Device memory leaves the guest's window first: the engine unpins it
	 * on our word. If it cannot, the engine keeps it pinned for good.
	 */
	if (vram_release(c, r)) {
		log_guest(c->domid, LOG_ERR, "resource %u: device memory kept pinned: it may "
			  "still be mapped", id);
		if (ioctl(c->host_fd, XENLEND_HOST_IOC_ABANDON_REGION, &id))
			log_guest(c->domid, LOG_ERR, "abandon region %u: %s", id, strerror(errno));
		else
			drop_memory(r);	/* the engine no longer watches it */
		return;
	}
	/* Ends every grant; pages the guest still maps stay quarantined. */
	if (ioctl(c->host_fd, XENLEND_HOST_IOC_REMOVE_REGION, &id))
		log_msg(LOG_WARN, "dom%d: remove region %u: %s", c->domid, id, strerror(errno));
	else if (c->connected)
		engine_check_quarantine(c);	/* destroyed while the guest mapped it */
	drop_memory(r);
}

/* Lend device memory: the engine pins it and names its frames; we map them. */
static int lend_frames(struct conn *c, struct guest_resource *r, uint64_t offset,
		       uint64_t length, bool write, uint64_t *seq, int64_t *window_page)
{
	uint64_t frames[XENLEND_HOST_MAX_GRANT / XENLEND_PAGE_SIZE];
	struct xenlend_host_frames f = {
		.id = r->res_id,
		.write = write,
		.offset = offset,
		.length = length,
		.frames = (uintptr_t)frames,
	};
	int err;

	if (ioctl(c->host_fd, XENLEND_HOST_IOC_LEND_FRAMES, &f))
		return -errno;
	err = vram_map(c, r, offset / XENLEND_PAGE_SIZE, length / XENLEND_PAGE_SIZE, frames);
	if (err)
		return err == -EEXIST ? -EIO : err;
	*seq = f.seq;
	*window_page = r->win_page + (int64_t)(offset / XENLEND_PAGE_SIZE);
	return 0;
}

static int engine_grant(void *ctx, struct guest_resource *r, uint64_t offset, uint64_t length,
		      bool write, uint32_t *grefs, uint64_t *seq, int64_t *window_page)
{
	struct conn *c = ctx;
	struct xenlend_host_grant g = {
		.id = r->res_id,
		.write = write,
		.offset = offset,
		.length = length,
		.grefs = (uintptr_t)grefs,
	};

	*window_page = -1;
	if (r->vram)
		return lend_frames(c, r, offset, length, write, seq, window_page);
	if (ioctl(c->host_fd, XENLEND_HOST_IOC_GRANT, &g))
		/* Past its share of dom0's grant table: the guest's quota. */
		return errno == ENOSPC ? -EDQUOT : -errno;
	*seq = g.seq;
	return 0;
}

const struct engine_ops engine_ops = {
	.create = engine_create,
	.destroy = engine_destroy,
	.grant = engine_grant,
};

/**
 * engine_check_config() - refuse a configuration the engine cannot honour
 * @cfg: the broker's configuration.
 *
 * One guest may be lent max_lent_bytes of system memory, a grant each page:
 * more than the engine may hold of dom0's grant table (grants_max) is a
 * promise no guest would see kept. Without the engine loaded nothing is
 * lent, and nothing is checked.
 *
 * Return: 0, or -ENOSPC (logged, with what to change).
 */
int engine_check_config(const struct broker_config *cfg)
{
	FILE *f = fopen(HOST_SYSFS "/grants_max", "re");
	unsigned long long max = 0;
	uint64_t want = cfg->max_lent_bytes / XENLEND_PAGE_SIZE;
	int n = f ? fscanf(f, "%llu", &max) : 0;

	if (f)
		fclose(f);
	if (n != 1 || want <= max)
		return 0;
	log_msg(LOG_ERR, "max_lent_bytes = %" PRIu64 " needs %" PRIu64 " grant entries per "
		"guest; dom0's grant table leaves %llu to lend (raise gnttab_max_frames on Xen's "
		"command line, or lower grant_reserve of xenlend-host or max_lent_bytes)",
		cfg->max_lent_bytes, want, max);
	return -ENOSPC;
}

/**
 * engine_open() - open and bind the lending engine for a guest
 * @c: the connection.
 *
 * Return: 0, or a negative errno (the guest then gets no host resources).
 */
int engine_open(struct conn *c)
{
	struct xenlend_host_bind b = { .domid = (uint32_t)c->domid };
	int err;

	err = host_mem_open(c->cfg, &c->gpu_fd);
	if (err)
		return err;

	c->host_fd = open(HOST_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (c->host_fd < 0) {
		log_msg(LOG_WARN, "dom%d: %s: %s; host resources disabled", c->domid,
			HOST_DEVICE, strerror(errno));
		return -errno;
	}
	if (ioctl(c->host_fd, XENLEND_HOST_IOC_BIND, &b)) {
		err = -errno;
		log_msg(LOG_ERR, "dom%d: bind lending engine: %s", c->domid, strerror(errno));
		close(c->host_fd);
		c->host_fd = -1;
		return err;
	}
	return 0;
}

/**
 * engine_close() - release every grant and close the engine
 * @c: the connection; its resources are already destroyed.
 */
void engine_close(struct conn *c)
{
	struct xenlend_host_stats s;

	if (c->gpu_fd >= 0)
		close(c->gpu_fd);
	c->gpu_fd = -1;
	if (c->host_fd < 0)
		return;
	if (!ioctl(c->host_fd, XENLEND_HOST_IOC_STATS, &s) && (s.granted || s.revoked))
		log_msg(LOG_WARN, "dom%d: %llu granted and %llu revoked pages left at close",
			c->domid, (unsigned long long)s.granted, (unsigned long long)s.revoked);
	close(c->host_fd);
	c->host_fd = -1;
}

/**
 * engine_release() - end the grants a revocation took back
 * @c: the connection.
 * @p: the revocation; only grants in its range are released, those revoked
 *	by its event (and with @p->earlier, by every earlier one).
 * @released: receives the pages whose grants ended.
 * @quarantined: receives how many of those the guest still mapped; they
 *	stay out of use until it unmaps them.
 *
 * Return: 0, or a negative errno (logged).
 */
int engine_release(struct conn *c, const struct pending_revoke *p, uint64_t *released,
		   uint64_t *quarantined)
{
	struct xenlend_host_release rel = {
		.seq = p->seq,
		.flags = p->earlier ? XENLEND_HOST_RELEASE_EARLIER : 0,
		.id = p->res_id,
		.offset = p->offset,
		.length = p->length,
	};

	if (ioctl(c->host_fd, XENLEND_HOST_IOC_RELEASE, &rel)) {
		int err = -errno;

		log_msg(LOG_ERR, "dom%d: release seq %" PRIu64 " of resource %u: %s", c->domid,
			p->seq, p->res_id, strerror(errno));
		return err;
	}
	*released = rel.released;
	*quarantined = rel.quarantined;
	return 0;
}

/**
 * engine_revoke() - take back what a resource lent in a range, by our choice
 * @c: the connection.
 * @r: a host resource.
 * @offset: page-aligned start.
 * @length: page-aligned length.
 *
 * The engine revokes it as an invalidation would: the event it queues goes
 * the way of the others (revoke.c).
 *
 * Return: 0, or a negative errno (and errno set).
 */
int engine_revoke(struct conn *c, const struct guest_resource *r, uint64_t offset,
		  uint64_t length)
{
	struct xenlend_host_revoke rv = {
		.id = r->res_id,
		.offset = offset,
		.length = length,
	};

	return ioctl(c->host_fd, XENLEND_HOST_IOC_REVOKE, &rv) ? -errno : 0;
}

/**
 * engine_read_events() - take revocation events the engine has for a guest
 * @c: the connection.
 * @ev: receives them.
 * @max: room in @ev.
 *
 * Return: the number of events read; 0 when none is waiting (or on error).
 */
size_t engine_read_events(struct conn *c, struct xenlend_host_event *ev, size_t max)
{
	ssize_t n = read(c->host_fd, ev, max * sizeof(*ev));

	return n > 0 ? (size_t)n / sizeof(*ev) : 0;
}

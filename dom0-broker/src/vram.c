// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: a guest's VRAM window and the device memory lent into it.
 *
 * Device memory has no struct page, so it cannot be granted. A PVH or HVM
 * guest reserves a range of its physical address space that nothing
 * populates (its VRAM window, published in xenstore); a host resource in
 * VRAM gets a place there for its lifetime, and a FAULT maps the machine
 * frames the lending engine reports (pinned) at that place. Revocation
 * removes them again once the guest has dropped its mappings, or at once
 * when it missed the deadline and is paused. Which guest frames map which
 * machine frames is kept here, per resource, so that nothing is left mapped
 * when a resource, its memory or the guest goes.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conn.h"
#include "domain.h"
#include "log.h"
#include "resources.h"
#include "vram.h"

/* Frames past this are beyond any guest's physical address space here. */
#define VRAM_WINDOW_END_GFN	(1ull << 28)	/* 1 TiB */

/**
 * vram_window_check() - whether a guest's published window can be used
 * @gfn: its first guest frame.
 * @pages: its size in pages.
 * @max_gpfn: the highest frame the guest has populated.
 *
 * Return: NULL, or why not, fit for a log line.
 */
const char *vram_window_check(uint64_t gfn, uint64_t pages, uint64_t max_gpfn)
{
	if (!pages)
		return "empty";
	if (gfn % XENLEND_WINDOW_ALIGN || pages % XENLEND_WINDOW_ALIGN)
		return "not 2 MiB aligned";
	if (gfn >= VRAM_WINDOW_END_GFN || pages > VRAM_WINDOW_END_GFN - gfn)
		return "beyond 1 TiB";
	if (gfn <= max_gpfn)
		return "overlaps frames the guest has populated";
	return NULL;
}

static int read_u64(struct conn *c, const char *key, uint64_t *out)
{
	char path[160], *v, *end;
	unsigned int len;

	snprintf(path, sizeof(path), "%s/%s", c->fe_path, key);
	v = xs_read(c->xs, XBT_NULL, path, &len);
	if (!v)
		return -ENOENT;
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-') {
		log_guest(c->domid, LOG_WARN, "VRAM window: bad %s '%.32s': no device memory lent",
			  key, v);
		free(v);
		return -EINVAL;
	}
	free(v);
	return 0;
}

/**
 * vram_window_read() - read and check the VRAM window a guest published
 * @c: a connection being connected.
 *
 * Sets @c->win_gfn and @c->win_pages; without a window (none published, or
 * a bad one, logged with the reason) @c->win_pages is 0 and the guest gets
 * no device memory, only everything else.
 */
void vram_window_read(struct conn *c)
{
	uint64_t gfn, pages, max_gpfn;
	const char *why;
	int err;

	c->win_pages = 0;
	c->vram_bytes = 0;
	if (c->cfg->host_memory != HOST_MEM_VRAM)
		return;
	if (read_u64(c, XENLEND_XS_VRAM_WINDOW_GFN, &gfn) ||
	    read_u64(c, XENLEND_XS_VRAM_WINDOW_PAGES, &pages))
		return;
	/*
	 * A PV guest has no physical address space to map into, and the iomem
	 * permission that goes with a mapping would let it map the frames in
	 * its own page tables, for good.
	 */
	if (!domain_translated(c->domid)) {
		log_guest(c->domid, LOG_WARN,
			  "VRAM window refused: not a PVH or HVM guest: no device memory lent");
		return;
	}
	err = domain_max_gpfn(c->domid, &max_gpfn);
	if (err) {
		log_guest(c->domid, LOG_WARN, "VRAM window: cannot read the guest's size: %s",
			  strerror(-err));
		return;
	}
	why = vram_window_check(gfn, pages, max_gpfn);
	if (why) {
		log_guest(c->domid, LOG_WARN,
			  "VRAM window gfn %#" PRIx64 " + %" PRIu64 " pages refused: %s (max gpfn %#"
			  PRIx64 "): no device memory lent", gfn, pages, why, max_gpfn);
		return;
	}
	c->win_gfn = gfn;
	c->win_pages = pages;
	log_guest(c->domid, LOG_INFO, "VRAM window gfn %#" PRIx64 " + %" PRIu64 " pages", gfn,
		  pages);
}

/* Whether [page, page + n) is in the window and free of placed resources. */
static bool fits(struct conn *c, uint64_t page, uint64_t n)
{
	if (page > c->win_pages || n > c->win_pages - page)
		return false;
	for (uint32_t i = 0; i < c->cfg->max_resources; i++) {
		const struct guest_resource *o = &c->gs.resources[i];
		uint64_t on = o->size >> XENLEND_PAGE_SHIFT;

		if (o->frames && page < o->win_page + on && o->win_page < page + n)
			return false;
	}
	return true;
}

/**
 * vram_place() - give a resource in VRAM its place in the guest's window
 * @c: the connection.
 * @r: a new host resource.
 *
 * Return: 0; -EOPNOTSUPP without a window; -EDQUOT when it would take the
 * guest past max_vram_bytes or finds no room in its window.
 */
int vram_place(struct conn *c, struct guest_resource *r)
{
	uint64_t n = r->size >> XENLEND_PAGE_SHIFT, page = 0;

	if (!c->win_pages)
		return -EOPNOTSUPP;
	if (c->vram_bytes > c->cfg->max_vram_bytes ||
	    r->size > c->cfg->max_vram_bytes - c->vram_bytes) {
		log_guest(c->domid, LOG_WARN,
			  "resource %u: %" PRIu64 " KiB of VRAM would exceed its quota (%" PRIu64
			  " of %" PRIu64 " KiB in use)", r->res_id, r->size >> 10,
			  c->vram_bytes >> 10, c->cfg->max_vram_bytes >> 10);
		return -EDQUOT;
	}
	/* First fit: the start, or just after a placed resource. */
	for (uint32_t i = 0; !fits(c, page, n); i++) {
		for (; i < c->cfg->max_resources && !c->gs.resources[i].frames; i++)
			;
		if (i == c->cfg->max_resources) {
			log_guest(c->domid, LOG_WARN,
				  "resource %u: no room for %" PRIu64 " pages in its VRAM window",
				  r->res_id, n);
			return -EDQUOT;
		}
		page = c->gs.resources[i].win_page + (c->gs.resources[i].size >> XENLEND_PAGE_SHIFT);
	}
	r->frames = calloc(n, sizeof(*r->frames));
	if (!r->frames)
		return -ENOMEM;
	r->win_page = (uint32_t)page;
	r->win_stamp = ++c->vram_stamps;
	r->vram = true;
	c->vram_bytes += r->size;
	return 0;
}

/**
 * vram_map() - map lent device memory at a resource's place in the window
 * @c: the connection.
 * @r: a resource placed with vram_place().
 * @first: first page of @r.
 * @n: number of pages.
 * @frames: the machine frame of each, pinned by the lending engine.
 *
 * Pages already mapped to their frame stay as they are.
 *
 * Return: 0, or a negative errno (pages mapped before the error stay
 * mapped and recorded).
 */
int vram_map(struct conn *c, struct guest_resource *r, uint64_t first, uint64_t n,
	     const uint64_t *frames)
{
	for (uint64_t i = 0, run; i < n; i += run) {
		int err;

		run = 1;
		if (r->frames[first + i] == frames[i])
			continue;
		if (r->frames[first + i])
			return -EEXIST;	/* the engine never moves a lent frame */
		while (i + run < n && !r->frames[first + i + run] &&
		       frames[i + run] == frames[i] + run)
			run++;
		err = domain_map_frames(c->domid, c->win_gfn + r->win_page + first + i, frames[i],
					run);
		if (err) {
			log_guest(c->domid, LOG_ERR,
				  "resource %u: cannot map %" PRIu64 " frames at %#" PRIx64 ": %s",
				  r->res_id, run, frames[i], strerror(-err));
			return err;
		}
		for (uint64_t j = 0; j < run; j++)
			r->frames[first + i + j] = frames[i] + j;
		c->vram_mapped_pages += run;
		log_guest(c->domid, LOG_DEBUG, "resource %u: pages %" PRIu64 "+%" PRIu64 ": frames %#"
			  PRIx64 " mapped at gfn %#" PRIx64, r->res_id, first + i, run, frames[i],
			  c->win_gfn + r->win_page + first + i);
	}
	return 0;
}

/**
 * vram_unmap() - remove a range of a resource from the guest's window
 * @c: the connection.
 * @r: the resource.
 * @offset: start of the range in bytes.
 * @length: its length; clamped to @r.
 *
 * Return: 0 when nothing of the range is mapped any more; a negative errno
 * when something may still be (logged): its frames must then stay pinned,
 * and the guest is paused and crashed (it may have changed its physical
 * address space under the mapping to keep it).
 */
int vram_unmap(struct conn *c, struct guest_resource *r, uint64_t offset, uint64_t length)
{
	uint64_t last = r->size >> XENLEND_PAGE_SHIFT, first = offset >> XENLEND_PAGE_SHIFT;
	int ret = 0;

	if (!r->frames || offset >= r->size)
		return 0;
	if (length < r->size - offset)
		last = (offset + length + XENLEND_PAGE_SIZE - 1) >> XENLEND_PAGE_SHIFT;
	for (uint64_t p = first, run; p < last; p += run) {
		run = 1;
		if (!r->frames[p])
			continue;
		while (p + run < last && r->frames[p + run] == r->frames[p] + run)
			run++;
		if (domain_unmap_frames(c->domid, c->win_gfn + r->win_page + p, r->frames[p], run)) {
			/* Its frames stay pinned; it does not run on with them. */
			if (!c->stopped)
				c->stopped = !domain_stop(c->domid,
							  "device memory could not be taken back");
			ret = -EIO;
			continue;
		}
		log_guest(c->domid, LOG_DEBUG, "resource %u: pages %" PRIu64 "+%" PRIu64 ": frames %#"
			  PRIx64 " unmapped", r->res_id, p, run, r->frames[p]);
		memset(&r->frames[p], 0, run * sizeof(*r->frames));
		c->vram_mapped_pages -= run;
	}
	return ret;
}

/**
 * vram_release() - give a resource's place in the window back
 * @c: the connection.
 * @r: the resource, being destroyed.
 *
 * Return: 0, or the error of vram_unmap(): something is still mapped.
 */
int vram_release(struct conn *c, struct guest_resource *r)
{
	int err;

	if (!r->frames)
		return 0;
	err = vram_unmap(c, r, 0, r->size);
	free(r->frames);
	r->frames = NULL;
	r->vram = false;
	c->vram_bytes -= r->size;
	return err;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: the VRAM window, a range of guest physical address
 * space nothing populates, where dom0 maps the device memory it lends.
 *
 * dom0 cannot grant memory without a struct page (a GPU's VRAM), but it can
 * map it into an auto-translated guest's physical address space, as a
 * toolstack maps a passthrough BAR. The window is where: reserved here in
 * iomem_resource so that nothing else (memory hotplug, the unpopulated-page
 * allocator behind grant mappings) takes those frames, published in
 * xenstore, and checked against every FAULT response that points into it.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

#include "xenlend_transport.h"

static unsigned int vram_window_mib = 64;
module_param(vram_window_mib, uint, 0444);
MODULE_PARM_DESC(vram_window_mib,
		 "Guest physical space reserved for device memory dom0 lends, MiB (0: none)");

#if IS_ENABLED(CONFIG_DRM_XENLEND_DEBUG)
static char *test_vram_window;
module_param(test_vram_window, charp, 0444);
MODULE_PARM_DESC(test_vram_window,
		 "Test hook: publish GFN:PAGES as the VRAM window, reserving nothing (a bad guest)");

/* Publish what the test hook says instead of a window: true if it did. */
static bool xenlend_window_test_hook(struct xenlend_transport *t)
{
	unsigned long long gfn;
	unsigned long pages;

	if (!test_vram_window || sscanf(test_vram_window, "%llu:%lu", &gfn, &pages) != 2)
		return false;
	t->window_gfn = gfn;
	t->window_pages = pages;
	t->window_unreserved = true;
	dev_warn(&t->xbdev->dev, "test hook: VRAM window gfn %#llx + %lu pages, not reserved\n",
		 gfn, pages);
	return true;
}
#else
static bool xenlend_window_test_hook(struct xenlend_transport *t)
{
	return false;
}
#endif

/* Highest guest physical address the window may end at. */
#define XENLEND_WINDOW_LIMIT	(64ULL * SZ_1G)

/**
 * xenlend_window_reserve() - reserve the VRAM window of a transport
 * @t: the transport, before it is published.
 *
 * Only auto-translated guests have a physical address space dom0 can map
 * into; a PV guest gets no window, and neither does one whose free address
 * space above its memory is exhausted (logged). Either way the guest works
 * on without device memory.
 */
void xenlend_window_reserve(struct xenlend_transport *t)
{
	resource_size_t size = (resource_size_t)vram_window_mib * SZ_1M;
	resource_size_t align = XENLEND_WINDOW_ALIGN * XENLEND_PAGE_SIZE;
	/*
	 * Above 4 GiB: below it lie the holes where grant mappings and
	 * special pages go. Memory above it is busy in iomem_resource.
	 */
	resource_size_t min = SZ_4G;
	struct resource *res = &t->window;
	int err;

	if (xenlend_window_test_hook(t) || !size || !xen_domain() || xen_pv_domain())
		return;
	size = ALIGN(size, align);
	res->name = "xenlend VRAM window";
	res->flags = IORESOURCE_MEM | IORESOURCE_BUSY;
	err = allocate_resource(&iomem_resource, res, size, min, XENLEND_WINDOW_LIMIT - 1,
				align, NULL, NULL);
	if (err) {
		dev_warn(&t->xbdev->dev, "no VRAM window (%d): device memory not used\n", err);
		return;
	}
	/* Else PAT makes the write-combined mappings of it uncached. */
	t->window_wc = !arch_io_reserve_memtype_wc(res->start, size);
	t->window_gfn = PHYS_PFN(res->start);
	t->window_pages = size >> PAGE_SHIFT;
	dev_info(&t->xbdev->dev, "VRAM window %pR%s\n", res,
		 t->window_wc ? "" : ", uncached");
}

/**
 * xenlend_window_release() - give the window's address space back
 * @t: the transport; dom0 no longer maps anything there (it removed every
 *	mapping before it let the transport go, or the guest is going away).
 */
void xenlend_window_release(struct xenlend_transport *t)
{
	if (!t->window_pages)
		return;
	if (t->window_wc)
		arch_io_free_memtype_wc(t->window.start, resource_size(&t->window));
	t->window_wc = false;
	if (!t->window_unreserved)
		release_resource(&t->window);
	t->window_pages = 0;
	t->window_gfn = 0;
}

/**
 * xenlend_window_publish() - write the window's xenstore keys
 * @t: the transport.
 * @xbt: the transaction the other frontend keys are written in.
 *
 * Return: 0, or the error of writing xenstore.
 */
int xenlend_window_publish(struct xenlend_transport *t, struct xenbus_transaction xbt)
{
	const char *dir = t->xbdev->nodename;
	int err;

	if (!t->window_pages)
		return 0;
	err = xenbus_printf(xbt, dir, XENLEND_XS_VRAM_WINDOW_GFN, "%llu",
			    (unsigned long long)t->window_gfn);
	if (!err)
		err = xenbus_printf(xbt, dir, XENLEND_XS_VRAM_WINDOW_PAGES, "%lu",
				    t->window_pages);
	return err;
}

/**
 * xenlend_window_pfn() - the guest frame of a page of the window
 * @t: the transport.
 * @page: page index in the window, from a broker's FAULT response.
 * @n: number of pages from @page on that must lie in the window.
 *
 * Return: the frame of @page, or 0 when the range leaves the window (a
 * broken or hostile broker: frame 0 is never in it).
 */
unsigned long xenlend_window_pfn(struct xenlend_transport *t, u64 page, u64 n)
{
	if (page >= t->window_pages || n > t->window_pages - page)
		return 0;
	return t->window_gfn + page;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: what the broker does to a guest's domain through
 * libxenctrl, which every toolstack's dom0 has: stop it, and map device
 * memory into its physical address space.
 *
 * Stopping a guest that keeps memory a GPU driver needs:
 * A guest that misses a revocation deadline on driver-managed memory holds
 * a buffer its driver needs back: the engine keeps it pinned (and so
 * unusable to the driver) for as long as the guest maps any of it. The
 * broker therefore pauses such a guest at once - its access stops there,
 * whatever it is doing - and crashes it, so that the toolstack (xl, xapi,
 * libvirt) destroys it with its usual cleanup; destroying its domain is
 * what unmaps the grants and lets the engine unpin the buffer.
 *
 * Device memory (VRAM) is lent by mapping its machine frames at guest frames
 * of the guest's VRAM window, as a toolstack maps a passthrough device's
 * BAR (iomem permission, then XEN_DOMCTL_memory_mapping), and taken back by
 * removing the mapping: the guest's access ends there without its help.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <xenctrl.h>

#include "domain.h"
#include "log.h"

/**
 * domain_stop() - pause a guest at once, then have its toolstack destroy it
 * @domid: the guest.
 * @why: the reason, for the log.
 *
 * Return: 0 once it is paused and marked crashed, or a negative errno
 * (logged); a guest that could not even be paused keeps running.
 */
int domain_stop(int domid, const char *why)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	int err = 0;

	if (!xch) {
		err = -errno;
		log_msg(LOG_ERR, "dom%d: cannot stop it (%s): libxenctrl: %s", domid, why,
			strerror(errno));
		return err;
	}
	if (xc_domain_pause(xch, (uint32_t)domid)) {
		err = -errno;
		log_msg(LOG_ERR, "dom%d: cannot pause it (%s): %s", domid, why, strerror(errno));
	} else if (xc_domain_shutdown(xch, (uint32_t)domid, SHUTDOWN_crash)) {
		err = -errno;
		log_msg(LOG_ERR, "dom%d: paused, but cannot crash it (%s): %s", domid, why,
			strerror(errno));
	} else {
		log_msg(LOG_ERR, "dom%d: paused and crashed for its toolstack to destroy: %s",
			domid, why);
	}
	xc_interface_close(xch);
	return err;
}

/* One handle for the frequent calls (each FAULT of device memory). */
static xc_interface *xc_handle(void)
{
	static xc_interface *xch;

	if (!xch)
		xch = xc_interface_open(NULL, NULL, 0);
	return xch;
}

/**
 * domain_max_gpfn() - the highest guest frame a domain has populated
 * @domid: the domain.
 * @gpfn: receives it.
 *
 * Return: 0, or a negative errno.
 */
int domain_max_gpfn(int domid, uint64_t *gpfn)
{
	xc_interface *xch = xc_handle();
	xen_pfn_t max = 0;

	if (!xch)
		return -errno;
	if (xc_domain_maximum_gpfn(xch, (uint32_t)domid, &max) < 0)
		return -errno;
	*gpfn = max;
	return 0;
}

/**
 * domain_map_frames() - map device memory into a guest's physical space
 * @domid: the guest (auto-translated: PVH or HVM).
 * @gfn: first guest frame.
 * @mfn: first machine frame; @nr contiguous frames follow.
 * @nr: number of frames.
 *
 * Return: 0, or a negative errno with nothing mapped or permitted.
 */
int domain_map_frames(int domid, uint64_t gfn, uint64_t mfn, uint64_t nr)
{
	xc_interface *xch = xc_handle();
	int err;

	if (!xch)
		return -errno;
	if (xc_domain_iomem_permission(xch, (uint32_t)domid, mfn, nr, 1))
		return -errno;
	if (xc_domain_memory_mapping(xch, (uint32_t)domid, gfn, mfn, nr, DPCI_ADD_MAPPING)) {
		err = -errno;
		xc_domain_iomem_permission(xch, (uint32_t)domid, mfn, nr, 0);
		return err;
	}
	return 0;
}

/*
 * Whether @domid may still reach what is mapped into it: true unless Xen
 * says it is gone or being destroyed (its vCPUs never run again; a device
 * assigned to it is released as it dies), and true when Xen cannot say.
 */
static bool domain_alive(xc_interface *xch, int domid)
{
	xc_domaininfo_t info;
	int err = errno, n;

	n = xc_domain_getinfolist(xch, (uint32_t)domid, 1, &info);
	errno = err;
	if (n < 0)
		return true;
	return n == 1 && info.domain == (domid_t)domid && !(info.flags & XEN_DOMINF_dying);
}

/**
 * domain_translated() - whether a domain has a physical address space of
 * its own that dom0 maps into (PVH, HVM), unlike a PV domain's page tables
 * @domid: the domain.
 *
 * Return: true for PVH and HVM domains; false for PV ones, and when Xen
 * cannot say.
 */
bool domain_translated(int domid)
{
	xc_interface *xch = xc_handle();
	xc_domaininfo_t info;

	if (!xch || xc_domain_getinfolist(xch, (uint32_t)domid, 1, &info) != 1 ||
	    info.domain != (domid_t)domid)
		return false;
	return info.flags & XEN_DOMINF_hvm_guest;
}

/**
 * domain_unmap_frames() - remove device memory from a guest's physical space
 * @domid: the guest.
 * @gfn: first guest frame.
 * @mfn: the first machine frame mapped there; @nr contiguous frames follow.
 * @nr: number of frames.
 *
 * Once this returns 0 the guest reads all-ones and its writes are dropped
 * there (no ioreq server claims the range), whatever its page tables say.
 * A domain that no longer exists, or is being destroyed (it never runs
 * again), has nothing mapped that anyone can reach: that is success too.
 *
 * Return: 0, or a negative errno (logged): the frames may still be mapped.
 */
int domain_unmap_frames(int domid, uint64_t gfn, uint64_t mfn, uint64_t nr)
{
	xc_interface *xch = xc_handle();

	if (!xch)
		return -errno;
	if (!xc_domain_memory_mapping(xch, (uint32_t)domid, gfn, mfn, nr, DPCI_REMOVE_MAPPING)) {
		xc_domain_iomem_permission(xch, (uint32_t)domid, mfn, nr, 0);
		return 0;
	}
	if (!domain_alive(xch, domid))
		return 0;	/* its physical address space goes with it */
	log_msg(LOG_ERR, "dom%d: cannot unmap %" PRIu64 " frames at gfn %#" PRIx64 ": %s",
		domid, nr, gfn, strerror(errno));
	return -EIO;
}

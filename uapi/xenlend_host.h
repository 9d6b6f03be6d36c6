/* SPDX-License-Identifier: MIT */
/*
 * xenlend_host.h - ioctl interface of the dom0 lending engine
 * (xenlend-host.ko, /dev/xenlend-host), used by xenlend-broker.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_HOST_H
#define XENLEND_HOST_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: The lending engine
 *
 * Each open file serves exactly one guest domain, set once with
 * XENLEND_HOST_IOC_BIND (R14: the broker gets no power over other domains
 * through it). A *region* is a range of the caller's own address space (a
 * memfd or GPU buffer mapping) that may be lent. XENLEND_HOST_IOC_GRANT
 * faults a part of a region in, grants its pages to the guest and returns the
 * grant references; the engine holds every granted page with a long-term pin
 * (FOLL_LONGTERM: moved out of movable memory first; file pages that need
 * dirty tracking are refused). Opening the engine takes CAP_SYS_ADMIN.
 *
 * When the kernel invalidates a granted range (hole punch, munmap, migration,
 * reclaim), the engine's MMU notifier marks those grants revoked, queues a
 * &struct xenlend_host_event and returns at once: it never waits for the
 * guest, and the pages cannot be reused because the engine still holds them.
 * A change of protection alone (mprotect(), NUMA balancing's hinting faults,
 * soft-dirty tracking) leaves the same held page under the address and
 * revokes nothing. The broker takes a range back by itself with
 * XENLEND_HOST_IOC_REVOKE, with the same event. The broker reads the event,
 * sends REVOKE to the guest, and after REVOKE_DONE, or after its deadline,
 * calls XENLEND_HOST_IOC_RELEASE. Release ends foreign access; a page the
 * guest still maps stays out of use (quarantined, charged to its domain)
 * until the guest unmaps it, even after the file is closed.
 * /sys/class/misc/xenlend-host/pages_lent and pages_quarantined count the
 * pages the engine holds over all files: both return to zero once every
 * guest has let go.
 *
 * Grants take entries of dom0's grant table, which dom0's other backends
 * (netback, blkback) need too: the engine holds at most grants_max of them
 * (the table's size, gnttab_max_frames on Xen's command line, less the
 * module parameter grant_reserve), counted in grants_used with quarantined
 * pages. Past three quarters of it, only a domain under its fair share
 * (grants_max over the files bound now) is granted more; GRANT fails with
 * -ENOSPC otherwise.
 *
 * Memory a GPU driver manages cannot be kept from reuse by a page reference:
 * TTM's page pools and VRAM ignore them. Such memory is lent only pinned:
 * XENLEND_HOST_IOC_SET_BACKING names the dma-buf of the buffer mapped at a
 * range of a region, and the engine holds the buffer pinned through a
 * dma-buf attachment while any page of it is granted, revoked or
 * quarantined; the driver cannot move or free it until then. Only pages of
 * system RAM are granted that way, and only from a mapping of the buffer
 * itself (its dma-buf's, or the exporting DRM device's): a page of a backed
 * range that maps anything else is refused with -EPERM, and so is a PFN
 * mapping (VM_PFNMAP, VM_IO) without a backing: nothing would keep its pages.
 * /sys/class/misc/xenlend-host/buffers_pinned counts the pinned buffers.
 *
 * Device memory (VRAM, a PCI BAR) has no struct page and cannot be granted.
 * XENLEND_HOST_IOC_LEND_FRAMES lends a backed range of it instead: it pins
 * the buffer and returns the machine frames the broker's mapping shows,
 * which the broker maps into the guest's physical address space itself
 * (XEN_DOMCTL_memory_mapping). Those pages are revoked and released like
 * grants, and the engine takes the broker's word that it removed the
 * guest's mapping before it releases them (RELEASE, REMOVE_REGION). When
 * the file closes with such pages still lent, nobody can say whether the
 * guest still maps them: the buffer stays pinned for good and the pages
 * are counted in pages_quarantined (charged to no domain). So does
 * XENLEND_HOST_IOC_ABANDON_REGION: it removes a region whose frames the
 * caller could not take out of the guest. Read-only regions lend no
 * frames (-EACCES): the guest's mapping of them would be writable.
 */

/**
 * struct xenlend_host_bind - XENLEND_HOST_IOC_BIND argument
 * @domid: the guest this file lends to.
 * @flags: must be zero.
 */
struct xenlend_host_bind {
	__u32 domid;
	__u32 flags;
};

/* Region flags. */
#define XENLEND_HOST_REGION_READONLY	0x1

/**
 * struct xenlend_host_region - XENLEND_HOST_IOC_ADD_REGION argument
 * @uaddr: page-aligned start in the caller's address space.
 * @size: page-aligned length, at most XENLEND_HOST_MAX_REGION bytes.
 * @id: caller-chosen region id, unique in this file, non-zero.
 * @flags: XENLEND_HOST_REGION_*.
 */
struct xenlend_host_region {
	__u64 uaddr;
	__u64 size;
	__u32 id;
	__u32 flags;
};

/**
 * struct xenlend_host_grant - XENLEND_HOST_IOC_GRANT argument
 * @id: region.
 * @write: non-zero if the guest needs write access.
 * @offset: page-aligned offset in the region.
 * @length: page-aligned length, at most XENLEND_HOST_MAX_GRANT bytes.
 * @grefs: user pointer to length / 4096 __u32, filled with grant references.
 * @seq: out: the file's revocation sequence number at the time of the grant.
 */
struct xenlend_host_grant {
	__u32 id;
	__u32 write;
	__u64 offset;
	__u64 length;
	__u64 grefs;
	__u64 seq;
};

#define XENLEND_HOST_MAX_GRANT		(2u << 20)
#define XENLEND_HOST_MAX_REGION		(64ull << 30)

/**
 * struct xenlend_host_backing - XENLEND_HOST_IOC_SET_BACKING argument
 * @id: region.
 * @dmabuf_fd: a dma-buf of the buffer the caller mapped at the range.
 * @offset: page-aligned start of the range in the region.
 * @length: page-aligned length, at most the dma-buf's size.
 *
 * From then on, granting a page of the range pins that buffer. A later call
 * for an overlapping range replaces the backing there (the caller mapped
 * another buffer over it); grants made before keep the old buffer pinned
 * until they end. Errors: -EBADF or -EINVAL for an fd that is not a dma-buf,
 * the exporter's error when it cannot be pinned (-ENOSYS: DRM drivers
 * without an sg table, such as the VRAM helpers), -ENOSPC for more than 64
 * backings in one region.
 */
struct xenlend_host_backing {
	__u32 id;
	__s32 dmabuf_fd;
	__u64 offset;
	__u64 length;
};

/**
 * struct xenlend_host_frames - XENLEND_HOST_IOC_LEND_FRAMES argument
 * @id: region.
 * @write: non-zero if the guest needs write access.
 * @offset: page-aligned offset in the region; the range must be backed.
 * @length: page-aligned length, at most XENLEND_HOST_MAX_GRANT bytes.
 * @frames: user pointer to length / 4096 __u64, filled with the machine
 *	frame numbers of the device memory mapped there.
 * @seq: out: the file's revocation sequence number at the time.
 *
 * Errors: -EINVAL for a range that is not backed whole, -EFAULT when a page
 * of it is system RAM (XENLEND_HOST_IOC_GRANT lends that) or not mapped,
 * -EPERM when it maps anything but its backing buffer, -EAGAIN while a page
 * of it is revoked and not yet released, -EDQUOT over max_granted_pages.
 */
struct xenlend_host_frames {
	__u32 id;
	__u32 write;
	__u64 offset;
	__u64 length;
	__u64 frames;
	__u64 seq;
};

/* Release flags. */
#define XENLEND_HOST_RELEASE_EARLIER	0x1	/* and every earlier seq (after OVERFLOW) */

/**
 * struct xenlend_host_release - XENLEND_HOST_IOC_RELEASE argument
 * @seq: release the grants revoked by the event with this sequence number.
 * @flags: XENLEND_HOST_RELEASE_*.
 * @id: only in this region; 0: in every region. Device memory frames are
 *	released only where the caller took them out of the guest first.
 * @offset: with @id, only from this page-aligned offset of the region.
 * @length: with @id, only this many bytes from @offset; 0: to the region's
 *	end. Both 0 without @id.
 * @released: out: pages whose grants ended.
 * @quarantined: out: of those, pages the guest still maps; they stay out of
 *	use until it unmaps them.
 *
 * A caller that told the guest about several revocations of one range at
 * once releases them with the latest @seq, XENLEND_HOST_RELEASE_EARLIER and
 * that range: grants revoked by other events, outside it, stay revoked.
 */
struct xenlend_host_release {
	__u64 seq;
	__u32 flags;
	__u32 id;
	__u64 offset;
	__u64 length;
	__u64 released;
	__u64 quarantined;
};

/**
 * struct xenlend_host_revoke - XENLEND_HOST_IOC_REVOKE argument
 * @id: region.
 * @flags: must be zero.
 * @offset: page-aligned offset in the region.
 * @length: page-aligned length.
 * @seq: out: the revocation's sequence number; 0 when nothing in the range
 *	was granted (no event then).
 *
 * Revokes what is granted in the range as an invalidation would, with the
 * same &struct xenlend_host_event: the broker taking memory back by itself.
 */
struct xenlend_host_revoke {
	__u32 id;
	__u32 flags;
	__u64 offset;
	__u64 length;
	__u64 seq;
};

/**
 * struct xenlend_host_stats - XENLEND_HOST_IOC_STATS argument (out)
 * @granted: pages granted to the guest now.
 * @revoked: pages revoked, waiting for XENLEND_HOST_IOC_RELEASE.
 * @quarantined: pages released while the guest still mapped them (total).
 * @events_lost: revocations that could not be queued one by one; each loss
 *	also queued a XENLEND_HOST_EV_OVERFLOW event.
 * @quarantine_held: pages of this file's domain still in quarantine now,
 *	over every file that lent to it.
 */
struct xenlend_host_stats {
	__u64 granted;
	__u64 revoked;
	__u64 quarantined;
	__u64 events_lost;
	__u64 quarantine_held;
};

/* Event types. */
#define XENLEND_HOST_EV_REVOKE		1	/* a range of one region */
#define XENLEND_HOST_EV_OVERFLOW	2	/* events were lost: revoke everything */

/**
 * struct xenlend_host_event - what read() returns, one or more at a time
 * @type: XENLEND_HOST_EV_*.
 * @id: region (REVOKE only).
 * @offset: start of the revoked range in the region.
 * @length: length of the revoked range.
 * @seq: this revocation's sequence number, for XENLEND_HOST_IOC_RELEASE.
 * @time_ns: REVOKE only: when the MMU notifier was called for the range
 *	(CLOCK_MONOTONIC, ns), to time the revocation up to its release.
 * @notifier_ns: REVOKE only: what the notifier callback spent on the range
 *	before it queued the event (ns): the cost dom0's MM pays at once.
 */
struct xenlend_host_event {
	__u32 type;
	__u32 id;
	__u64 offset;
	__u64 length;
	__u64 seq;
	__u64 time_ns;
	__u64 notifier_ns;
};

#define XENLEND_HOST_IOC_MAGIC		0xB7
#define XENLEND_HOST_IOC_BIND		_IOW(XENLEND_HOST_IOC_MAGIC, 1, struct xenlend_host_bind)
#define XENLEND_HOST_IOC_ADD_REGION	_IOW(XENLEND_HOST_IOC_MAGIC, 2, struct xenlend_host_region)
#define XENLEND_HOST_IOC_REMOVE_REGION	_IOW(XENLEND_HOST_IOC_MAGIC, 3, __u32)
#define XENLEND_HOST_IOC_GRANT		_IOWR(XENLEND_HOST_IOC_MAGIC, 4, struct xenlend_host_grant)
#define XENLEND_HOST_IOC_RELEASE \
	_IOWR(XENLEND_HOST_IOC_MAGIC, 5, struct xenlend_host_release)
#define XENLEND_HOST_IOC_STATS		_IOR(XENLEND_HOST_IOC_MAGIC, 6, struct xenlend_host_stats)
#define XENLEND_HOST_IOC_SET_BACKING \
	_IOW(XENLEND_HOST_IOC_MAGIC, 7, struct xenlend_host_backing)
#define XENLEND_HOST_IOC_LEND_FRAMES \
	_IOWR(XENLEND_HOST_IOC_MAGIC, 8, struct xenlend_host_frames)
#define XENLEND_HOST_IOC_ABANDON_REGION	_IOW(XENLEND_HOST_IOC_MAGIC, 9, __u32)
#define XENLEND_HOST_IOC_REVOKE \
	_IOWR(XENLEND_HOST_IOC_MAGIC, 10, struct xenlend_host_revoke)

#endif /* XENLEND_HOST_H */

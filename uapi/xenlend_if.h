/* SPDX-License-Identifier: MIT */
/*
 * xenlend_if.h - the xenlend protocol: a guest's GPU driver (frontend)
 * borrows memory and a renderer from dom0's xenlend-broker (backend),
 * version 1.
 *
 * Written in the style of Xen's public io/ headers: self-contained but for
 * io/ring.h, fixed-width integers in the machine's byte order (every Xen
 * architecture is little-endian), no kernel- or tool-specific blocks. The
 * guest kernel module and the broker both include it, and both check every
 * message with the one codec in xenlend_wire.c.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_IF_H
#define XENLEND_IF_H

#include "ring.h"

/**
 * DOC: Overview
 *
 * One xenbus device, ``xenlend/0``, connects a guest to the broker. Its
 * frontend (the guest's ``xenlend.ko``) allocates two shared ring pages, a
 * number of bulk pages and one event channel, and publishes them in xenstore.
 * The broker maps them and answers.
 *
 * * The **control ring** carries guest requests (HELLO, RESOURCE_CREATE,
 *   RESOURCE_DESTROY, RESOURCE_ATTACH, FAULT, and with XENLEND_F_RENDER the
 *   renderer's CAPSET_INFO, CAPSET, CTX_CREATE, CTX_DESTROY, SUBMIT,
 *   RES3D_CREATE, TRANSFER_TO_HOST, TRANSFER_FROM_HOST, CTX_ATTACH,
 *   CTX_DETACH and NOP) and the broker's
 *   responses. Responses may come in any order: renderer requests are answered
 *   when the renderer is done, FAULTs meanwhile.
 * * The **event ring** carries broker requests (REVOKE, FENCE) and the
 *   guest's responses (REVOKE_DONE, FENCE acknowledgment).
 * * **Bulk pages** hold arrays too large for a ring slot, such as the grant
 *   references of a FAULT response. The guest grants them once, read-write,
 *   and names one per request.
 *
 * Both rings use Xen's ``io/ring.h`` layout with 64-byte slots. All integers
 * are fixed width, in the byte order Xen runs in (little-endian). Every
 * request carries an id that its response echoes. Every field named
 * ``reserved`` must be zero, and a receiver rejects a message otherwise, so
 * that the fields can be given a meaning later without a version bump.
 *
 * Receivers copy a message off the shared page before looking at it and
 * validate every field with xenlend_msg_check(). An invalid request is
 * answered with the same type (response bit set), the same id and a non-zero
 * status; the connection stays up. An invalid response is dropped and logged
 * and the waiter times out or is failed.
 */

/**
 * DOC: Xenstore keys and the xenbus handshake
 *
 * The broker (acting as the toolstack for this device) creates both halves of
 * the device when a guest is allowed to borrow: the frontend directory
 * ``/local/domain/<domid>/device/xenlend/0`` and the backend directory
 * ``/local/domain/<backend-domid>/backend/xenlend/<domid>/0``, each with the
 * usual ``frontend``/``backend``, ``frontend-id``/``backend-id`` and
 * ``state`` keys.
 *
 * Backend directory, written by the broker:
 *
 * * ``protocol-versions`` - space-separated list of versions it speaks ("1").
 * * ``max-bulk-pages`` - how many bulk pages the backend accepts.
 *
 * Frontend directory, written by the guest before it switches to
 * XenbusStateInitialised:
 *
 * * ``protocol-version`` - the version it chose from ``protocol-versions``.
 * * ``ctrl-ring-ref`` - grant reference of the control ring page.
 * * ``evt-ring-ref`` - grant reference of the event ring page.
 * * ``event-channel`` - the unbound event channel port for both rings.
 * * ``nr-bulk-pages`` and ``bulk-ref-<n>`` - the bulk pages.
 * * ``vram-window-gfn`` and ``vram-window-pages`` - optional, auto-translated
 *   (PVH, HVM) guests only: a range of guest frame numbers the guest reserved
 *   and nothing populates, 2 MiB aligned, where dom0 may map device memory
 *   (VRAM) it lends, the way a passthrough BAR is mapped. The broker checks it
 *   (above the guest's memory, aligned, within its VRAM quota's reach) and
 *   lends no device memory to a guest without a valid one.
 *
 * States: the backend starts in InitWait. The frontend publishes the keys and
 * goes to Initialised. The backend maps the rings, binds the event channel and
 * goes to Connected. The frontend then goes to Connected and sends HELLO,
 * which both sides log; nothing else may be sent before a successful HELLO.
 * Either side going to Closing tears the connection down; every grant is
 * ended and every lent page revoked.
 */
#define XENLEND_XS_DEVICE_TYPE		"xenlend"
#define XENLEND_XS_PROTOCOL_VERSIONS	"protocol-versions"
#define XENLEND_XS_MAX_BULK_PAGES	"max-bulk-pages"
#define XENLEND_XS_PROTOCOL_VERSION	"protocol-version"
#define XENLEND_XS_CTRL_RING_REF	"ctrl-ring-ref"
#define XENLEND_XS_EVT_RING_REF		"evt-ring-ref"
#define XENLEND_XS_EVENT_CHANNEL	"event-channel"
#define XENLEND_XS_NR_BULK_PAGES	"nr-bulk-pages"
#define XENLEND_XS_BULK_REF_FMT		"bulk-ref-%u"
#define XENLEND_XS_VRAM_WINDOW_GFN	"vram-window-gfn"
#define XENLEND_XS_VRAM_WINDOW_PAGES	"vram-window-pages"

/** @XENLEND_WINDOW_ALIGN: alignment of the VRAM window, in pages (2 MiB). */
#define XENLEND_WINDOW_ALIGN		512

/** @XENLEND_PROTOCOL_VERSION: the version this header describes. */
#define XENLEND_PROTOCOL_VERSION	1

/** @XENLEND_PAGE_SIZE: unit of every offset and length in the protocol. */
#define XENLEND_PAGE_SHIFT		12
#define XENLEND_PAGE_SIZE		4096u

/** @XENLEND_MAX_BULK_PAGES: upper bound of ``nr-bulk-pages``. */
#define XENLEND_MAX_BULK_PAGES		32

/** @XENLEND_GREFS_PER_BULK_PAGE: grant references one bulk page holds. */
#define XENLEND_GREFS_PER_BULK_PAGE	(XENLEND_PAGE_SIZE / 4)

/**
 * @XENLEND_FAULT_MAX_BYTES: largest range one FAULT may ask for (2 MiB, so
 * that fault-around can fill a huge-page-sized window in one round trip).
 */
#define XENLEND_FAULT_MAX_BYTES		(2u << 20)

/** @XENLEND_MSG_SIZE: size of one ring slot and of every message. */
#define XENLEND_MSG_SIZE		64
/** @XENLEND_BODY_SIZE: bytes available after the header. */
#define XENLEND_BODY_SIZE		48

/*
 * Message types. Requests of the control ring go from the guest to the broker,
 * requests of the event ring from the broker to the guest. A response has the
 * type of its request with XENLEND_T_RESPONSE set.
 */
#define XENLEND_T_HELLO			0x0001
#define XENLEND_T_RESOURCE_CREATE	0x0002
#define XENLEND_T_RESOURCE_DESTROY	0x0003
#define XENLEND_T_FAULT			0x0004
#define XENLEND_T_CAPSET_INFO		0x0005
#define XENLEND_T_CAPSET		0x0006
#define XENLEND_T_CTX_CREATE		0x0007
#define XENLEND_T_CTX_DESTROY		0x0008
#define XENLEND_T_SUBMIT		0x0009
#define XENLEND_T_RESOURCE_ATTACH	0x000a
#define XENLEND_T_RES3D_CREATE		0x000b
#define XENLEND_T_TRANSFER_TO_HOST	0x000c
#define XENLEND_T_TRANSFER_FROM_HOST	0x000d
#define XENLEND_T_CTX_ATTACH		0x000e
#define XENLEND_T_CTX_DETACH		0x000f
#define XENLEND_T_NOP			0x0010

#define XENLEND_T_REVOKE		0x0101
#define XENLEND_T_FENCE			0x0102

#define XENLEND_T_RESPONSE		0x8000

/* Response status codes (wire values; each side maps them to its errno). */
#define XENLEND_S_OK			0	/* success */
#define XENLEND_S_INVAL			1	/* malformed message or bad field */
#define XENLEND_S_NOENT			2	/* no such resource */
#define XENLEND_S_EXIST			3	/* resource id already in use */
#define XENLEND_S_NOMEM			4	/* sender could not allocate */
#define XENLEND_S_QUOTA			5	/* per-guest quota exceeded */
#define XENLEND_S_RANGE			6	/* offset/length outside the object */
#define XENLEND_S_VERSION		7	/* no common protocol version */
#define XENLEND_S_PROTO			8	/* unknown type, or out of sequence */
#define XENLEND_S_IO			9	/* dom0 cannot supply the memory */
#define XENLEND_S_NOTSUP		10	/* valid but not supported */
#define XENLEND_S_BUSY			11	/* try again */
#define XENLEND_S_MAX			XENLEND_S_BUSY

/**
 * struct xenlend_hdr - header of every message (16 bytes)
 * @type: XENLEND_T_*, with XENLEND_T_RESPONSE set in responses.
 * @len: size in bytes of the body that follows. Each type has exactly one
 *	valid length; anything else is rejected.
 * @status: XENLEND_S_* in responses; must be zero in requests.
 * @id: chosen by the requester, echoed by the response.
 */
struct xenlend_hdr {
	uint16_t type;
	uint16_t len;
	uint32_t status;
	uint64_t id;
};

/**
 * struct xenlend_hello - HELLO request body (guest -> broker)
 * @version_min: oldest protocol version the guest speaks.
 * @version_max: newest protocol version the guest speaks.
 * @features: XENLEND_F_* feature bits the guest asks for.
 * @nr_bulk_pages: number of bulk pages the guest published (>= 1).
 * @reserved: must be zero.
 */
struct xenlend_hello {
	uint32_t version_min;
	uint32_t version_max;
	uint64_t features;
	uint32_t nr_bulk_pages;
	uint32_t reserved;
};

/**
 * struct xenlend_hello_rsp - HELLO response body (broker -> guest)
 * @version: the version both sides now speak.
 * @reserved: must be zero.
 * @features: subset of the requested features the broker grants.
 * @max_lent_bytes: most bytes the broker lends this guest at once. The
 *	guest reports it to userspace as the CPU-visible memory size.
 * @max_resources: most resources this guest may hold at once.
 * @reserved2: must be zero.
 */
struct xenlend_hello_rsp {
	uint32_t version;
	uint32_t reserved;
	uint64_t features;
	uint64_t max_lent_bytes;
	uint32_t max_resources;
	uint32_t reserved2;
};

/*
 * Feature bits. XENLEND_F_RENDER: the broker runs a renderer for this guest;
 * CAPSET_INFO, CAPSET, CTX_CREATE, CTX_DESTROY, SUBMIT, RES3D_CREATE,
 * TRANSFER_TO_HOST, TRANSFER_FROM_HOST, CTX_ATTACH, CTX_DETACH and FENCE are
 * valid only once it was granted.
 */
#define XENLEND_F_RENDER		0x1ull
#define XENLEND_F_ALL			XENLEND_F_RENDER

/* Kinds of resource. */
#define XENLEND_RES_HOST		1	/* dom0 memory, lent page by page */
#define XENLEND_RES_GUEST		2	/* guest memory, granted to dom0 */

/*
 * RESOURCE_CREATE flags. XENLEND_CREATE_BLOB: a XENLEND_RES_HOST resource
 * whose memory the renderer allocates: the HOST3D blob @blob_id of
 * rendering context @ctx_id (non-zero), e.g. venus's shared ring (blob id
 * 0) or a VkDeviceMemory. Valid once XENLEND_F_RENDER was granted; it is
 * answered when the renderer is done. Without it, a host resource is plain
 * memory of the broker's and @blob_id must be zero. The other three are
 * virtio-gpu's blob flags, for renderer blobs only: MAPPABLE (the guest maps
 * it: the memory is lent; required today), SHAREABLE and CROSS_DEVICE.
 */
#define XENLEND_CREATE_BLOB		0x1
#define XENLEND_CREATE_MAPPABLE		0x2
#define XENLEND_CREATE_SHAREABLE	0x4
#define XENLEND_CREATE_CROSS_DEVICE	0x8
#define XENLEND_CREATE_ALL		0xf

/**
 * struct xenlend_resource_create - RESOURCE_CREATE request body
 * @res_id: guest-chosen resource id, non-zero and unique per guest.
 * @kind: XENLEND_RES_*.
 * @size: size in bytes; a non-zero multiple of XENLEND_PAGE_SIZE.
 * @ctx_id: rendering context the resource belongs to (0: none).
 * @flags: XENLEND_CREATE_*.
 * @blob_id: with XENLEND_CREATE_BLOB, the renderer's blob id; else zero.
 *
 * Lent memory is the same whoever allocates it: FAULT, REVOKE and
 * RESOURCE_DESTROY treat every host resource alike. The response has no
 * body.
 */
struct xenlend_resource_create {
	uint32_t res_id;
	uint32_t kind;
	uint64_t size;
	uint32_t ctx_id;
	uint32_t flags;
	uint64_t blob_id;
};

/**
 * struct xenlend_resource_attach - RESOURCE_ATTACH request body
 * @res_id: a XENLEND_RES_GUEST resource of this guest.
 * @bulk_idx: bulk page holding @nr_grefs grant references (32-bit
 *	little-endian each), granted read-write to the broker's domain.
 * @first_page: index of the resource's page the first reference backs.
 * @nr_grefs: 1 to XENLEND_GREFS_PER_BULK_PAGE.
 *
 * Names the guest pages behind a guest resource, a bulk page of grant
 * references at a time; every page of the resource is named exactly once,
 * before the resource is used. The broker copies the references off the
 * bulk page before it answers. The response has no body.
 */
struct xenlend_resource_attach {
	uint32_t res_id;
	uint32_t bulk_idx;
	uint32_t first_page;
	uint32_t nr_grefs;
};

/**
 * struct xenlend_resource_destroy - RESOURCE_DESTROY request body
 * @res_id: resource to destroy. Everything lent for it is revoked first.
 * @reserved: must be zero.
 *
 * The response has no body.
 */
struct xenlend_resource_destroy {
	uint32_t res_id;
	uint32_t reserved;
};

/* FAULT access bits. */
#define XENLEND_ACCESS_READ		0x1
#define XENLEND_ACCESS_WRITE		0x2
#define XENLEND_ACCESS_ALL		(XENLEND_ACCESS_READ | XENLEND_ACCESS_WRITE)

/**
 * struct xenlend_fault - FAULT request body (guest -> broker)
 * @res_id: a XENLEND_RES_HOST resource of this guest.
 * @access: XENLEND_ACCESS_* the guest needs; READ at least.
 * @offset: start of the range, page aligned, inside the resource.
 * @length: length of the range, a non-zero multiple of XENLEND_PAGE_SIZE,
 *	at most XENLEND_FAULT_MAX_BYTES.
 * @bulk_idx: bulk page that receives the grant references.
 * @reserved: must be zero.
 */
struct xenlend_fault {
	uint32_t res_id;
	uint32_t access;
	uint64_t offset;
	uint64_t length;
	uint32_t bulk_idx;
	uint32_t reserved;
};

/**
 * struct xenlend_fault_rsp - FAULT response body (broker -> guest)
 * @offset: start of the lent range; equal to the request's offset.
 * @length: length of the lent range: at least one page, at most the
 *	requested length (the broker may lend less than asked).
 * @seq: the broker's revocation sequence number for this guest when the
 *	grants were made. A REVOKE with a higher @seq covering the range
 *	invalidates them.
 * @nr_grefs: number of grant references written at the start of bulk page
 *	@bulk_idx: exactly @length / XENLEND_PAGE_SIZE; or 0 when the range is
 *	device memory dom0 mapped into the guest's VRAM window.
 * @bulk_idx: the request's bulk page.
 * @window_page: with @nr_grefs 0, the page of the VRAM window where the
 *	range's first page is mapped (the rest follow it); else zero.
 * @reserved: must be zero.
 *
 * Device memory in the window is revoked like grants: the guest removes
 * its mappings and answers REVOKE; dom0 then removes the range from the
 * guest's physical address space (until then it stays there; a guest that
 * does not answer in time is paused first).
 */
struct xenlend_fault_rsp {
	uint64_t offset;
	uint64_t length;
	uint64_t seq;
	uint32_t nr_grefs;
	uint32_t bulk_idx;
	uint32_t window_page;
	uint32_t reserved;
};

/**
 * struct xenlend_revoke - REVOKE request body (broker -> guest)
 * @res_id: resource whose pages are taken back.
 * @reserved: must be zero.
 * @offset: start of the revoked range, page aligned.
 * @length: length of the range, a non-zero multiple of XENLEND_PAGE_SIZE.
 * @seq: revocation sequence number, strictly increasing per guest.
 *
 * The guest stops every access to the range, unmaps its grants and answers
 * with a REVOKE response (REVOKE_DONE) whose body echoes @seq. The broker
 * waits for it a bounded time (one second by default). Then it ends every
 * grant of the range that the guest no longer maps, quarantines the pages
 * the guest still maps (never reused until the guest lets go) and
 * disconnects the guest; so does holding more quarantined memory than its
 * quota.
 */
struct xenlend_revoke {
	uint32_t res_id;
	uint32_t reserved;
	uint64_t offset;
	uint64_t length;
	uint64_t seq;
};

/**
 * struct xenlend_revoke_done - REVOKE response body (guest -> broker)
 * @seq: the REVOKE's sequence number.
 */
struct xenlend_revoke_done {
	uint64_t seq;
};

/**
 * struct xenlend_fence - FENCE request body (broker -> guest)
 * @ctx_id: rendering context.
 * @ring_idx: timeline within the context.
 * @fence_id: every fence of that timeline up to this one has completed.
 * @error: XENLEND_S_OK, or why they completed without executing (the
 *	renderer died or lost the context: XENLEND_S_IO).
 * @reserved: must be zero.
 *
 * The response has no body.
 */
struct xenlend_fence {
	uint32_t ctx_id;
	uint32_t ring_idx;
	uint64_t fence_id;
	uint32_t error;
	uint32_t reserved;
};

/**
 * struct xenlend_capset_info - CAPSET_INFO request body (guest -> broker)
 * @index: 0 for the first capability set, then 1, 2, ... until the broker
 *	answers XENLEND_S_NOENT.
 * @reserved: must be zero.
 */
struct xenlend_capset_info {
	uint32_t index;
	uint32_t reserved;
};

/**
 * struct xenlend_capset_info_rsp - CAPSET_INFO response body
 * @capset_id: virtio-gpu capability set id (VIRTGPU_CAPSET_*), non-zero.
 * @max_version: newest version of the set the renderer fills.
 * @max_size: size in bytes of the set, 1 to XENLEND_PAGE_SIZE.
 * @reserved: must be zero.
 */
struct xenlend_capset_info_rsp {
	uint32_t capset_id;
	uint32_t max_version;
	uint32_t max_size;
	uint32_t reserved;
};

/**
 * struct xenlend_capset - CAPSET request body (guest -> broker)
 * @capset_id: a set CAPSET_INFO listed.
 * @version: version wanted, at most its max_version.
 * @bulk_idx: bulk page that receives the bytes.
 * @reserved: must be zero.
 */
struct xenlend_capset {
	uint32_t capset_id;
	uint32_t version;
	uint32_t bulk_idx;
	uint32_t reserved;
};

/**
 * struct xenlend_capset_rsp - CAPSET response body
 * @capset_id: the request's.
 * @version: the request's.
 * @size: bytes written at the start of bulk page @bulk_idx, 1 to
 *	XENLEND_PAGE_SIZE.
 * @bulk_idx: the request's.
 */
struct xenlend_capset_rsp {
	uint32_t capset_id;
	uint32_t version;
	uint32_t size;
	uint32_t bulk_idx;
};

/** @XENLEND_MAX_RINGS: most fence timelines (rings) of one context. */
#define XENLEND_MAX_RINGS		64

/**
 * struct xenlend_ctx_create - CTX_CREATE request body (guest -> broker)
 * @ctx_id: guest-chosen context id, non-zero and unique per guest.
 * @capset_id: capability set the context speaks (its command format).
 * @num_rings: fence timelines the context uses, 1 to XENLEND_MAX_RINGS.
 * @reserved: must be zero.
 *
 * The response has no body.
 */
struct xenlend_ctx_create {
	uint32_t ctx_id;
	uint32_t capset_id;
	uint32_t num_rings;
	uint32_t reserved;
};

/**
 * struct xenlend_ctx_destroy - CTX_DESTROY request body
 * @ctx_id: context to destroy; its unsignalled fences complete with an error.
 * @reserved: must be zero.
 *
 * The response has no body.
 */
struct xenlend_ctx_destroy {
	uint32_t ctx_id;
	uint32_t reserved;
};

/* SUBMIT flags. */
#define XENLEND_SUBMIT_MORE		0x1	/* more chunks of this stream follow */
#define XENLEND_SUBMIT_FENCE		0x2	/* last chunk: signal @fence_id */
#define XENLEND_SUBMIT_ALL		(XENLEND_SUBMIT_MORE | XENLEND_SUBMIT_FENCE)

/** @XENLEND_SUBMIT_MAX_BYTES: largest command stream, all chunks together. */
#define XENLEND_SUBMIT_MAX_BYTES	0x100000u	/* 1 MiB */

/**
 * struct xenlend_submit - SUBMIT request body (guest -> broker)
 * @ctx_id: the context the commands are for.
 * @flags: XENLEND_SUBMIT_*.
 * @fence_id: with XENLEND_SUBMIT_FENCE, the fence to signal on @ring_idx
 *	once the stream has executed; strictly increasing per ring. Else zero.
 * @ring_idx: timeline of @fence_id, below the context's num_rings; zero
 *	without XENLEND_SUBMIT_FENCE.
 * @bulk_idx: bulk page holding this chunk.
 * @length: bytes of this chunk at the start of the bulk page: a multiple of
 *	4, at most XENLEND_PAGE_SIZE; zero only in a last chunk.
 * @offset: where this chunk goes in the stream, a multiple of 4. Offset 0
 *	starts a new stream and drops whatever an unfinished one had staged;
 *	any other offset must equal the bytes staged so far.
 *
 * A command stream larger than a page is sent as chunks, every one but the
 * last with XENLEND_SUBMIT_MORE, in order, for one context at a time. The
 * renderer executes the stream when the last chunk arrives; the response to
 * a chunk means it was staged and the bulk page is free again. Errors while
 * executing are reported by the stream's FENCE. The response has no body.
 */
struct xenlend_submit {
	uint32_t ctx_id;
	uint32_t flags;
	uint64_t fence_id;
	uint32_t ring_idx;
	uint32_t bulk_idx;
	uint32_t length;
	uint32_t offset;
};

/** @XENLEND_RES3D_MAX_TARGET: largest Gallium texture target (PIPE_*). */
#define XENLEND_RES3D_MAX_TARGET	8

/**
 * struct xenlend_res3d_create - RES3D_CREATE request body (guest -> broker)
 * @res_id: a XENLEND_RES_GUEST resource of this guest, every page attached,
 *	not yet known to the renderer.
 * @ctx_id: context the resource is attached to (0: none).
 * @target: Gallium texture target, at most XENLEND_RES3D_MAX_TARGET.
 * @format: virgl format.
 * @bind: virgl bind flags.
 * @width: in texels, non-zero.
 * @height: in texels, non-zero.
 * @depth: in texels, non-zero.
 * @array_size: layers, non-zero.
 * @last_level: last mipmap level, below 32.
 * @nr_samples: samples per texel (0: not multisampled).
 * @flags: virgl resource flags.
 *
 * The fields are virtio-gpu's RESOURCE_CREATE_3D and are checked by the
 * renderer; the guest's pages become the resource's backing store, which
 * TRANSFER_TO_HOST reads and TRANSFER_FROM_HOST writes. The response has no
 * body.
 */
struct xenlend_res3d_create {
	uint32_t res_id;
	uint32_t ctx_id;
	uint32_t target;
	uint32_t format;
	uint32_t bind;
	uint32_t width;
	uint32_t height;
	uint32_t depth;
	uint32_t array_size;
	uint32_t last_level;
	uint32_t nr_samples;
	uint32_t flags;
};

/**
 * struct xenlend_transfer - TRANSFER_TO_HOST / TRANSFER_FROM_HOST body
 * @res_id: a resource RES3D_CREATE made.
 * @ctx_id: the context the transfer belongs to (0: none).
 * @offset: byte offset of the box's first texel in the backing store.
 * @x: box origin, in texels.
 * @y: box origin.
 * @w: box width, non-zero.
 * @h: box height, non-zero.
 * @z: box origin (layer or slice).
 * @d: box depth, non-zero.
 * @level: mipmap level, below 32.
 * @reserved: must be zero.
 * @stride: bytes per row in the backing store (0: the renderer's default).
 * @layer_stride: bytes per layer (0: likewise).
 *
 * TRANSFER_TO_HOST copies the box from the guest's pages into the
 * renderer's resource, TRANSFER_FROM_HOST the other way. Both execute in
 * order with the guest's command streams; the response means the copy is
 * done. The response has no body.
 */
struct xenlend_transfer {
	uint32_t res_id;
	uint32_t ctx_id;
	uint64_t offset;
	uint32_t x;
	uint32_t y;
	uint32_t w;
	uint32_t h;
	uint16_t z;
	uint16_t d;
	uint16_t level;
	uint16_t reserved;
	uint32_t stride;
	uint32_t layer_stride;
};

/**
 * struct xenlend_ctx_resource - CTX_ATTACH / CTX_DETACH request body
 * @ctx_id: a rendering context of this guest.
 * @res_id: a resource of this guest the renderer has (RES3D_CREATE made
 *	it, or it is a renderer blob), made in any of its contexts.
 *
 * CTX_ATTACH lets @ctx_id's command streams and transfers use the
 * resource, the way virtio-gpu's CTX_ATTACH_RESOURCE does: a buffer one
 * process made and another imported (a client's frame in a compositor).
 * CTX_DETACH takes that back. The context a resource was made in has it
 * attached from the start; attaching twice or detaching what is not
 * attached changes nothing. Destroying a resource or a context detaches
 * it everywhere. The response has no body.
 */
struct xenlend_ctx_resource {
	uint32_t ctx_id;
	uint32_t res_id;
};

/**
 * struct xenlend_nop - NOP request and response body
 * @cookie: any value; the response carries the request's.
 *
 * A round trip to the renderer and back that does nothing there: the
 * broker forwards it to the guest's render worker, which answers it at
 * once. It measures what every renderer request pays on top of its work
 * (the benchmarks' bare round trip), and a guest may use it to learn that
 * its renderer still answers.
 */
struct xenlend_nop {
	uint64_t cookie;
};

/**
 * struct xenlend_msg - one ring slot
 * @hdr: the header.
 * @body: the type's body; bytes past @hdr.len must be zero.
 * @u: the bodies by type.
 */
struct xenlend_msg {
	struct xenlend_hdr hdr;
	union {
		uint8_t body[XENLEND_BODY_SIZE];
		struct xenlend_hello hello;
		struct xenlend_hello_rsp hello_rsp;
		struct xenlend_resource_create create;
		struct xenlend_resource_destroy destroy;
		struct xenlend_resource_attach attach;
		struct xenlend_fault fault;
		struct xenlend_fault_rsp fault_rsp;
		struct xenlend_revoke revoke;
		struct xenlend_revoke_done revoke_done;
		struct xenlend_fence fence;
		struct xenlend_capset_info capset_info;
		struct xenlend_capset_info_rsp capset_info_rsp;
		struct xenlend_capset capset;
		struct xenlend_capset_rsp capset_rsp;
		struct xenlend_ctx_create ctx_create;
		struct xenlend_ctx_destroy ctx_destroy;
		struct xenlend_submit submit;
		struct xenlend_res3d_create res3d_create;
		struct xenlend_transfer transfer;
		struct xenlend_ctx_resource ctx_res;
		struct xenlend_nop nop;
	} u;
};

/*
 * The two rings. Requests and responses share struct xenlend_msg, so every
 * slot is XENLEND_MSG_SIZE bytes and a 4 KiB page holds 32 of them.
 * xenlend_ctrl: front = guest, back = broker.
 * xenlend_evt:  front = broker, back = guest.
 */
DEFINE_RING_TYPES(xenlend_ctrl, struct xenlend_msg, struct xenlend_msg);
DEFINE_RING_TYPES(xenlend_evt, struct xenlend_msg, struct xenlend_msg);

#endif /* XENLEND_IF_H */

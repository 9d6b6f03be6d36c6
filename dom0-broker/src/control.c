// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the local control socket (a root-only SOCK_SEQPACKET unix
 * socket). One command per connection, one reply:
 *
 *   status                      one line per served guest
 *
 * and, only in a broker built with TEST_HOOKS=1 (the others answer "not
 * built with test hooks"):
 *
 *   inject-evt DOMID HEX128     with --test-hooks: put 64 raw bytes on the
 *                               guest's event ring, unvalidated
 *   fence DOMID CTX RING FENCE  send a FENCE event the renderer never
 *                               completed
 *   refill|punch|revoke|migrate DOMID RES [OFF LEN]
 *                               with --test-hooks: act on a host resource's
 *                               memory as dom0 would (see cmd_memory())
 *   revoke-all DOMID [STEP]     with --test-hooks: the explicit revoke of
 *                               every host resource of the guest, whole or
 *                               STEP bytes at a time
 *   protect DOMID TIMES         with --test-hooks: mprotect() storm on every
 *                               host resource of the guest
 *   worker-exec DOMID PROGRAM   with --test-hooks: run PROGRAM confined as
 *                               the guest's render worker (attacker code)
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "broker.h"
#include "control.h"
#include "conn.h"
#include "engine.h"
#include "guests.h"
#include "host_mem.h"
#include "log.h"
#include "resources.h"
#include "ring_put.h"
#include "xenlend_wire.h"
#include "msgs.h"
#include "render_jail.h"
#include "render_worker.h"

/**
 * control_open() - create the control socket and add it to the epoll set
 * @b: the broker; @b->ctl_fd receives the listening socket.
 *
 * The socket is only accessible to root (umask 077); a stale one at the
 * configured path is replaced.
 *
 * Return: 0, or a negative errno.
 */
int control_open(struct broker *b)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	mode_t old;

	if (strlen(b->cfg.control_socket) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, b->cfg.control_socket);
	b->ctl_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (b->ctl_fd < 0)
		return -errno;
	unlink(addr.sun_path);
	old = umask(077);
	if (bind(b->ctl_fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(b->ctl_fd, 8)) {
		int err = -errno;

		umask(old);
		log_msg(LOG_ERR, "control socket %s: %s", addr.sun_path, strerror(errno));
		close(b->ctl_fd);
		b->ctl_fd = -1;
		return err;
	}
	umask(old);
	ev.data.u64 = (uint64_t)b->ctl_fd;
	if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, b->ctl_fd, &ev))
		return -errno;
	return 0;
}

static void cmd_status(struct broker *b, char *out, size_t len)
{
	size_t used = 0;
	struct conn *c;

	out[0] = '\0';
	for (c = b->conns; c && used < len; c = c->next)
		used += (size_t)snprintf(out + used, len - used,
			"dom%d name=%s connected=%d hello=%d requests=%" PRIu64
			" rejected=%" PRIu64 " refused=%" PRIu64 " resources=%u faults=%" PRIu64
			" fault_pages=%" PRIu64 " revoked_pages=%" PRIu64
			" quarantined_pages=%" PRIu64 " late_revokes=%" PRIu64 " revokes_sent=%"
			PRIu64 " revokes_joined=%" PRIu64 " revokes_pending=%u banned=%d"
			" render_worker=%d render_failed=%d contexts=%u submits=%" PRIu64
			" fences=%" PRIu64 " vram_window=%" PRIu64 " vram_bytes=%" PRIu64
			" vram_mapped_pages=%" PRIu64 " wakeups=%" PRIu64 " worker_wakeups=%"
			PRIu64 " evtchn_sends=%" PRIu64 "\n",
			c->domid, c->name, c->connected, c->gs.hello_done,
			c->gs.stats_requests, c->gs.stats_rejected, c->gs.stats_refused,
			c->gs.nr_resources, c->gs.stats_faults, c->gs.stats_fault_pages,
			c->revoked_pages, c->quarantined_pages, c->late_revokes, c->sent_revokes,
			c->joined_revokes, c->nr_revokes, c->banned,
			c->render_pid, c->gs.render.failed, c->gs.render.nr_ctxs,
			c->gs.render.stats_submits, c->gs.render.stats_fences, c->win_pages,
			c->vram_bytes, c->vram_mapped_pages, c->stats_wakeups,
			c->stats_worker_wakeups, c->stats_evtchn_sends);
	if (!b->conns)
		snprintf(out, len, "no guests\n");
}

/*
 * The commands that exist only to test the broker against hostile guests
 * and against dom0 taking memory back: they put raw or forged messages on
 * a guest's rings and act on lent memory behind the guest's back. They are
 * compiled only into a broker built with TEST_HOOKS=1, and even there each
 * but "fence" needs --test-hooks.
 */
static bool is_test_hook(int argc, char **argv)
{
	return (argc == 3 && !strcmp(argv[0], "inject-evt")) ||
	       (argc >= 3 && (!strcmp(argv[0], "punch") || !strcmp(argv[0], "revoke") ||
			      !strcmp(argv[0], "refill") || !strcmp(argv[0], "migrate"))) ||
	       ((argc == 2 || argc == 3) && !strcmp(argv[0], "revoke-all")) ||
	       (argc == 3 && !strcmp(argv[0], "protect")) ||
	       (argc == 3 && !strcmp(argv[0], "worker-exec")) ||
	       (argc == 5 && !strcmp(argv[0], "fence"));
}

#ifdef XENLEND_TEST_HOOKS
static int parse_hex(const char *hex, void *out, size_t len)
{
	unsigned char *p = out;
	size_t i;

	if (strlen(hex) != 2 * len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return -EINVAL;
		p[i] = (unsigned char)byte;
	}
	return 0;
}

static void cmd_send(struct broker *b, struct xenlend_msg *m, bool raw, int domid,
		     char *out, size_t len)
{
	struct conn *c = guests_find(b, domid);
	uint64_t id;
	int err;

	if (!c) {
		snprintf(out, len, "error: no guest dom%d\n", domid);
		return;
	}
	err = ring_put_evt(c, m, raw, &id);
	if (err)
		snprintf(out, len, "error: %s\n", strerror(-err));
	else
		snprintf(out, len, "sent id %" PRIu64 "\n", id);
}

/*
 * Test hooks that act on a host resource's memory the way dom0's MM or GPU
 * driver would: "punch DOMID RES OFF LEN" frees pages of a memfd (hole
 * punch), "revoke DOMID RES OFF LEN" zaps the broker's mapping of them (the
 * explicit revoke; a GPU buffer's mapping cannot be zapped from here, so the
 * broker takes the range back itself, XENLEND_HOST_IOC_REVOKE), "migrate
 * DOMID RES OFF LEN" puts fresh zeroed memory of the same kind in their
 * place, unmapping the old (a GPU driver moving a buffer; for a GPU buffer
 * that is its last mapping, so it is freed), and "refill DOMID RES" writes
 * the next generation of the pattern.
 */
/* Put fresh memory at @off..@off + @n of @r: 0, or -1 with errno set. */
static int migrate(struct conn *c, struct guest_resource *r, uint64_t off, uint64_t n)
{
	int dmabuf_fd, err = 0;

	/* Out of VRAM it goes whole: its place in the window stays its own. */
	if (r->vram && (off || n != r->size)) {
		errno = EINVAL;
		return -1;
	}
	if (host_mem_map(c->gpu_fd, n, (char *)r->map + off, "xenlend-migrated", NULL,
			 &dmabuf_fd) == MAP_FAILED)
		return -1;
	/* The new buffer is lent pinned like the old. */
	if (dmabuf_fd >= 0) {
		err = engine_set_backing(c, r, off, n, dmabuf_fd);
		close(dmabuf_fd);
	}
	if (err) {
		errno = -err;
		return -1;
	}
	r->vram = false;	/* from now on it is granted, as system memory */
	return 0;
}

static void cmd_memory(struct broker *b, int argc, char **argv, char *out, size_t len)
{
	struct conn *c = guests_find(b, atoi(argv[1]));
	struct guest_resource *r = c ? guest_find_resource(&c->gs, (uint32_t)atoi(argv[2])) : NULL;
	uint64_t off = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	uint64_t n = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
	int err = 0;

	if (!r || r->kind != XENLEND_RES_HOST || !r->map) {
		snprintf(out, len, "error: no host resource %s of dom%s\n", argv[2], argv[1]);
		return;
	}
	if (!strcmp(argv[0], "refill")) {
		r->generation++;
		host_mem_fill(r->map, r->size, r->res_id, r->generation);
		snprintf(out, len, "ok generation %u\n", r->generation);
		return;
	}
	if (argc != 5 || off % XENLEND_PAGE_SIZE || n % XENLEND_PAGE_SIZE || !n ||
	    off >= r->size || n > r->size - off) {
		snprintf(out, len, "error: bad range\n");
		return;
	}
	if (!strcmp(argv[0], "punch") && !r->shmem) {
		snprintf(out, len, "error: not a memfd: use migrate\n");
		return;
	}
	if (!strcmp(argv[0], "punch"))	/* a hole punched through the mapping */
		err = madvise((char *)r->map + off, n, MADV_REMOVE);
	else if (!strcmp(argv[0], "migrate"))
		err = migrate(c, r, off, n);
	else if (r->shmem)
		err = madvise((char *)r->map + off, n, MADV_DONTNEED);
	else	/* madvise() refuses a GPU buffer's VM_PFNMAP; errno is set */
		err = engine_revoke(c, r, off, n);
	if (err)
		snprintf(out, len, "error: %s\n", strerror(errno));
	else
		snprintf(out, len, "ok\n");
}

/*
 * "revoke-all DOMID [STEP]": zap the broker's mapping of every host
 * resource of the guest, whatever allocated it (the renderer's blobs too):
 * as if dom0 needed all of it back at once; with STEP, in pieces of STEP
 * bytes, one invalidation each. Mappings that cannot be zapped this way (a
 * dma-buf's PFN mapping) are left alone and not counted.
 */
static void cmd_revoke_all(struct broker *b, int domid, uint64_t step, char *out, size_t len)
{
	struct conn *c = guests_find(b, domid);
	struct guest_resource *r;
	unsigned int i, n = 0;
	uint64_t off;

	if (!c || !c->gs.resources) {
		snprintf(out, len, "error: no connected guest dom%d\n", domid);
		return;
	}
	if (step % XENLEND_PAGE_SIZE) {
		snprintf(out, len, "error: STEP is not a multiple of %u\n", XENLEND_PAGE_SIZE);
		return;
	}
	for (i = 0; i < c->cfg->max_resources; i++) {
		int err = 0;

		r = &c->gs.resources[i];
		if (!r->res_id || r->kind != XENLEND_RES_HOST || !r->map)
			continue;
		for (off = 0; off < r->size && !err; off += step ? step : r->size)
			err = madvise((char *)r->map + off,
				      step && step < r->size - off ? step : r->size - off,
				      MADV_DONTNEED);
		n += !err;
	}
	snprintf(out, len, "ok %u revoked\n", n);
}

/*
 * "protect DOMID TIMES": TIMES times, make the broker's mapping of every
 * host resource of the guest read-only, then writable again: what
 * mprotect() does takes nothing away, and the guest keeps what it maps.
 */
static void cmd_protect(struct broker *b, int domid, unsigned long times, char *out, size_t len)
{
	struct conn *c = guests_find(b, domid);
	struct guest_resource *r;
	unsigned long n = 0;

	if (!c || !c->gs.resources) {
		snprintf(out, len, "error: no connected guest dom%d\n", domid);
		return;
	}
	while (times--) {
		for (unsigned int i = 0; i < c->cfg->max_resources; i++) {
			r = &c->gs.resources[i];
			if (!r->res_id || r->kind != XENLEND_RES_HOST || !r->map)
				continue;
			if (mprotect(r->map, r->size, PROT_READ) ||
			    mprotect(r->map, r->size, PROT_READ | PROT_WRITE)) {
				snprintf(out, len, "error: %s\n", strerror(errno));
				return;
			}
			n++;
		}
	}
	snprintf(out, len, "ok %lu changes\n", 2 * n);
}

/*
 * Run PATH the way the guest's render worker runs, confined the same way
 * (its user, limits, cgroup, seccomp filter, its guest's grant device
 * file): what a worker taken over by its guest's command stream could do.
 */
static void cmd_worker_exec(struct broker *b, int domid, const char *path, char *out,
			    size_t len)
{
	struct conn *c = guests_find(b, domid);
	struct render_jail jail;
	int fd, pid = 0;

	if (!c || !c->connected) {
		snprintf(out, len, "error: no guest %d connected\n", domid);
		return;
	}
	fd = render_jail_prepare(&b->cfg, domid, &jail);
	if (!fd)
		fd = render_worker_start(path, &jail, b->cfg.render_software, domid, c->gntdev_fd,
					 &pid);
	render_jail_release(&jail);
	if (fd < 0) {
		snprintf(out, len, "error: %s\n", strerror(-fd));
		return;
	}
	close(fd);
	if (render_worker_forget(pid, domid))
		log_msg(LOG_WARN, "worker-exec: pid %d will not be reaped", pid);
	snprintf(out, len, "ok pid %d\n", pid);
}

/* A command is_test_hook() accepted. */
static void run_test_hook(struct broker *b, int argc, char **argv, char *out, size_t len)
{
	struct xenlend_msg m;

	if (!strcmp(argv[0], "inject-evt")) {
		if (!b->test_hooks) {
			snprintf(out, len, "error: inject-evt needs --test-hooks\n");
			return;
		}
		if (parse_hex(argv[2], &m, sizeof(m))) {
			snprintf(out, len, "error: expected %zu hex digits\n", 2 * sizeof(m));
			return;
		}
		cmd_send(b, &m, true, atoi(argv[1]), out, len);
	} else if (!strcmp(argv[0], "revoke-all")) {
		if (!b->test_hooks) {
			snprintf(out, len, "error: revoke-all needs --test-hooks\n");
			return;
		}
		cmd_revoke_all(b, atoi(argv[1]), argc == 3 ? strtoull(argv[2], NULL, 0) : 0, out,
			       len);
	} else if (!strcmp(argv[0], "protect")) {
		if (!b->test_hooks) {
			snprintf(out, len, "error: protect needs --test-hooks\n");
			return;
		}
		cmd_protect(b, atoi(argv[1]), strtoul(argv[2], NULL, 0), out, len);
	} else if (!strcmp(argv[0], "worker-exec")) {
		if (!b->test_hooks) {
			snprintf(out, len, "error: worker-exec needs --test-hooks\n");
			return;
		}
		cmd_worker_exec(b, atoi(argv[1]), argv[2], out, len);
	} else if (!strcmp(argv[0], "fence")) {
		msg_fence(&m, (uint32_t)strtoul(argv[2], NULL, 0),
			  (uint32_t)strtoul(argv[3], NULL, 0), strtoull(argv[4], NULL, 0),
			  XENLEND_S_OK);
		cmd_send(b, &m, false, atoi(argv[1]), out, len);
	} else {	/* punch, revoke, refill, migrate */
		if (!b->test_hooks) {
			snprintf(out, len, "error: %s needs --test-hooks\n", argv[0]);
			return;
		}
		cmd_memory(b, argc, argv, out, len);
	}
}
#endif /* XENLEND_TEST_HOOKS */

static void run_command(struct broker *b, char *cmd, char *out, size_t len)
{
	char *argv[8], *save = NULL;
	int argc = 0;

	for (char *tok = strtok_r(cmd, " \n", &save); tok && argc < 8;
	     tok = strtok_r(NULL, " \n", &save))
		argv[argc++] = tok;

	if (argc == 1 && !strcmp(argv[0], "status")) {
		cmd_status(b, out, len);
	} else if (is_test_hook(argc, argv)) {
#ifdef XENLEND_TEST_HOOKS
		run_test_hook(b, argc, argv, out, len);
#else
		snprintf(out, len, "error: %s: not built with test hooks (TEST_HOOKS=1)\n",
			 argv[0]);
#endif
	} else {
		snprintf(out, len, "error: unknown command\n");
	}
}

/**
 * control_handle() - serve one client of the control socket
 * @b: the broker.
 *
 * Accepts one connection, reads one command (waiting a second at most),
 * sends the reply and closes the connection.
 */
void control_handle(struct broker *b)
{
	char cmd[512], out[16384];
	ssize_t n;
	int fd;

	fd = accept4(b->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* A client that connects and says nothing must not stall the broker. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 1 },
		   sizeof(struct timeval));
	n = recv(fd, cmd, sizeof(cmd) - 1, 0);
	if (n > 0) {
		cmd[n] = '\0';
		run_command(b, cmd, out, sizeof(out));
		send(fd, out, strlen(out), MSG_NOSIGNAL);
	}
	close(fd);
}

/**
 * control_close() - close the control socket and remove its path
 * @b: the broker; safe to call when the socket was never opened.
 */
void control_close(struct broker *b)
{
	if (b->ctl_fd >= 0) {
		close(b->ctl_fd);
		unlink(b->cfg.control_socket);
	}
	b->ctl_fd = -1;
}

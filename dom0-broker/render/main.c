// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-render: the per-guest render worker of xenlend-broker.
 *
 * This file: start-up and the main loop. The other files, each with its
 * header, from the top down (each calls only files below it):
 * requests.c the broker's requests, the guest's contexts, their staged
 * command streams and their fence timelines; resources.c the guest's 3D
 * resources over its own pages; contexts.c the table of contexts; virgl.c
 * every call into virglrenderer; ipc.c the socket to the broker and the
 * poll set; log.c the log.
 *
 * The worker exits with status 0 when the broker closes the socket.
 *
 * Usage: xenlend-render [--domid N] [--fence-timeout SECONDS] [--ctx0-fences]
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "ipc.h"
#include "log.h"
#include "requests.h"
#include "resources.h"
#include "virgl.h"

/* Default seconds a venus timeline may stand still (research §6 item 4). */
#define DEFAULT_FENCE_TIMEOUT_S	30

/* The kernel's word on this process's seccomp mode (2: a filter). */
static void log_seccomp(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp:", 8))
			rw_log("seccomp mode %d", atoi(line + 8));
	if (f)
		fclose(f);
}

static void usage(void)
{
	fprintf(stderr, "usage: xenlend-render [--domid N] [--fence-timeout SECONDS] [--ctx0-fences]\n"
			"The socket to the broker must be file descriptor %d.\n",
		RENDER_WORKER_FD);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int fence_timeout = DEFAULT_FENCE_TIMEOUT_S;
	bool ctx0_fences = false;
	struct rw_event evs[16];
	struct rw_packet pkt;
	int i, n, err, type, pfd;
	socklen_t tlen = sizeof(type);
	uint64_t t0;
	char *end = "";

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ctx0-fences")) {
			ctx0_fences = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--domid"))
			rw_domid = (int)strtol(argv[++i], &end, 10);
		else if (!strcmp(argv[i], "--fence-timeout"))
			fence_timeout = (unsigned int)strtoul(argv[++i], &end, 10);
		else
			usage();
		if (*end)
			usage();
	}
	/* The broker may be killed without closing anything. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/*
	 * execve() made this process dumpable again: it holds its guest's
	 * memory and files, so even its own user may not trace it or open
	 * its /proc files (the render server it starts does the same or not:
	 * it runs as the same user only).
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		rw_log("cannot make myself non-dumpable: %s", strerror(errno));
		return 1;
	}
	if (getsockopt(RENDER_WORKER_FD, SOL_SOCKET, SO_TYPE, &type, &tlen) ||
	    type != SOCK_SEQPACKET) {
		rw_log("file descriptor %d is not a SOCK_SEQPACKET socket", RENDER_WORKER_FD);
		return 2;
	}

	log_seccomp();
	/* Requests wait in the socket meanwhile. */
	t0 = rw_now_ms();
	err = vr_init(&req_fence_ops);
	if (err)
		rw_log("virglrenderer failed to start (%d): every request fails with I/O error",
		       err);
	else
		rw_log("virglrenderer started in %llu ms",
		       (unsigned long long)(rw_now_ms() - t0));
	req_init(!err, fence_timeout, ctx0_fences);

	if (rw_ipc_init())
		return 1;
	pfd = err ? -1 : vr_poll_fd();
	if (pfd >= 0)
		rw_watch_renderer(pfd);

	while (!rw_peer_gone()) {
		int timeout = req_next_deadline_ms();

		/* Without a poll fd, fences are only found by polling. */
		if (!err && pfd < 0 && (timeout < 0 || timeout > 10))
			timeout = 10;
		n = rw_wait(evs, sizeof(evs) / sizeof(evs[0]), timeout);
		if (n < 0)
			break;
		for (i = 0; i < n && !rw_peer_gone(); i++) {
			switch (evs[i].source) {
			case RW_SOURCE_SOCKET:
				if (rw_recv(evs[i].events, &pkt))
					req_handle(pkt.m, pkt.payload, pkt.len);
				break;
			case RW_SOURCE_RENDERER:
				vr_poll();
				break;
			case RW_SOURCE_CTX:
				req_poll_ctx(evs[i].ctx_id);
				break;
			}
		}
		if (!err && pfd < 0)
			vr_poll();
		req_expire();
	}
	if (!err) {
		res_destroy_all();
		vr_cleanup();
	}
	rw_log("broker gone, exiting");
	return 0;
}

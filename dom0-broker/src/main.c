// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the dom0 daemon that serves xenlend guests.
 *
 * One event loop: xenstore watches (guests appearing and going, frontend
 * state changes), each guest's event channel, the control socket and the
 * termination signals. Started by xenlend-broker.service (Type=notify).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <execinfo.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#else
static int sd_notify(int unset, const char *state)
{
	(void)unset;
	(void)state;
	return 0;
}
#endif

#include "broker.h"
#include "config.h"
#include "conn.h"
#include "control.h"
#include "engine.h"
#include "guests.h"
#include "log.h"
#include "render_jail.h"
#include "render_worker.h"
#include "revoke.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: xenlend-broker [--config FILE] [--verbose] [--test-hooks]\n"
		   "  --config FILE  configuration (default /etc/xenlend/broker.conf)\n"
		   "  --verbose      log debug messages\n"
		   "  --test-hooks   accept test-only control commands\n");
}

/*
 * A crash says how in the log before the default action (a core dump for
 * systemd-coredump) is taken: which signal, the address it concerns where
 * there is one, and the return addresses of the stack as offsets in the
 * binary (addr2line -e xenlend-broker). It runs on its own stack, so that
 * an overflow is reported too; backtrace() was loaded at start, the rest
 * is async-signal-safe.
 */
static void fatal_signal(int sig, siginfo_t *si, void *uc)
{
	static const char hex[] = "0123456789abcdef";
	char msg[64] = "xenlend-broker: fatal signal ";
	size_t len = strlen(msg);
	uintptr_t addr = (uintptr_t)si->si_addr;
	void *frames[32];

	(void)uc;
	msg[len++] = (char)('0' + sig / 10 % 10);
	msg[len++] = (char)('0' + sig % 10);
	if (sig != SIGABRT) {
		memcpy(msg + len, " at 0x", 6);
		len += 6;
		for (int i = 2 * (int)sizeof(addr) - 1; i >= 0; i--)
			msg[len++] = hex[(addr >> (4 * i)) & 0xf];
	}
	msg[len++] = '\n';
	if (write(STDERR_FILENO, msg, len) == (ssize_t)len)
		backtrace_symbols_fd(frames, backtrace(frames, 32), STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_fatal_signals(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = {
		.sa_sigaction = fatal_signal,
		.sa_flags = SA_SIGINFO | SA_ONSTACK,
	};
	void *frame;

	backtrace(&frame, 1);	/* loads libgcc's unwinder now, not in the handler */
	sigaltstack(&ss, NULL);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int add_fd(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Milliseconds epoll may sleep: 0 with work left, else until a deadline. */
/* How often stopped render workers are looked for while some are not reaped. */
#define REAP_POLL_MS	100

static int next_timeout(struct broker *b)
{
	uint64_t now = now_ms(), next = UINT64_MAX;

	for (struct conn *c = b->conns; c; c = c->next) {
		uint64_t d;

		if (c->more_work)
			return 0;
		d = revoke_expire(c, now);
		if (c->evict_why[0] && !c->banned)
			return 0;
		if (d < next)
			next = d;
		d = c->render_pid ? conn_render_expire(c, now) : UINT64_MAX;
		if (!d) {
			guests_render_failed(b, c);
			return 0;
		}
		if (d < next)
			next = d;
	}
	/* Stopped workers are reaped (and their cgroups removed) soon. */
	if (render_worker_dying() && next > now + REAP_POLL_MS)
		next = now + REAP_POLL_MS;
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

static void service(struct broker *b, struct conn *c)
{
	if (conn_service(c))
		guests_conn_failed(b, c, "guest corrupted a shared ring");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "test-hooks", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = "/etc/xenlend/broker.conf";
	struct broker b = { .ctl_fd = -1, .epfd = -1 };
	bool verbose = false, running = true;
	int opt, sfd, xsfd, ret = 1;
	sigset_t mask;

	while ((opt = getopt_long(argc, argv, "c:vth", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 't':
			b.test_hooks = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	log_init(verbose);
	catch_fatal_signals();
	config_defaults(&b.cfg);
	if (access(config, F_OK) == 0 && config_load(&b.cfg, config))
		return 1;
	if (engine_check_config(&b.cfg) || render_jail_init(&b.cfg))
		return 1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	b.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || b.epfd < 0 || add_fd(b.epfd, sfd)) {
		log_msg(LOG_ERR, "setup: %s", strerror(errno));
		return 1;
	}
	if (guests_open(&b))
		goto out;
	xsfd = xs_fileno(b.xs);
	if (xsfd < 0 || add_fd(b.epfd, xsfd)) {
		log_msg(LOG_ERR, "xenstore watch fd: %s", strerror(errno));
		goto out;
	}
	if (control_open(&b))
		goto out;

	guests_scan(&b);
	log_msg(LOG_INFO, "ready: backend domain %d, serving %s, host memory %s%s%s",
		b.own_domid, b.cfg.guests_all ? "all guests" : b.cfg.guests,
		b.cfg.host_memory == HOST_MEM_GPU ? "gpu:" : "memfd",
		b.cfg.host_memory == HOST_MEM_GPU ? b.cfg.host_memory_node : "",
		b.test_hooks ? " (test hooks on)" : "");
	sd_notify(0, "READY=1");

	while (running) {
		struct epoll_event evs[16];
		int n = epoll_wait(b.epfd, evs, 16, next_timeout(&b));

		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			struct conn *c;

			uint64_t tag = evs[i].data.u64;

			if (tag & EPOLL_TAG_GUEST) {
				c = guests_find(&b, (int)(tag & ~EPOLL_TAG_GUEST));
				if (c)
					service(&b, c);
			} else if (tag & EPOLL_TAG_RENDER) {
				c = guests_find(&b, (int)(tag & ~EPOLL_TAG_RENDER));
				if (c && c->connected && conn_render(c))
					guests_render_failed(&b, c);
			} else if (tag & EPOLL_TAG_HOST) {
				c = guests_find(&b, (int)(tag & ~EPOLL_TAG_HOST));
				if (c && c->connected)
					revoke_read_events(c);
			} else if (tag == (uint64_t)sfd) {
				running = false;
			} else if (tag == (uint64_t)xsfd) {
				guests_handle_watch(&b);
			} else if (tag == (uint64_t)b.ctl_fd) {
				control_handle(&b);
			}
		}
		for (struct conn *c = b.conns; c; c = c->next) {
			if (c->more_work)
				service(&b, c);
			if (c->evict_why[0] && !c->banned)
				guests_evict(&b, c);
		}
		render_worker_reap();
	}
	log_msg(LOG_INFO, "stopping");
	sd_notify(0, "STOPPING=1");
	ret = 0;
out:
	control_close(&b);
	guests_close(&b);
	render_worker_reap();
	render_jail_fini();
	close(b.epfd);
	close(sfd);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the per-guest render worker process.
 *
 * virglrenderer keeps one global state per process and runs guest command
 * streams in the calling process, so every guest gets its own worker
 * (xenlend-render): guests cannot see each other's contexts, and a guest
 * that crashes its renderer takes down nothing but its own worker. The
 * broker talks to it over a SOCK_SEQPACKET pair (render_ipc.h) and kills it
 * when the guest goes.
 *
 * The worker runs guest-controlled GPU command streams through Mesa: it
 * never keeps the broker's root privileges. It runs confined the way
 * render_jail.c says (its guest's own user, limits, cgroup, seccomp filter)
 * with no file of the broker but its socket and its guest's grant device
 * file.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "render_ipc.h"
#include "render_jail.h"
#include "render_worker.h"

extern char **environ;

/* Environment variables passed on to a worker, at most. */
#define MAX_ENV		128

/**
 * render_worker_start() - start a guest's render worker
 * @path: the worker program.
 * @jail: how it is confined, from render_jail_prepare().
 * @software: render with Mesa's software drivers only (no GPU in dom0): Mesa
 *	then does not probe DRM devices the worker may not open.
 * @domid: the guest, for the worker's log lines.
 * @gntdev_fd: the guest's grant device file, or -1.
 * @pid: receives the worker's process id.
 *
 * The worker gets its end of the socket as RENDER_WORKER_FD, @gntdev_fd (or
 * /dev/null) as RENDER_GNTDEV_FD and no other file of the broker.
 *
 * Return: the broker's end of the socket (non-blocking), or a negative errno.
 */
int render_worker_start(const char *path, const struct render_jail *jail, bool software,
			int domid, int gntdev_fd, int *pid)
{
	static const char soft[] = "LIBGL_ALWAYS_SOFTWARE=1";
	char *argv[] = { (char *)path, "--domid", NULL, NULL };
	char *envp[MAX_ENV + 2];
	unsigned int n = 0;
	char dom[16];
	int sv[2], err;
	pid_t child;

	/* The broker's environment, and the software switch when asked. */
	for (char **e = environ; *e && n < MAX_ENV; e++)
		if (strncmp(*e, "LIBGL_ALWAYS_SOFTWARE=", 22))
			envp[n++] = *e;
	if (software)
		envp[n++] = (char *)soft;
	envp[n] = NULL;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv))
		return -errno;
	snprintf(dom, sizeof(dom), "%d", domid);
	argv[2] = dom;
	child = fork();
	if (child < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (!child) {
		sigset_t none;

		/* The broker blocks SIGTERM/SIGINT for its signalfd. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (render_jail_enter(jail))
			_exit(126);
		if (gntdev_fd < 0)
			gntdev_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		/* Neither may land on the other's number before it is moved. */
		if (gntdev_fd == RENDER_WORKER_FD)
			gntdev_fd = fcntl(gntdev_fd, F_DUPFD_CLOEXEC, RENDER_GNTDEV_FD + 1);
		if (sv[1] == RENDER_GNTDEV_FD)
			sv[1] = fcntl(sv[1], F_DUPFD_CLOEXEC, RENDER_GNTDEV_FD + 1);
		/*
		 * dup2() onto its own number keeps close-on-exec: clear it, or
		 * a descriptor already at its place would not reach the worker.
		 */
		if (gntdev_fd < 0 || sv[1] < 0 ||
		    dup2(sv[1], RENDER_WORKER_FD) < 0 ||
		    fcntl(RENDER_WORKER_FD, F_SETFL, 0) < 0 ||
		    fcntl(RENDER_WORKER_FD, F_SETFD, 0) < 0 ||
		    dup2(gntdev_fd, RENDER_GNTDEV_FD) < 0 ||
		    fcntl(RENDER_GNTDEV_FD, F_SETFD, 0) < 0)
			_exit(127);
		closefrom(RENDER_GNTDEV_FD + 1);
		execve(path, argv, envp);
		fprintf(stderr, "xenlend-broker: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	*pid = child;
	log_msg(LOG_INFO, "dom%d: render worker %s started, pid %d, uid %u", domid, path,
		(int)child, (unsigned int)jail->uid);
	return sv[0];
}

/*
 * Children the broker no longer talks to (stopped workers; programs a test
 * hook started), reaped once they exit. Until reaped, a pid is not reused.
 */
#define MAX_DYING	64
static struct {
	int pid;
	int domid;
} dying[MAX_DYING];

/**
 * render_worker_forget() - reap a child once it exits, without waiting now
 * @pid: the child.
 * @domid: the guest whose cgroup it runs in; removed once empty.
 *
 * Return: 0, or -ENOSPC when too many children wait to be reaped.
 */
int render_worker_forget(int pid, int domid)
{
	unsigned int i;

	for (i = 0; i < MAX_DYING && dying[i].pid; i++)
		;
	if (i == MAX_DYING)
		return -ENOSPC;
	dying[i].pid = pid;
	dying[i].domid = domid;
	return 0;
}

/**
 * render_worker_stop() - stop a guest's render worker
 * @fd: the broker's end of its socket, or -1.
 * @pid: its process id, or 0.
 * @domid: the guest.
 *
 * Closing the socket asks the worker to exit; SIGKILL makes sure it does
 * (it may be stuck in guest-controlled GPU work), and so does everything
 * else in the guest's cgroup. Only stopped workers are reaped
 * (render_worker_reap()), so @pid cannot belong to another process yet: a
 * worker that exited on its own stays a zombie until then.
 */
void render_worker_stop(int fd, int pid, int domid)
{
	if (fd >= 0)
		close(fd);
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	render_jail_kill(domid);
	if (render_worker_forget(pid, domid)) {
		waitpid(pid, NULL, 0);	/* a SIGKILLed child: does not take long */
		render_jail_remove(domid);
	}
	render_worker_reap();
}

/**
 * render_worker_dying() - whether stopped children wait to be reaped
 *
 * Return: true while render_worker_reap() has work.
 */
bool render_worker_dying(void)
{
	for (unsigned int i = 0; i < MAX_DYING; i++)
		if (dying[i].pid)
			return true;
	return false;
}

/**
 * render_worker_reap() - collect the stopped workers that have exited
 *
 * A guest's cgroup goes with the last of them (a new worker of the guest
 * keeps it).
 */
void render_worker_reap(void)
{
	unsigned int i;
	int status, pid;

	for (i = 0; i < MAX_DYING; i++) {
		pid = dying[i].pid;
		if (!pid || waitpid(pid, &status, WNOHANG) != pid)
			continue;
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			log_msg(LOG_WARN, "render worker %d died of signal %d", pid,
				WTERMSIG(status));
		else if (WIFEXITED(status) && WEXITSTATUS(status))
			log_msg(LOG_WARN, "render worker %d exited with status %d", pid,
				WEXITSTATUS(status));
		dying[i].pid = 0;
		render_jail_remove(dying[i].domid);
	}
}

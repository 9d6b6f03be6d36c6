// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-worker-attack: attacker code for scenario worker-compromised.
 *
 * The broker's test hook "worker-exec DOMID PROGRAM" runs it confined
 * exactly as guest DOMID's render worker is (its user, limits, cgroup and
 * seccomp filter, with its guest's grant device file as descriptor 4): what
 * a worker taken over through its guest's command stream can run. It looks
 * for another guest's render worker in /proc (the unit's ProtectProc=
 * should hide it: then it takes the pid the scenario left in
 * /run/xenlend-attack-target, "PID DOMID", as an attacker that guessed
 * right), tries to reach it, the broker and the rest of dom0, and says how
 * each attempt ended, one line each on stderr:
 *
 *   ATTACK: <what>: refused (<error>)    or    ATTACK: <what>: SUCCEEDED
 *
 * then tries to exhaust processes and memory, saying how far it got. It
 * ends with "ATTACK: done", unless the memory it takes gets it killed.
 *
 * usage: xenlend-worker-attack --domid N   (as the broker starts workers)
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xen/sys/gntdev.h>

#define GNTDEV_FD	4	/* RENDER_GNTDEV_FD */
#define MAX_FORKS	100000
#define CHUNK		(16ul << 20)
#define MAX_MEMORY	(8ul << 30)

static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line: it shares the broker's log. */
	if (write(2, line, (size_t)n) < 0)
		_exit(3);
}

/* Report an attempt that returned @ret (-1 with errno: refused). */
static void attempt(const char *what, long ret)
{
	if (ret == -1)
		say("ATTACK: %s: refused (%s)", what, strerror(errno));
	else
		say("ATTACK: %s: SUCCEEDED", what);
}

/* The domain id in a render worker's command line, or -1. */
static int worker_domid(int pid)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (!strstr(buf, "xenlend-render"))
		return -1;
	/* argv is NUL-separated: program, "--domid", N. */
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		if (!strcmp(p, "--domid") && p + strlen(p) + 1 < buf + n)
			return atoi(p + strlen(p) + 1);
	return -1;
}

/* Another guest's render worker, found the way an attacker would. */
static int find_victim(int own, int *victim_dom)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int victim = -1;

	while (d && (de = readdir(d))) {
		int pid = atoi(de->d_name), dom;

		if (pid <= 0 || pid == getpid())
			continue;
		dom = worker_domid(pid);
		if (dom > 0 && dom != own) {
			victim = pid;
			*victim_dom = dom;
			break;
		}
	}
	if (d)
		closedir(d);
	return victim;
}

/* The target the scenario names, for when /proc shows none; -1 if none. */
static int told_victim(int *victim_dom)
{
	FILE *f = fopen("/run/xenlend-attack-target", "re");
	int pid = -1;

	if (f) {
		if (fscanf(f, "%d %d", &pid, victim_dom) != 2)
			pid = -1;
		fclose(f);
	}
	return pid;
}

static void identity(void)
{
	char line[256], cg[256] = "?";
	int seccomp = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp:", 8))
			seccomp = atoi(line + 8);
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	if (f && fgets(cg, sizeof(cg), f))
		cg[strcspn(cg, "\n")] = '\0';
	if (f)
		fclose(f);
	say("ATTACK: running as uid %u gid %u, seccomp mode %d, cgroup %s", (unsigned int)getuid(),
	    (unsigned int)getgid(), seccomp, cg);
}

static void attack_worker(int victim)
{
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	struct iovec local, remote;
	char path[64], byte;
	long ret = -1;
	int pidfd, err = 0;
	DIR *d;

	attempt("kill another guest's render worker", kill(victim, SIGKILL));
	attempt("stop another guest's render worker", kill(victim, SIGSTOP));
	attempt("ptrace another guest's render worker", ptrace(PTRACE_ATTACH, victim, NULL, NULL));
	attempt("seize another guest's render worker", ptrace(PTRACE_SEIZE, victim, NULL, NULL));
	snprintf(path, sizeof(path), "/proc/%d/mem", victim);
	attempt("open another guest's render worker's memory", open(path, O_RDONLY | O_CLOEXEC));
	local.iov_base = &byte;
	local.iov_len = 1;
	remote.iov_base = (void *)0x400000;
	remote.iov_len = 1;
	attempt("read another guest's render worker's memory",
		process_vm_readv(victim, &local, 1, &remote, 1, 0));
	snprintf(path, sizeof(path), "/proc/%d/environ", victim);
	attempt("read another guest's render worker's environment",
		open(path, O_RDONLY | O_CLOEXEC));
	snprintf(path, sizeof(path), "/proc/%d/fd", victim);
	d = opendir(path);
	attempt("list another guest's render worker's files", d ? 0 : -1);
	if (d)
		closedir(d);
	/* Its socket, its grant device file, its memfds: any of the first 64. */
	for (int fd = 0; fd < 64 && ret == -1; fd++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", victim, fd);
		ret = open(path, O_RDONLY | O_CLOEXEC);
		if (ret == -1 && errno != ENOENT)
			err = errno;
	}
	if (ret == -1 && err)
		errno = err;
	attempt("open another guest's render worker's files through /proc", ret);
	pidfd = (int)syscall(SYS_pidfd_open, victim, 0);
	ret = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, GNTDEV_FD, 0);
	attempt("take another guest's render worker's grant device file", ret);
	attempt("map a grant through its own guest's grant device",
		ioctl(GNTDEV_FD, IOCTL_GNTDEV_MAP_GRANT_REF, &map));
}

static void attack_dom0(int broker)
{
	static const char *const devices[] = {
		"/dev/xen/privcmd", "/dev/xen/gntdev", "/dev/xen/evtchn", "/dev/xen/xenbus",
		"/dev/xenlend-host", "/dev/mem", "/dev/kmsg",
	};
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
	char what[96];

	attempt("kill the broker", kill(broker, SIGKILL));
	for (unsigned int i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		snprintf(what, sizeof(what), "open %s", devices[i]);
		attempt(what, open(devices[i], O_RDWR | O_CLOEXEC));
	}
	attempt("become root", setuid(0));
	attempt("raise its process limit", setrlimit(RLIMIT_NPROC, &r));
	attempt("make a user namespace", unshare(CLONE_NEWUSER));
	attempt("open a network socket", socket(AF_INET, SOCK_STREAM, 0));
	attempt("open a netlink socket", socket(AF_NETLINK, SOCK_RAW, 0));
	attempt("load a BPF program", syscall(SYS_bpf, 5, NULL, 0));
	attempt("set up io_uring", syscall(SYS_io_uring_setup, 8, NULL));
}

static void fork_bomb(void)
{
	static pid_t kids[MAX_FORKS];
	int n = 0, err = 0;

	while (n < MAX_FORKS) {
		pid_t p = fork();

		if (p < 0) {
			err = errno;
			break;
		}
		if (!p) {
			pause();
			_exit(0);
		}
		kids[n++] = p;
	}
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	say("ATTACK: fork bomb: %d processes, then %s", n,
	    err ? strerror(err) : "stopped by itself");
}

/* In a child: take memory CHUNK at a time until refused; say how far. */
static void take_memory(bool shared)
{
	const char *what = shared ? "memfd" : "anonymous memory";
	unsigned long got = 0;
	int fd = -1, err = 0;
	char *p;

	/* Past RLIMIT_FSIZE: EFBIG rather than death by SIGXFSZ. */
	signal(SIGXFSZ, SIG_IGN);
	if (shared) {
		fd = memfd_create("attack", MFD_CLOEXEC);
		if (fd < 0) {
			say("ATTACK: %s: refused (%s)", what, strerror(errno));
			return;
		}
	}
	while (got < MAX_MEMORY) {
		if (shared) {
			if (ftruncate(fd, (off_t)(got + CHUNK))) {
				err = errno;
				break;
			}
			p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)got);
		} else {
			p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
		}
		if (p == MAP_FAILED) {
			err = errno;
			break;
		}
		/* Kept mapped: what it holds is its own, for the OOM killer too. */
		memset(p, 0xa5, CHUNK);
		got += CHUNK;
		if (!(got % (256ul << 20)))
			say("ATTACK: %s: holding %lu MiB", what, got >> 20);
	}
	say("ATTACK: %s: %lu MiB, then %s", what, got >> 20,
	    err ? strerror(err) : "stopped by itself");
}

static void attack_memory(bool shared)
{
	int status;
	pid_t p = fork();

	if (p < 0) {
		say("ATTACK: memory: cannot fork: %s", strerror(errno));
		return;
	}
	if (!p) {
		take_memory(shared);
		_exit(0);
	}
	say("ATTACK: %s: taken by pid %d", shared ? "memfd" : "anonymous memory", p);
	waitpid(p, &status, 0);
	if (WIFSIGNALED(status))
		say("ATTACK: %s: killed by signal %d", shared ? "memfd" : "anonymous memory",
		    WTERMSIG(status));
}

int main(int argc, char **argv)
{
	int own = argc == 3 && !strcmp(argv[1], "--domid") ? atoi(argv[2]) : -1;
	int victim, victim_dom = -1, broker = getppid();

	identity();
	victim = find_victim(own, &victim_dom);
	if (victim < 0) {
		say("ATTACK: /proc shows no other guest's render worker");
		victim = told_victim(&victim_dom);
	}
	if (victim < 0) {
		say("ATTACK: no other guest's render worker found");
	} else {
		say("ATTACK: target pid %d (dom%d's render worker), broker pid %d", victim,
		    victim_dom, broker);
		attack_worker(victim);
	}
	attack_dom0(broker);
	fork_bomb();
	attack_memory(true);
	attack_memory(false);
	say("ATTACK: done");
	return 0;
}

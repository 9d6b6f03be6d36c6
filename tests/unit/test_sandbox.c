// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the render worker's seccomp filter
 * (dom0-broker/src/render_sandbox.c), in a child process that installs it.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <xen/sys/gntdev.h>

#include "render_sandbox.h"
#include "check.h"

/* In the child: 0 when every call fails as it must, else the failing step. */
static int sandboxed_calls(void)
{
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	struct termios t;
	int fd, dup_fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || render_sandbox_apply())
		return 1;
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return 2;
	/* The grant device's ioctls fail with EPERM on any file... */
	if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) != -1 || errno != EPERM)
		return 3;
	dup_fd = dup(fd);
	if (dup_fd < 0 || ioctl(dup_fd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &map) != -1 ||
	    errno != EPERM)
		return 4;
	/* ...other ioctls reach the file, which does not know them. */
	if (ioctl(fd, TCGETS, &t) != -1 || errno != ENOTTY)
		return 5;
	if (ioctl(fd, _IOC(_IOC_NONE, 'G', 0x10, 8), &map) != -1 || errno != ENOTTY)
		return 6;
	/* And the process goes on as before. */
	if (getpid() <= 0 || write(fd, "x", 1) != 1)
		return 7;
	return 0;
}

/*
 * Run @fn in a child process (the filter is for good once applied) and
 * return its exit status; -1 when it could not run or did not exit.
 */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn());
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_grant_ioctls_refused(void)
{
	CHECK_EQ(in_child(sandboxed_calls), 0);
}

static void *thread_fn(void *arg)
{
	return arg;
}

/* What a renderer does keeps working under the filter. */
static int allowed_calls(void)
{
	static int token;
	pthread_t t;
	void *ret = NULL;
	char *map;
	int sv[2], fd, st;
	pid_t pid;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || render_sandbox_apply())
		return 1;
	/* Threads: glibc's clone3() gets ENOSYS and falls back to clone(). */
	if (pthread_create(&t, NULL, thread_fn, &token) || pthread_join(t, &ret) ||
	    ret != &token)
		return 2;
	pid = fork();
	if (pid < 0)
		return 3;
	if (!pid)
		_exit(7);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return 4;
	/* Shared memory, mapped executable as a JIT does. */
	fd = memfd_create("sandbox-test", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4096))
		return 5;
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED || mprotect(map, 4096, PROT_READ | PROT_EXEC))
		return 6;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) || write(sv[0], "x", 1) != 1)
		return 7;
	/* A program it runs (the venus render server) starts and exits. */
	pid = fork();
	if (pid < 0)
		return 8;
	if (!pid) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(99);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 9;
	return 0;
}

static void test_renderer_calls_allowed(void)
{
	CHECK_EQ(in_child(allowed_calls), 0);
}

/* 0 when the call failed with @err, else 1. */
static int fails_with(long ret, int err)
{
	return !(ret == -1 && errno == err);
}

/* In the child: 0 when every call outside the list fails, else its step. */
static int refused_calls(void)
{
	struct iovec local = { 0 }, remote = { 0 };
	char c = 'x';

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || render_sandbox_apply())
		return 1;
	/* Not on the list: as if the kernel had no such call. */
	if (fails_with(ptrace(PTRACE_TRACEME, 0, NULL, NULL), ENOSYS))
		return 2;
	if (fails_with(process_vm_readv(getppid(), &local, 1, &remote, 1, 0), ENOSYS))
		return 3;
	if (fails_with(unshare(CLONE_NEWUSER), ENOSYS))
		return 4;
	if (fails_with(syscall(SYS_clone3, NULL, 0), ENOSYS))
		return 5;
	if (fails_with(syscall(SYS_bpf, 0, NULL, 0), ENOSYS))
		return 6;
	if (fails_with(syscall(SYS_io_uring_setup, 1, NULL), ENOSYS))
		return 7;
	if (fails_with(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), ENOSYS))
		return 8;
	if (fails_with(syscall(SYS_userfaultfd, 0), ENOSYS))
		return 9;
	if (fails_with(mount("none", "/tmp", "tmpfs", 0, NULL), ENOSYS))
		return 10;
	if (fails_with(syscall(SYS_keyctl, 0, 0, 0, 0, 0), ENOSYS))
		return 11;
	if (fails_with(setuid(0), ENOSYS))
		return 12;
	if (fails_with(syscall(SYS_pidfd_getfd, 0, 0, 0), ENOSYS))
		return 13;
	/* Allowed calls with an argument they may not take. */
	if (fails_with(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), EPERM))
		return 14;
	if (fails_with(socket(AF_INET, SOCK_STREAM, 0), EPERM))
		return 15;
	if (fails_with(socket(AF_NETLINK, SOCK_RAW, 0), EPERM))
		return 16;
	if (fails_with(ioctl(0, TIOCSTI, &c), EPERM))
		return 17;
	/* ...and the same calls with arguments they may take. */
	if (socket(AF_UNIX, SOCK_STREAM, 0) < 0)
		return 18;
	return 0;
}

static void test_other_calls_refused(void)
{
	CHECK_EQ(in_child(refused_calls), 0);
}

static void test_parent_untouched(void)
{
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	int fd = open("/dev/null", O_RDWR);

	/* The filter of the child above is not the test's own. */
	CHECK(fd >= 0);
	CHECK_EQ(ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map), -1);
	CHECK_EQ(errno, ENOTTY);
	close(fd);
}

int main(void)
{
	static const struct test_case cases[] = {
		TEST(test_grant_ioctls_refused),
		TEST(test_renderer_calls_allowed),
		TEST(test_other_calls_refused),
		TEST(test_parent_untouched),
	};

	return test_main("sandbox", cases, sizeof(cases) / sizeof(cases[0]));
}

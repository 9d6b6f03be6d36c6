// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the render worker's seccomp filter
 * (dom0-broker/src/render_sandbox.c), in a child process that installs it.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
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

static void test_grant_ioctls_refused(void)
{
	int status = -1;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (!pid)
		_exit(sandboxed_calls());
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
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
		TEST(test_parent_untouched),
	};

	return test_main("sandbox", cases, sizeof(cases) / sizeof(cases[0]));
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the seccomp filter of a render worker.
 *
 * A render worker holds its guest's grant device file (RENDER_GNTDEV_FD):
 * mapping an entry the broker made there is all it needs, and an mmap does
 * that. The same file would also take IOCTL_GNTDEV_MAP_GRANT_REF for any
 * domain's grants to dom0, and the worker runs guest-controlled GPU code.
 * So before the worker's program runs, a seccomp filter makes every ioctl
 * of the Xen grant devices ('G' 0x00-0x0f: gntdev and gntalloc) fail with
 * EPERM, whatever the file descriptor (a dup cannot get around it); the
 * x32 system call ABI, whose ioctl the filter does not see, is refused and
 * a system call of another architecture's ABI kills the worker.
 * Everything else the renderer does (DRM ioctls on a real GPU, the venus
 * render server it forks) is left alone; the filter is inherited by both.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "render_sandbox.h"

#if defined(__x86_64__)
#define THIS_ARCH		AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_ARCH		AUDIT_ARCH_AARCH64
#else
#error "render_sandbox.c: add this architecture's AUDIT_ARCH"
#endif

/* The ioctl type and number range of the Xen grant devices. */
#define GRANT_IOC_TYPE		'G'
#define GRANT_IOC_NR_MAX	0x0f
/* System call numbers of the x32 ABI have this bit set. */
#define X32_SYSCALL_BIT		0x40000000u

#define LOAD(field)	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define DENY		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define ALLOW		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static struct sock_filter filter[] = {
	/* Another system call ABI (i386 on x86-64): its numbers differ. */
	LOAD(arch),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_ARCH, 1, 0),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	LOAD(nr),
#ifdef __x86_64__
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1),
	DENY,
#endif
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 1, 0),
	ALLOW,
	/* The low 32 bits of the request: type in bits 8-15, number in 0-7. */
	LOAD(args[1]),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff00 | (0xff & ~GRANT_IOC_NR_MAX)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GRANT_IOC_TYPE << 8, 0, 1),
	DENY,
	ALLOW,
};

/**
 * render_sandbox_apply() - install the render worker's seccomp filter
 *
 * For the calling process and everything it starts afterwards, for good.
 * Needs no privilege once PR_SET_NO_NEW_PRIVS is set (the caller sets it);
 * async-signal-safe, so it can run between fork() and execve().
 *
 * Return: 0 or -1 with errno set.
 */
int render_sandbox_apply(void)
{
	static const struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

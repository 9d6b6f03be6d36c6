// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the seccomp filter of a render worker.
 *
 * A render worker runs guest-controlled GPU command streams through Mesa
 * and virglrenderer, and whatever it starts (the venus render server)
 * inherits the filter. The filter is an allow-list: the system calls a
 * renderer needs (memory, files, threads, polling, AF_UNIX sockets, DRM
 * and dma-buf ioctls, running the render server) pass; every other one
 * fails with ENOSYS, as if the kernel did not have it, so that libraries
 * take their older paths (glibc's clone3() falls back to clone(), whose
 * flags the filter can see). Refused that way: ptrace, process_vm_*,
 * pidfd_getfd, namespaces (unshare, setns), mount, bpf, perf_event_open,
 * userfaultfd, io_uring, keyrings, module and kexec calls, and anything
 * newer than this list.
 *
 * Three allowed calls are checked by argument and fail with EPERM:
 * - ioctl() of the Xen grant devices ('G' 0x00-0x0f: gntdev, gntalloc),
 *   whatever the file descriptor: the worker holds its guest's grant device
 *   file only to mmap what the broker mapped there, and the same file would
 *   take IOCTL_GNTDEV_MAP_GRANT_REF for any domain's grants to dom0; and
 *   TIOCSTI, which pushes input into a terminal;
 * - clone() with a namespace flag;
 * - socket() of any family but AF_UNIX.
 * The x32 system call ABI is refused with EPERM and a system call of another
 * architecture's ABI kills the worker.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

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
/* clone() flags that make a namespace. */
#define CLONE_NS_FLAGS		(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
				 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/*
 * The allowed system calls without an argument check, the most frequent
 * first (each is one comparison further down the filter). Calls an
 * architecture does not have are left out by their #ifdef.
 */
static const unsigned int allowed[] = {
	__NR_futex, __NR_read, __NR_write, __NR_mmap, __NR_munmap, __NR_mprotect,
	__NR_epoll_pwait, __NR_ppoll, __NR_recvmsg, __NR_sendmsg, __NR_madvise,
	__NR_close, __NR_openat, __NR_fstat, __NR_newfstatat, __NR_statx, __NR_lseek,
	__NR_clock_gettime, __NR_clock_nanosleep, __NR_nanosleep, __NR_sched_yield,
	__NR_gettid, __NR_getpid, __NR_getppid, __NR_rt_sigprocmask, __NR_rt_sigaction,
	__NR_rt_sigreturn, __NR_brk, __NR_mremap,
#ifdef __NR_poll
	__NR_poll,
#endif
#ifdef __NR_epoll_wait
	__NR_epoll_wait,
#endif
#ifdef __NR_epoll_pwait2
	__NR_epoll_pwait2,
#endif
#ifdef __NR_epoll_create
	__NR_epoll_create,
#endif
	__NR_epoll_create1, __NR_epoll_ctl, __NR_pselect6,
#ifdef __NR_select
	__NR_select,
#endif
	/* Files: the GPU node, Mesa's shader cache, the libraries' data. */
	__NR_readv, __NR_writev, __NR_pread64, __NR_pwrite64, __NR_preadv, __NR_pwritev,
	__NR_preadv2, __NR_pwritev2,
#ifdef __NR_open
	__NR_open,
#endif
#ifdef __NR_openat2
	__NR_openat2,
#endif
	__NR_close_range,
#ifdef __NR_stat
	__NR_stat, __NR_lstat,
#endif
#ifdef __NR_access
	__NR_access,
#endif
	__NR_faccessat,
#ifdef __NR_faccessat2
	__NR_faccessat2,
#endif
#ifdef __NR_readlink
	__NR_readlink,
#endif
	__NR_readlinkat, __NR_getdents64,
#ifdef __NR_getdents
	__NR_getdents,
#endif
	__NR_fcntl, __NR_dup, __NR_dup3,
#ifdef __NR_dup2
	__NR_dup2,
#endif
#ifdef __NR_pipe
	__NR_pipe,
#endif
	__NR_pipe2, __NR_fsync, __NR_fdatasync, __NR_fstatfs, __NR_statfs, __NR_flock,
	__NR_fadvise64, __NR_readahead, __NR_ftruncate, __NR_fallocate, __NR_memfd_create,
	__NR_msync, __NR_mincore, __NR_getcwd, __NR_chdir, __NR_fchdir, __NR_umask,
	__NR_fchmod, __NR_utimensat, __NR_mkdirat, __NR_unlinkat, __NR_renameat2,
#ifdef __NR_mkdir
	__NR_mkdir, __NR_unlink, __NR_rename,
#endif
#ifdef __NR_renameat
	__NR_renameat,
#endif
	__NR_copy_file_range,
#ifdef __NR_sendfile
	__NR_sendfile,
#endif
	/* Waiting and notification. */
	__NR_eventfd2,
#ifdef __NR_eventfd
	__NR_eventfd,
#endif
	__NR_timerfd_create, __NR_timerfd_settime, __NR_timerfd_gettime, __NR_signalfd4,
#ifdef __NR_signalfd
	__NR_signalfd,
#endif
	/* AF_UNIX sockets (the broker's, the render server's). */
	__NR_socketpair, __NR_sendto, __NR_recvfrom, __NR_sendmmsg, __NR_recvmmsg,
	__NR_shutdown, __NR_getsockopt, __NR_setsockopt, __NR_getsockname, __NR_getpeername,
	/* Threads and processes: the venus render server is a program it runs. */
#ifdef __NR_fork
	__NR_fork, __NR_vfork,
#endif
	__NR_execve, __NR_execveat, __NR_exit, __NR_exit_group, __NR_wait4, __NR_waitid,
	__NR_kill, __NR_tgkill, __NR_tkill, __NR_pidfd_open, __NR_pidfd_send_signal,
	__NR_set_tid_address, __NR_set_robust_list, __NR_get_robust_list,
#ifdef __NR_rseq
	__NR_rseq,
#endif
#ifdef __NR_futex_waitv
	__NR_futex_waitv,
#endif
#ifdef __NR_map_shadow_stack
	__NR_map_shadow_stack,
#endif
	__NR_membarrier, __NR_getcpu, __NR_restart_syscall,
	__NR_sched_getaffinity, __NR_sched_setaffinity, __NR_sched_getparam,
	__NR_sched_getscheduler, __NR_sched_setscheduler, __NR_sched_getattr,
	__NR_sched_get_priority_max, __NR_sched_get_priority_min,
	__NR_getpriority, __NR_setpriority, __NR_prctl, __NR_getrlimit, __NR_setrlimit,
	__NR_prlimit64, __NR_getrusage, __NR_times, __NR_sysinfo, __NR_uname,
	__NR_getrandom, __NR_capget,
#ifdef __NR_arch_prctl
	__NR_arch_prctl,
#endif
	/* Signals and timers. */
	__NR_rt_sigtimedwait, __NR_rt_sigpending, __NR_rt_sigsuspend, __NR_sigaltstack,
	__NR_getitimer, __NR_setitimer,
#ifdef __NR_alarm
	__NR_alarm, __NR_pause,
#endif
	__NR_clock_getres, __NR_gettimeofday,
#ifdef __NR_time
	__NR_time,
#endif
	/* Who it is (it cannot change that: no setuid or capset here). */
	__NR_getuid, __NR_geteuid, __NR_getgid, __NR_getegid, __NR_getresuid,
	__NR_getresgid, __NR_getgroups, __NR_getpgid, __NR_getsid, __NR_setsid,
	__NR_setpgid,
#ifdef __NR_getpgrp
	__NR_getpgrp,
#endif
	/* Mesa compares DRM file descriptions (permission-checked). */
	__NR_kcmp, __NR_get_mempolicy,
};

#define N_ALLOWED	(sizeof(allowed) / sizeof(allowed[0]))

#define LOAD(field)	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define RET(v)		BPF_STMT(BPF_RET | BPF_K, (v))
#define ERRNO(e)	RET(SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
#define JEQ(k, t, f)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))

/*
 * The program: architecture, x32, the three checked calls, the list, then
 * the three checks' bodies. Sizes are fixed so the jumps can be computed;
 * classic BPF jumps only forward, by at most 255 instructions.
 */
enum {
	HEAD = 9,			/* arch (3), nr (1), x32 (2), three jumps (3) */
	CLONE3 = 1,			/* clone3: ENOSYS */
	TAIL_DEFAULT = 2,		/* ENOSYS, ALLOW */
	IOCTL_BODY = 6,
	CLONE_BODY = 5,
	SOCKET_BODY = 4,
	PROG_LEN = HEAD + CLONE3 + (int)N_ALLOWED + TAIL_DEFAULT + IOCTL_BODY + CLONE_BODY +
		   SOCKET_BODY,
};

_Static_assert(N_ALLOWED + TAIL_DEFAULT + IOCTL_BODY + CLONE_BODY + SOCKET_BODY + CLONE3 < 256,
	       "BPF jump offsets are 8 bits");

static struct sock_filter prog_insns[PROG_LEN];
static unsigned int n_insns;

static void put(struct sock_filter insn)
{
	prog_insns[n_insns++] = insn;
}

/* The jump offset from the next instruction put() to instruction @target. */
static unsigned char to(unsigned int target)
{
	return (unsigned char)(target - n_insns - 1);
}

/* Fill prog_insns; no allocation, no library call: safe after fork(). */
static void build(void)
{
	const unsigned int list = HEAD + CLONE3;
	const unsigned int deny_nosys = list + N_ALLOWED;
	const unsigned int allow = deny_nosys + 1;
	const unsigned int ioctl_body = allow + 1;
	const unsigned int clone_body = ioctl_body + IOCTL_BODY;
	const unsigned int socket_body = clone_body + CLONE_BODY;
	unsigned int i;

	n_insns = 0;
	put((struct sock_filter)LOAD(arch));
	put((struct sock_filter)JEQ(THIS_ARCH, 1, 0));
	put((struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS));
	put((struct sock_filter)LOAD(nr));
#ifdef __x86_64__
	put((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1));
	put((struct sock_filter)ERRNO(EPERM));
#else
	/* No x32 here: two instructions that fall through, for the layout. */
	put((struct sock_filter)JEQ(0xffffffffu, 0, 0));
	put((struct sock_filter)JEQ(0xffffffffu, 0, 0));
#endif
	put((struct sock_filter)JEQ(__NR_ioctl, to(ioctl_body), 0));
	put((struct sock_filter)JEQ(__NR_clone, to(clone_body), 0));
	put((struct sock_filter)JEQ(__NR_socket, to(socket_body), 0));
	/* clone3: its flags are in memory the filter cannot read. */
	put((struct sock_filter)JEQ(__NR_clone3, to(deny_nosys), 0));
	for (i = 0; i < N_ALLOWED; i++)
		put((struct sock_filter)JEQ(allowed[i], to(allow), 0));
	put((struct sock_filter)ERRNO(ENOSYS));
	put((struct sock_filter)RET(SECCOMP_RET_ALLOW));

	/* ioctl: the low 32 bits of the request; type in bits 8-15, nr in 0-7. */
	put((struct sock_filter)LOAD(args[1]));
	put((struct sock_filter)JEQ(TIOCSTI, 3, 0));
	put((struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
					 0xff00 | (0xff & ~GRANT_IOC_NR_MAX)));
	put((struct sock_filter)JEQ(GRANT_IOC_TYPE << 8, 1, 0));
	put((struct sock_filter)RET(SECCOMP_RET_ALLOW));
	put((struct sock_filter)ERRNO(EPERM));

	/* clone: the flags are its first argument on every architecture. */
	put((struct sock_filter)LOAD(args[0]));
	put((struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, CLONE_NS_FLAGS));
	put((struct sock_filter)JEQ(0, 0, 1));
	put((struct sock_filter)RET(SECCOMP_RET_ALLOW));
	put((struct sock_filter)ERRNO(EPERM));

	/* socket: AF_UNIX only. */
	put((struct sock_filter)LOAD(args[0]));
	put((struct sock_filter)JEQ(AF_UNIX, 0, 1));
	put((struct sock_filter)RET(SECCOMP_RET_ALLOW));
	put((struct sock_filter)ERRNO(EPERM));
}

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
	struct sock_fprog prog = { .len = PROG_LEN, .filter = prog_insns };

	build();
	if (n_insns != PROG_LEN) {	/* the layout above is wrong */
		errno = EINVAL;
		return -1;
	}
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

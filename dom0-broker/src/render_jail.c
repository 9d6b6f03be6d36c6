// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: what confines a guest's render worker besides its seccomp
 * filter (render_sandbox.c).
 *
 * A worker runs guest-controlled GPU command streams through Mesa: code a
 * guest may take over. What one guest's compromised worker must not reach is
 * another guest's worker (its memory, its files, the venus ring it shares
 * with its guest) and dom0 itself (its memory, its process table). So:
 *
 * - each guest's workers run as their own user and group, render_uid_base
 *   plus the domain id, with render_user's supplementary groups (a real
 *   GPU's "render") and never as root: two guests' workers cannot signal or
 *   trace each other or open each other's /proc files, and xenlend-render
 *   makes itself non-dumpable, which keeps even its own user out of those;
 * - resource limits: address space and open files per worker, processes
 *   and threads per guest (RLIMIT_NPROC counts the user's), file size
 *   (memfds), no core dumps;
 * - a cgroup v2 per guest, "render-domN" under the broker's own cgroup
 *   (delegated by its systemd unit) or one it is given: memory.max (all
 *   its memory, its memfds and GPU buffers included; an OOM in it kills
 *   the largest of the guest's processes and nothing outside) and
 *   pids.max; cgroup.kill stops whatever a worker left behind;
 * - oom_score_adj 1000: under global memory pressure the OOM killer takes a
 *   worker before the broker and the rest of dom0.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "log.h"
#include "render_jail.h"
#include "render_sandbox.h"

#define CGROUP_FS		"/sys/fs/cgroup"
#define CGROUP2_MAGIC		0x63677270
#define JAIL_PREFIX		"render-dom"
/* Workers first, for the OOM killer. */
#define WORKER_OOM_SCORE_ADJ	"1000"

/* Directory the guests' cgroups are made in, or -1: no cgroups. */
static int cg_dir = -1;
static char cg_path[512];
/* render_user's groups, resolved once. */
static gid_t user_groups[RENDER_JAIL_MAX_GROUPS];
static int user_ngroups;

static int write_at(int dir, const char *file, const char *val)
{
	size_t len = strlen(val);
	int fd = openat(dir, file, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		err = -errno;
	close(fd);
	return err;
}

/* Check render_user; keep its groups. */
static int check_user(const struct broker_config *cfg)
{
	int n = RENDER_JAIL_MAX_GROUPS;
	struct passwd *pw = getpwnam(cfg->render_user);

	if (!pw) {
		log_msg(LOG_ERR, "render_user '%s': no such user", cfg->render_user);
		return -1;
	}
	if (!pw->pw_uid || !pw->pw_gid) {
		log_msg(LOG_ERR, "render_user '%s' is root or in group root: render workers run guest-controlled code and never with root's rights",
			cfg->render_user);
		return -1;
	}
	if (getgrouplist(cfg->render_user, pw->pw_gid, user_groups, &n) < 0) {
		log_msg(LOG_ERR, "render_user '%s' is in more than %d groups",
			cfg->render_user, RENDER_JAIL_MAX_GROUPS);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (!user_groups[i]) {
			log_msg(LOG_ERR, "render_user '%s' is in group root: render workers never get root's group",
				cfg->render_user);
			return -1;
		}
	}
	user_ngroups = n;
	return 0;
}

/* No user or group of the system may have an id workers run as. */
static int check_id_range(const struct broker_config *cfg)
{
	uint64_t lo = cfg->render_uid_base, hi = lo + RENDER_UID_SPAN;
	struct passwd *pw;
	struct group *gr;
	int ret = 0;

	setpwent();
	while (!ret && (pw = getpwent()))
		if (pw->pw_uid >= lo && pw->pw_uid < hi) {
			log_msg(LOG_ERR, "user '%s' (%u) is in the render workers' range %llu-%llu: change render_uid_base",
				pw->pw_name, (unsigned int)pw->pw_uid, (unsigned long long)lo,
				(unsigned long long)hi - 1);
			ret = -1;
		}
	endpwent();
	setgrent();
	while (!ret && (gr = getgrent()))
		if (gr->gr_gid >= lo && gr->gr_gid < hi) {
			log_msg(LOG_ERR, "group '%s' (%u) is in the render workers' range %llu-%llu: change render_uid_base",
				gr->gr_name, (unsigned int)gr->gr_gid, (unsigned long long)lo,
				(unsigned long long)hi - 1);
			ret = -1;
		}
	endgrent();
	return ret;
}

/* The cgroup v2 directory the broker runs in, from /proc/self/cgroup. */
static int own_cgroup(char *out, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::/", 4))
			continue;
		line[strcspn(line, "\n")] = '\0';
		if ((size_t)snprintf(out, len, "%s%s", CGROUP_FS, line + 3) < len)
			ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/*
 * Let the children of @dir have memory and pids controllers. A cgroup other
 * than the root one that has processes cannot: the broker then moves itself
 * into a leaf "broker" first (the layout systemd's Delegate= expects).
 */
static int enable_controllers(int dir)
{
	int err = write_at(dir, "cgroup.subtree_control", "+memory +pids");

	if (err != -EBUSY)
		return err;
	if (mkdirat(dir, "broker", 0755) && errno != EEXIST)
		return -errno;
	err = write_at(dir, "broker/cgroup.procs", "0");
	return err ? err : write_at(dir, "cgroup.subtree_control", "+memory +pids");
}

static int open_cgroups(const struct broker_config *cfg)
{
	bool automatic = !strcmp(cfg->render_cgroup, "auto");
	struct statfs sfs;
	int err, dir;

	if (!strcmp(cfg->render_cgroup, "none")) {
		log_msg(LOG_WARN, "render workers: no cgroup (render_cgroup = none): their memory and tasks are bounded per process only");
		return 0;
	}
	if (automatic) {
		if (statfs(CGROUP_FS, &sfs) || sfs.f_type != CGROUP2_MAGIC) {
			log_msg(LOG_WARN, "render workers: no cgroup v2 at %s: their memory and tasks are bounded per process only",
				CGROUP_FS);
			return 0;
		}
		err = own_cgroup(cg_path, sizeof(cg_path));
		if (err) {
			log_msg(LOG_WARN, "render workers: no cgroup (/proc/self/cgroup: %s)",
				strerror(-err));
			return 0;
		}
	} else {
		snprintf(cg_path, sizeof(cg_path), "%s", cfg->render_cgroup);
	}
	dir = open(cg_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = dir < 0 ? -errno : enable_controllers(dir);
	if (!err) {
		cg_dir = dir;
		log_msg(LOG_INFO, "render workers: a cgroup per guest in %s (memory.max %llu, pids.max %u)",
			cg_path, (unsigned long long)cfg->render_memory_max, cfg->render_tasks_max);
		return 0;
	}
	if (dir >= 0)
		close(dir);
	if (automatic) {
		log_msg(LOG_WARN, "render workers: no cgroup (%s not delegated: %s): their memory and tasks are bounded per process only",
			cg_path, strerror(-err));
		return 0;
	}
	log_msg(LOG_ERR, "render_cgroup %s: %s", cg_path, strerror(-err));
	return -1;
}

/**
 * render_jail_init() - check the render workers' settings, set up cgroups
 * @cfg: the configuration.
 *
 * Refuses a render_user that is root or in group root, and a
 * render_uid_base whose range holds a user or group of the system. With
 * render_cgroup "auto", workers go without cgroups (said in the log) when
 * cgroup v2 is not there or the broker's cgroup is not delegated to it;
 * with a path, that is an error.
 *
 * Return: 0, or -1 after logging why the broker cannot start.
 */
int render_jail_init(const struct broker_config *cfg)
{
	if (!cfg->renderer[0])
		return 0;
	if (check_user(cfg) || check_id_range(cfg))
		return -1;
	return open_cgroups(cfg);
}

/**
 * render_jail_fini() - remove the guests' cgroups that are empty
 */
void render_jail_fini(void)
{
	struct dirent *de;
	DIR *d;

	if (cg_dir < 0)
		return;
	d = fdopendir(dup(cg_dir));
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, JAIL_PREFIX, strlen(JAIL_PREFIX)))
			unlinkat(cg_dir, de->d_name, AT_REMOVEDIR);
	if (d)
		closedir(d);
	close(cg_dir);
	cg_dir = -1;
}

/**
 * render_jail_prepare() - make ready what confines a guest's next worker
 * @cfg: the configuration.
 * @domid: the guest.
 * @j: filled in; render_jail_release() when the worker runs (or failed).
 *
 * Makes (or reuses) the guest's cgroup with the configured limits.
 *
 * Return: 0, -EINVAL for a domain id workers have no user for, or a
 * negative errno when the guest's cgroup cannot be set up (no worker then
 * runs unbounded).
 */
int render_jail_prepare(const struct broker_config *cfg, int domid, struct render_jail *j)
{
	char name[32], file[64], val[32];
	int err;

	memset(j, 0, sizeof(*j));
	j->procs_fd = -1;
	if (domid <= 0 || (unsigned int)domid >= RENDER_UID_SPAN)
		return -EINVAL;
	j->uid = cfg->render_uid_base + (uid_t)domid;
	j->gid = j->uid;
	memcpy(j->groups, user_groups, sizeof(user_groups));
	j->ngroups = user_ngroups;
	j->as_max = cfg->render_address_space_max;
	j->fsize_max = cfg->render_memory_max;
	j->files_max = cfg->render_files_max;
	j->tasks_max = cfg->render_tasks_max;
	if (cg_dir < 0)
		return 0;

	snprintf(name, sizeof(name), JAIL_PREFIX "%d", domid);
	if (mkdirat(cg_dir, name, 0755) && errno != EEXIST)
		return -errno;
	snprintf(val, sizeof(val), "%llu", (unsigned long long)cfg->render_memory_max);
	snprintf(file, sizeof(file), "%s/memory.max", name);
	err = write_at(cg_dir, file, val);
	snprintf(val, sizeof(val), "%u", cfg->render_tasks_max);
	snprintf(file, sizeof(file), "%s/pids.max", name);
	if (!err)
		err = write_at(cg_dir, file, val);
	/* Swapped-out memory would not count towards memory.max. */
	snprintf(file, sizeof(file), "%s/memory.swap.max", name);
	if (!err) {
		int e = write_at(cg_dir, file, "0");

		if (e && e != -ENOENT)
			log_msg(LOG_DEBUG, "dom%d: %s: %s", domid, file, strerror(-e));
	}
	snprintf(file, sizeof(file), "%s/cgroup.procs", name);
	if (!err) {
		j->procs_fd = openat(cg_dir, file, O_WRONLY | O_CLOEXEC);
		if (j->procs_fd < 0)
			err = -errno;
	}
	if (err)
		log_msg(LOG_WARN, "dom%d: cannot set up cgroup %s/%s: %s", domid, cg_path, name,
			strerror(-err));
	return err;
}

/* setrlimit() with soft and hard limit @v. */
static int limit(int what, uint64_t v)
{
	struct rlimit r = { .rlim_cur = v, .rlim_max = v };

	return setrlimit(what, &r);
}

/**
 * render_jail_enter() - confine the calling process for good
 * @j: from render_jail_prepare().
 *
 * For the child between fork() and execve(), still root: joins the guest's
 * cgroup, sets oom_score_adj and the limits, becomes the guest's worker user
 * (checking root cannot come back), sets no_new_privs and installs the
 * seccomp filter. Async-signal-safe. Closes @j->procs_fd.
 *
 * Return: 0, or -1 (the child must exit: it is not confined).
 */
int render_jail_enter(const struct render_jail *j)
{
	int fd;

	if (j->procs_fd >= 0) {
		if (write(j->procs_fd, "0", 1) != 1)
			return -1;
		close(j->procs_fd);
	}
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, WORKER_OOM_SCORE_ADJ, strlen(WORKER_OOM_SCORE_ADJ)) < 0)
		return -1;
	close(fd);
	if (limit(RLIMIT_AS, j->as_max) || limit(RLIMIT_FSIZE, j->fsize_max) ||
	    limit(RLIMIT_NOFILE, j->files_max) || limit(RLIMIT_NPROC, j->tasks_max) ||
	    limit(RLIMIT_CORE, 0) || limit(RLIMIT_MEMLOCK, 0) || limit(RLIMIT_MSGQUEUE, 0) ||
	    limit(RLIMIT_RTPRIO, 0))
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ||
	    setgroups((size_t)j->ngroups, j->groups) || setresgid(j->gid, j->gid, j->gid) ||
	    setresuid(j->uid, j->uid, j->uid) || !setuid(0) || !setgid(0))
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || render_sandbox_apply())
		return -1;
	return 0;
}

/**
 * render_jail_release() - the broker's part of @j once the worker is started
 * @j: from render_jail_prepare().
 */
void render_jail_release(struct render_jail *j)
{
	if (j->procs_fd >= 0)
		close(j->procs_fd);
	j->procs_fd = -1;
}

/**
 * render_jail_kill() - kill every process in a guest's cgroup
 * @domid: the guest.
 *
 * What its worker started and left behind (a render server that outlived
 * it) goes too. Needs cgroup.kill (Linux 5.14); without it, or without
 * cgroups, only the worker itself is killed, by its caller.
 */
void render_jail_kill(int domid)
{
	char file[64];

	if (cg_dir < 0)
		return;
	snprintf(file, sizeof(file), JAIL_PREFIX "%d/cgroup.kill", domid);
	write_at(cg_dir, file, "1");
}

/**
 * render_jail_remove() - remove a guest's cgroup if nothing runs in it
 * @domid: the guest.
 */
void render_jail_remove(int domid)
{
	char name[32];

	if (cg_dir < 0)
		return;
	snprintf(name, sizeof(name), JAIL_PREFIX "%d", domid);
	unlinkat(cg_dir, name, AT_REMOVEDIR);
}

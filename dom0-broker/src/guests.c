// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the guests' lifecycle - which guests exist and are served,
 * their xenlend devices in xenstore, the backend half of the xenbus state
 * machine, and disconnecting or evicting a guest.
 *
 * The broker acts as the toolstack for this one device type: when a guest it
 * serves appears it creates both the frontend and the backend directory with
 * the permissions libxl would give them, and removes the backend directory
 * when the guest goes away.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <xen/io/xenbus.h>

#include "broker.h"
#include "config.h"
#include "conn.h"
#include "guests.h"
#include "log.h"
#include "revoke.h"

#define TOKEN_DOMAINS	"domains"
#define TOKEN_FE_PREFIX	"fe:"

/* A guest whose connection keeps failing is left Closed after this many. */
#define MAX_CONNECT_FAILURES	5

/**
 * guests_open() - connect to xenstore and watch guests come and go
 * @b: the broker.
 *
 * Return: 0, or a negative errno (logged).
 */
int guests_open(struct broker *b)
{
	char *v;
	unsigned int len;

	b->xs = xs_open(0);
	if (!b->xs) {
		log_msg(LOG_ERR, "cannot connect to xenstore: %s", strerror(errno));
		return -errno;
	}
	v = xs_read(b->xs, XBT_NULL, "domid", &len);
	b->own_domid = v ? atoi(v) : 0;
	free(v);
	if (!xs_watch(b->xs, "@introduceDomain", TOKEN_DOMAINS) ||
	    !xs_watch(b->xs, "@releaseDomain", TOKEN_DOMAINS)) {
		log_msg(LOG_ERR, "cannot watch domains: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static bool xs_printf(struct broker *b, xs_transaction_t t, const char *dir,
		      const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static bool xs_printf(struct broker *b, xs_transaction_t t, const char *dir,
		      const char *key, const char *fmt, ...)
{
	char path[192], val[192];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return xs_write(b->xs, t, path, val, strlen(val));
}

static void set_be_state(struct broker *b, struct conn *c, enum xenbus_state s)
{
	if (!xs_printf(b, XBT_NULL, c->be_path, "state", "%d", s))
		log_msg(LOG_WARN, "dom%d: cannot set backend state: %s", c->domid, strerror(errno));
}

static int read_state(struct broker *b, const char *dir)
{
	char path[192], *v;
	unsigned int len;
	int s;

	snprintf(path, sizeof(path), "%s/state", dir);
	v = xs_read(b->xs, XBT_NULL, path, &len);
	if (!v)
		return XenbusStateUnknown;
	s = atoi(v);
	free(v);
	return s;
}

/* Create (or re-create after a broker restart) both device directories. */
static int create_device(struct broker *b, struct conn *c)
{
	struct xs_permissions fe_perms[2] = {
		{ .id = (unsigned int)c->domid, .perms = XS_PERM_NONE },
		{ .id = (unsigned int)b->own_domid, .perms = XS_PERM_READ },
	};
	struct xs_permissions be_perms[2] = {
		{ .id = (unsigned int)b->own_domid, .perms = XS_PERM_NONE },
		{ .id = (unsigned int)c->domid, .perms = XS_PERM_READ },
	};
	xs_transaction_t t;
	bool ok;

again:
	t = xs_transaction_start(b->xs);
	if (t == XBT_NULL)
		return -errno;
	xs_rm(b->xs, t, c->be_path);
	ok = xs_mkdir(b->xs, t, c->be_path) &&
	     xs_set_permissions(b->xs, t, c->be_path, be_perms, 2) &&
	     xs_printf(b, t, c->be_path, "frontend", "%s", c->fe_path) &&
	     xs_printf(b, t, c->be_path, "frontend-id", "%d", c->domid) &&
	     xs_printf(b, t, c->be_path, "online", "1") &&
	     xs_printf(b, t, c->be_path, XENLEND_XS_PROTOCOL_VERSIONS, "%d",
		       XENLEND_PROTOCOL_VERSION) &&
	     xs_printf(b, t, c->be_path, XENLEND_XS_MAX_BULK_PAGES, "%u",
		       b->cfg.max_bulk_pages) &&
	     xs_printf(b, t, c->be_path, "state", "%d", XenbusStateInitWait);
	if (ok && read_state(b, c->fe_path) == XenbusStateUnknown)
		ok = xs_mkdir(b->xs, t, c->fe_path) &&
		     xs_set_permissions(b->xs, t, c->fe_path, fe_perms, 2) &&
		     xs_printf(b, t, c->fe_path, "backend", "%s", c->be_path) &&
		     xs_printf(b, t, c->fe_path, "backend-id", "%d", b->own_domid) &&
		     xs_printf(b, t, c->fe_path, "state", "%d", XenbusStateInitialising);
	if (!ok) {
		int err = -errno;

		xs_transaction_end(b->xs, t, true);
		return err;
	}
	if (!xs_transaction_end(b->xs, t, false)) {
		if (errno == EAGAIN)
			goto again;
		return -errno;
	}
	return 0;
}

/**
 * guests_find() - a served guest by domain id
 * @b: the broker.
 * @domid: the guest's domain.
 *
 * Return: its connection, or NULL.
 */
struct conn *guests_find(struct broker *b, int domid)
{
	struct conn *c;

	for (c = b->conns; c; c = c->next)
		if (c->domid == domid)
			return c;
	return NULL;
}

static void watch_token(const struct conn *c, char *buf, size_t len)
{
	snprintf(buf, len, TOKEN_FE_PREFIX "%d", c->domid);
}

static void epoll_one(struct broker *b, struct conn *c, int fd, uint64_t tag, bool add)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag | (uint64_t)c->domid };

	if (fd < 0)
		return;
	if (epoll_ctl(b->epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev))
		log_msg(LOG_WARN, "dom%d: epoll: %s", c->domid, strerror(errno));
}

static void epoll_conn(struct broker *b, struct conn *c, bool add)
{
	epoll_one(b, c, conn_fd(c), EPOLL_TAG_GUEST, add);
	epoll_one(b, c, c->host_fd, EPOLL_TAG_HOST, add);
	if (c->render_pid)
		epoll_one(b, c, c->gs.render.fd, EPOLL_TAG_RENDER, add);
}

/**
 * guests_render_failed() - stop a guest's render worker that failed
 * @b: the broker.
 * @c: the guest; it stays connected, its renderer requests fail.
 */
void guests_render_failed(struct broker *b, struct conn *c)
{
	(void)b;
	conn_render_stop(c);
}

static void drop_conn(struct broker *b, struct conn *c)
{
	if (c->connected)
		epoll_conn(b, c, false);
	conn_disconnect(c);
}

static void free_conn(struct conn *c)
{
	revoke_fini(c);
	free(c);
}

static void add_guest(struct broker *b, int domid)
{
	char path[64], *name, token[32], fe_state[192];
	unsigned int len;
	struct conn *c;
	int err;

	snprintf(path, sizeof(path), "/local/domain/%d/name", domid);
	name = xs_read(b->xs, XBT_NULL, path, &len);
	if (!name)
		return;	/* not fully built yet; the next watch event retries */
	if (!config_serves(&b->cfg, name)) {
		log_msg(LOG_DEBUG, "dom%d (%s): not served by configuration", domid, name);
		free(name);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		free(name);
		return;
	}
	c->domid = domid;
	snprintf(c->name, sizeof(c->name), "%s", name);
	free(name);
	c->cfg = &b->cfg;
	if (revoke_init(c)) {
		log_msg(LOG_ERR, "dom%d: out of memory", domid);
		free(c);
		return;
	}
	c->epfd = b->epfd;
	c->xs = b->xs;
	c->host_fd = -1;
	c->gpu_fd = -1;
	c->gntdev_fd = -1;
	c->test_hooks = b->test_hooks;
	snprintf(c->fe_path, sizeof(c->fe_path), "/local/domain/%d/device/%s/0", domid,
		 XENLEND_XS_DEVICE_TYPE);
	snprintf(c->be_path, sizeof(c->be_path), "/local/domain/%d/backend/%s/%d/0",
		 b->own_domid, XENLEND_XS_DEVICE_TYPE, domid);
	err = create_device(b, c);
	if (err) {
		log_msg(LOG_ERR, "dom%d: cannot create xenlend device: %s", domid, strerror(-err));
		free_conn(c);
		return;
	}
	watch_token(c, token, sizeof(token));
	snprintf(fe_state, sizeof(fe_state), "%s/state", c->fe_path);
	if (!xs_watch(b->xs, fe_state, token)) {
		log_msg(LOG_ERR, "dom%d: cannot watch %s: %s", domid, fe_state, strerror(errno));
		xs_rm(b->xs, XBT_NULL, c->be_path);
		free_conn(c);
		return;
	}
	c->next = b->conns;
	b->conns = c;
	log_msg(LOG_INFO, "dom%d (%s): xenlend device created, backend InitWait", domid, c->name);
}

/* Remove the backend directory of a domain, /local/domain/<us>/backend/xenlend/<domid>. */
static void remove_backend_dir(struct broker *b, int domid)
{
	char path[96];

	snprintf(path, sizeof(path), "/local/domain/%d/backend/%s/%d", b->own_domid,
		 XENLEND_XS_DEVICE_TYPE, domid);
	xs_rm(b->xs, XBT_NULL, path);
}

static void remove_guest(struct broker *b, struct conn *c)
{
	char token[32], fe_state[192];
	struct conn **pp;

	log_msg(LOG_INFO, "dom%d (%s): gone, releasing its device", c->domid, c->name);
	drop_conn(b, c);
	watch_token(c, token, sizeof(token));
	snprintf(fe_state, sizeof(fe_state), "%s/state", c->fe_path);
	xs_unwatch(b->xs, fe_state, token);
	remove_backend_dir(b, c->domid);
	for (pp = &b->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free_conn(c);
}

/**
 * guests_scan() - reconcile served guests with xenstore
 * @b: the broker.
 *
 * Adds a device for every new guest the configuration serves and releases
 * the devices of guests that are gone, including those left behind by a
 * broker that was not running when they went.
 */
void guests_scan(struct broker *b)
{
	unsigned int n, i;
	char **doms, *end, path[64];
	struct conn *c, *next;

	for (c = b->conns; c; c = next) {
		next = c->next;
		if (!xs_is_domain_introduced(b->xs, (unsigned int)c->domid))
			remove_guest(b, c);
	}

	/* Devices of domains that died while no broker was running. */
	snprintf(path, sizeof(path), "/local/domain/%d/backend/%s", b->own_domid,
		 XENLEND_XS_DEVICE_TYPE);
	doms = xs_directory(b->xs, XBT_NULL, path, &n);
	for (i = 0; doms && i < n; i++) {
		long domid = strtol(doms[i], &end, 10);

		if (*end || domid <= 0 || domid >= 0x7ff0 || guests_find(b, (int)domid) ||
		    xs_is_domain_introduced(b->xs, (unsigned int)domid))
			continue;
		log_msg(LOG_INFO, "dom%ld: gone, removing its stale xenlend backend", domid);
		remove_backend_dir(b, (int)domid);
	}
	free(doms);

	doms = xs_directory(b->xs, XBT_NULL, "/local/domain", &n);
	if (!doms)
		return;
	for (i = 0; i < n; i++) {
		long domid = strtol(doms[i], &end, 10);

		if (*end || domid <= 0 || domid >= 0x7ff0 || domid == b->own_domid)
			continue;
		if (guests_find(b, (int)domid))
			continue;
		if (!xs_is_domain_introduced(b->xs, (unsigned int)domid))
			continue;
		add_guest(b, (int)domid);
	}
	free(doms);
}

/**
 * guests_conn_failed() - a guest broke its connection; close it
 * @b: the broker.
 * @c: the guest.
 * @why: reason to log.
 */
void guests_conn_failed(struct broker *b, struct conn *c, const char *why)
{
	log_msg(LOG_WARN, "dom%d: closing connection: %s", c->domid, why);
	drop_conn(b, c);
	set_be_state(b, c, XenbusStateClosing);
}

/**
 * guests_evict() - disconnect a guest that broke the lending contract
 * @b: the broker.
 * @c: the guest, with @c->evict_why set.
 *
 * Everything lent to it is ended (what it still maps stays quarantined in
 * the lending engine, charged to it), the backend goes to Closing with the
 * reason in its "error" node for the toolstack, and the guest is not served
 * again until its domain is rebuilt or the broker restarts.
 */
void guests_evict(struct broker *b, struct conn *c)
{
	log_msg(LOG_ERR, "dom%d (%s): disconnected for good: %s", c->domid, c->name,
		c->evict_why);
	c->banned = true;
	drop_conn(b, c);
	xs_printf(b, XBT_NULL, c->be_path, "error", "%s", c->evict_why);
	set_be_state(b, c, XenbusStateClosing);
}

static void frontend_changed(struct broker *b, struct conn *c)
{
	int fe = read_state(b, c->fe_path);
	int be = read_state(b, c->be_path);

	log_msg(LOG_DEBUG, "dom%d: frontend state %d, backend %d", c->domid, fe, be);
	switch (fe) {
	case XenbusStateInitialised:
		if (c->connected || c->banned || be != XenbusStateInitWait)
			break;
		if (conn_connect(c)) {
			if (++c->connect_failures >= MAX_CONNECT_FAILURES)
				log_msg(LOG_ERR, "dom%d: %u failed connection attempts, giving up",
					c->domid, c->connect_failures);
			set_be_state(b, c, XenbusStateClosing);
			break;
		}
		c->connect_failures = 0;
		epoll_conn(b, c, true);
		set_be_state(b, c, XenbusStateConnected);
		break;
	case XenbusStateConnected:
		break;
	case XenbusStateClosing:
		drop_conn(b, c);
		set_be_state(b, c, XenbusStateClosed);
		break;
	case XenbusStateInitialising:
	case XenbusStateClosed:
	case XenbusStateUnknown:
	default:
		drop_conn(b, c);
		if (c->banned)
			set_be_state(b, c, XenbusStateClosed);
		else if (be != XenbusStateInitWait && c->connect_failures < MAX_CONNECT_FAILURES)
			set_be_state(b, c, XenbusStateInitWait);
		break;
	}
}

/**
 * guests_handle_watch() - process every pending xenstore watch event
 * @b: the broker.
 */
void guests_handle_watch(struct broker *b)
{
	char **w;

	while ((w = xs_check_watch(b->xs))) {
		const char *token = w[XS_WATCH_TOKEN];

		if (!strcmp(token, TOKEN_DOMAINS)) {
			guests_scan(b);
		} else if (!strncmp(token, TOKEN_FE_PREFIX, strlen(TOKEN_FE_PREFIX))) {
			struct conn *c = guests_find(b, atoi(token + strlen(TOKEN_FE_PREFIX)));

			if (c)
				frontend_changed(b, c);
		}
		free(w);
	}
}

/**
 * guests_close() - tell every guest we are going and let go of them
 * @b: the broker.
 */
void guests_close(struct broker *b)
{
	struct conn *c;

	while ((c = b->conns)) {
		drop_conn(b, c);
		set_be_state(b, c, XenbusStateClosed);
		b->conns = c->next;
		free_conn(c);
	}
	if (b->xs)
		xs_close(b->xs);
	b->xs = NULL;
}

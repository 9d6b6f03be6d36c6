// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: debugfs.
 *
 * Each device gets /sys/kernel/debug/xenlend/<device>/status, the state of
 * its connection to the broker and what it cost so far (requests,
 * event-channel sends, interrupts, events). Builds with CONFIG_DRM_XENLEND_DEBUG add
 * the test hooks of xenlend_test_hooks.c to the same directory.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <xen/xenbus.h>

#include "xenlend_transport.h"

static struct dentry *xenlend_debugfs_root;

static int status_show(struct seq_file *m, void *unused)
{
	struct xenlend_transport *t = m->private;

	seq_printf(m, "state: %s\n", xenbus_strstate(t->xbdev->state));
	seq_printf(m, "connected: %d\n", READ_ONCE(t->connected));
	seq_printf(m, "broken: %d\n", READ_ONCE(t->broken));
	seq_printf(m, "version: %u\n", t->version);
	seq_printf(m, "max_lent_bytes: %llu\n", t->max_lent_bytes);
	seq_printf(m, "max_resources: %u\n", t->max_resources);
	seq_printf(m, "requests: %lld\n", atomic64_read(&t->stats.requests));
	seq_printf(m, "evtchn_sends: %lld\n", atomic64_read(&t->stats.notifies));
	seq_printf(m, "interrupts: %lld\n", atomic64_read(&t->stats.irqs));
	seq_printf(m, "events: %lld\n", atomic64_read(&t->stats.events));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

/**
 * xenlend_debugfs_init() - create the device's debugfs files
 * @t: the transport.
 */
void xenlend_debugfs_init(struct xenlend_transport *t)
{
	char name[32];

	if (!xenlend_debugfs_root)
		xenlend_debugfs_root = debugfs_create_dir("xenlend", NULL);
	snprintf(name, sizeof(name), "%s", dev_name(&t->xbdev->dev));
	t->debugfs = debugfs_create_dir(name, xenlend_debugfs_root);
	debugfs_create_file("status", 0400, t->debugfs, t, &status_fops);
	xenlend_test_hooks_init(t, t->debugfs);
}

/**
 * xenlend_debugfs_fini() - remove the device's debugfs files
 * @t: the transport.
 */
void xenlend_debugfs_fini(struct xenlend_transport *t)
{
	debugfs_remove_recursive(t->debugfs);
	t->debugfs = NULL;
}

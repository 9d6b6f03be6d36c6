// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: test hooks (CONFIG_DRM_XENLEND_DEBUG only).
 *
 * With the module parameter test_hooks=1, each device's debugfs directory
 * gets more files. "inject": writing 128 hex digits sends those 64
 * bytes unchecked as one control ring request (only the id is replaced);
 * reading returns the broker's response as 128 hex digits. This is how the
 * tests show that the broker rejects malformed requests and keeps the
 * connection up. "flood": writing N sends the last injected message N times
 * without waiting for the responses, keeping the ring full, to show that the
 * broker stays fair to other guests. "ignore_revoke": the driver behaves like
 * a guest that never gives lent memory back, to show that dom0 does not
 * depend on it. "reconnect": writing anything closes the connection from the
 * guest's side and lets it come back, the render node and what it maps
 * staying as they are (with ignore_revoke: a guest that collects what dom0
 * quarantines, one connection after another). "free_delay_ms": the free
 * path of a lent object sleeps that long before it does anything, as a
 * free that lost its CPU would, so that a REVOKE meets an object on its way
 * out. "fault_delay_ms": each FAULT's round trip takes that much longer, as
 * with a slow broker.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/hex.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include <xen/xenbus.h>

#include "xenlend_transport.h"

static bool test_hooks;
module_param(test_hooks, bool, 0444);
MODULE_PARM_DESC(test_hooks,
		 "Expose debugfs files that inject raw messages (tests only)");

static ssize_t inject_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct xenlend_transport *t = file->private_data;
	char hex[2 * XENLEND_MSG_SIZE];
	struct xenlend_msg req, rsp;
	int err;

	if (count < sizeof(hex) || count > sizeof(hex) + 1)
		return -EINVAL;
	if (copy_from_user(hex, ubuf, sizeof(hex)))
		return -EFAULT;
	if (hex2bin((u8 *)&req, hex, sizeof(req)))
		return -EINVAL;

	mutex_lock(&t->hooks.inject_lock);
	t->hooks.inject_req = req;
	err = xenlend_call_raw(t, &req, &rsp);
	if (!err)
		t->hooks.inject_rsp = rsp;
	mutex_unlock(&t->hooks.inject_lock);
	return err ? err : count;
}

/* Writing N sends the last injected message N times, never waiting for answers. */
static ssize_t flood_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct xenlend_transport *t = file->private_data;
	struct xenlend_msg req;
	unsigned int i, n;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &n);
	if (err)
		return err;
	mutex_lock(&t->hooks.inject_lock);
	req = t->hooks.inject_req;
	mutex_unlock(&t->hooks.inject_lock);
	for (i = 0; i < n; i++) {
		err = xenlend_send_nowait(t, &req);
		if (err)
			return err;
		cond_resched();
	}
	return count;
}

/* Close the connection from our side; the backend's answer brings it back. */
static ssize_t reconnect_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct xenlend_transport *t = file->private_data;

	xenbus_switch_state(t->xbdev, XenbusStateClosing);
	return count;
}

static const struct file_operations reconnect_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = reconnect_write,
	.llseek = default_llseek,
};

static const struct file_operations flood_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = flood_write,
	.llseek = default_llseek,
};

static ssize_t inject_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct xenlend_transport *t = file->private_data;
	char hex[2 * XENLEND_MSG_SIZE + 1];

	mutex_lock(&t->hooks.inject_lock);
	bin2hex(hex, &t->hooks.inject_rsp, sizeof(t->hooks.inject_rsp));
	mutex_unlock(&t->hooks.inject_lock);
	hex[sizeof(hex) - 1] = '\n';
	return simple_read_from_buffer(ubuf, count, ppos, hex, sizeof(hex));
}

static const struct file_operations inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = inject_read,
	.write = inject_write,
	.llseek = default_llseek,
};

/**
 * xenlend_test_hooks_init() - create a device's test hook files
 * @t: the transport.
 * @dir: its debugfs directory.
 *
 * Does nothing unless the module was loaded with test_hooks=1.
 */
void xenlend_test_hooks_init(struct xenlend_transport *t, struct dentry *dir)
{
	mutex_init(&t->hooks.inject_lock);
	if (!test_hooks)
		return;
	debugfs_create_file("inject", 0600, dir, t, &inject_fops);
	debugfs_create_bool("ignore_revoke", 0600, dir, &t->hooks.ignore_revoke);
	debugfs_create_file("flood", 0200, dir, t, &flood_fops);
	debugfs_create_file("reconnect", 0200, dir, t, &reconnect_fops);
	debugfs_create_u32("free_delay_ms", 0600, dir, &t->hooks.free_delay_ms);
	debugfs_create_u32("fault_delay_ms", 0600, dir, &t->hooks.fault_delay_ms);
}

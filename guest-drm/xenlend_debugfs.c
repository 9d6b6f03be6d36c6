// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: debugfs files for tests.
 *
 * With the module parameter test_hooks=1, each device gets
 * /sys/kernel/debug/xenlend/<device>/inject: writing 128 hex digits sends
 * those 64 bytes unchecked as one control ring request (only the id is
 * replaced); reading returns the broker's response as 128 hex digits. This is
 * how the tests show that the broker rejects malformed requests and keeps the
 * connection up. Writing N to "flood" sends the last injected message N
 * times without waiting for the responses, keeping the ring full, to show
 * that the broker stays fair to other guests. "ignore_revoke" makes the
 * driver behave like a guest that never gives lent memory back, to show that
 * dom0 does not depend on it. "status" is always present.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/hex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <xen/xenbus.h>

#include "xenlend_transport.h"

static struct dentry *xenlend_debugfs_root;

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

	mutex_lock(&t->inject_lock);
	t->inject_req = req;
	err = xenlend_call_raw(t, &req, &rsp);
	if (!err)
		t->inject_rsp = rsp;
	mutex_unlock(&t->inject_lock);
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
	mutex_lock(&t->inject_lock);
	req = t->inject_req;
	mutex_unlock(&t->inject_lock);
	for (i = 0; i < n; i++) {
		err = xenlend_send_nowait(t, &req);
		if (err)
			return err;
		cond_resched();
	}
	return count;
}

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

	mutex_lock(&t->inject_lock);
	bin2hex(hex, &t->inject_rsp, sizeof(t->inject_rsp));
	mutex_unlock(&t->inject_lock);
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

static int status_show(struct seq_file *m, void *unused)
{
	struct xenlend_transport *t = m->private;

	seq_printf(m, "state: %s\n", xenbus_strstate(t->xbdev->state));
	seq_printf(m, "connected: %d\n", READ_ONCE(t->connected));
	seq_printf(m, "broken: %d\n", READ_ONCE(t->broken));
	seq_printf(m, "version: %u\n", t->version);
	seq_printf(m, "max_lent_bytes: %llu\n", t->max_lent_bytes);
	seq_printf(m, "max_resources: %u\n", t->max_resources);
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
	if (t->test_hooks) {
		debugfs_create_file("inject", 0600, t->debugfs, t, &inject_fops);
		debugfs_create_bool("ignore_revoke", 0600, t->debugfs, &t->ignore_revoke);
		debugfs_create_file("flood", 0200, t->debugfs, t, &flood_fops);
	}
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

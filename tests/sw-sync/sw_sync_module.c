// SPDX-License-Identifier: GPL-2.0-only
/*
 * What Linux's sw_sync and sync_debug need to be a module (see Kbuild):
 * the module's license and a stand-in for sync_file_get_name(), which is
 * not exported, for the names debugfs sync/info prints.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/module.h>
#include <linux/string.h>
#include <linux/sync_file.h>

/* sync_file_get_name(), by its Kbuild alias: the name userspace gave it. */
char *sw_sync_file_name(struct sync_file *sync_file, char *buf, int len)
{
	strscpy(buf, sync_file->user_name[0] ? sync_file->user_name : "sync_file", len);
	return buf;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Linux's sw_sync (software fence timelines) as a module, for tests");

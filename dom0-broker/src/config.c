// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the configuration file.
 *
 * One "key = value" per line; '#' starts a comment. Unknown keys and bad
 * values are errors, so that a typo never silently leaves a default in force.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "xenlend_wire.h"

/**
 * config_defaults() - the settings without a config file
 * @c: configuration to fill.
 */
void config_defaults(struct broker_config *c)
{
	memset(c, 0, sizeof(*c));
	c->guests_all = true;
	c->max_lent_bytes = 256ull << 20;
	c->max_resources = 1024;
	c->max_bulk_pages = XENLEND_MAX_BULK_PAGES;
	c->revoke_timeout_ms = 1000;
	c->max_quarantined_bytes = 64ull << 20;
	c->max_vram_bytes = 64ull << 20;
	snprintf(c->render_node, sizeof(c->render_node), "/dev/dri/renderD128");
	snprintf(c->render_user, sizeof(c->render_user), "nobody");
	c->render_uid_base = RENDER_UID_BASE_DEFAULT;
	c->render_memory_max = 2ull << 30;
	c->render_address_space_max = 16ull << 30;
	c->render_tasks_max = 256;
	c->render_files_max = 4096;
	snprintf(c->render_cgroup, sizeof(c->render_cgroup), "auto");
	snprintf(c->control_socket, sizeof(c->control_socket), "/run/xenlend/control");
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_u64(const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end || x < min || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

static int set_string(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len || !*v)
		return -EINVAL;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/**
 * config_parse_line() - apply one line of the config file
 * @c: configuration to update.
 * @line: the line, without its newline.
 * @err: receives a message on error.
 * @errlen: size of @err.
 *
 * Return: 0, or -EINVAL with @err set.
 */
int config_parse_line(struct broker_config *c, const char *line, char *err, size_t errlen)
{
	char buf[1024], *key, *val, *hash, *eq;
	uint64_t x = 0;
	int ret = 0;

	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -EINVAL;
	}
	strcpy(buf, line);
	hash = strchr(buf, '#');
	if (hash)
		*hash = '\0';
	key = trim(buf);
	if (!*key)
		return 0;
	eq = strchr(key, '=');
	if (!eq) {
		snprintf(err, errlen, "expected 'key = value'");
		return -EINVAL;
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);

	if (!strcmp(key, "guests")) {
		c->guests_all = !strcmp(val, "all");
		ret = c->guests_all ? 0 : set_string(c->guests, sizeof(c->guests), val);
	} else if (!strcmp(key, "max_lent_bytes")) {
		ret = parse_u64(val, XENLEND_PAGE_SIZE, UINT64_MAX, &x);
		if (!ret)
			c->max_lent_bytes = x;
	} else if (!strcmp(key, "max_resources")) {
		ret = parse_u64(val, 1, 1u << 20, &x);
		if (!ret)
			c->max_resources = (uint32_t)x;
	} else if (!strcmp(key, "max_bulk_pages")) {
		ret = parse_u64(val, 1, XENLEND_MAX_BULK_PAGES, &x);
		if (!ret)
			c->max_bulk_pages = (uint32_t)x;
	} else if (!strcmp(key, "revoke_timeout_ms")) {
		ret = parse_u64(val, 1, 60000, &x);
		if (!ret)
			c->revoke_timeout_ms = (uint32_t)x;
	} else if (!strcmp(key, "max_quarantined_bytes")) {
		ret = parse_u64(val, 0, UINT64_MAX, &x);
		if (!ret)
			c->max_quarantined_bytes = x;
	} else if (!strcmp(key, "max_vram_bytes")) {
		ret = parse_u64(val, 0, UINT64_MAX, &x);
		if (!ret)
			c->max_vram_bytes = x;
	} else if (!strcmp(key, "on_missed_deadline")) {
		if (!strcmp(val, "disconnect"))
			c->on_missed_deadline = MISSED_DEADLINE_DISCONNECT;
		else if (!strcmp(val, "destroy"))
			c->on_missed_deadline = MISSED_DEADLINE_DESTROY;
		else
			ret = -EINVAL;
	} else if (!strcmp(key, "host_memory")) {
		if (!strcmp(val, "memfd")) {
			c->host_memory = HOST_MEM_MEMFD;
		} else if (!strncmp(val, "gpu:/", 5)) {
			c->host_memory = HOST_MEM_GPU;
			ret = set_string(c->host_memory_node, sizeof(c->host_memory_node), val + 4);
		} else if (!strncmp(val, "vram:/", 6)) {
			c->host_memory = HOST_MEM_VRAM;
			ret = set_string(c->host_memory_node, sizeof(c->host_memory_node), val + 5);
		} else {
			ret = -EINVAL;
		}
	} else if (!strcmp(key, "renderer")) {
		if (!strcmp(val, "none"))
			c->renderer[0] = '\0';
		else if (val[0] != '/')
			ret = -EINVAL;
		else
			ret = set_string(c->renderer, sizeof(c->renderer), val);
	} else if (!strcmp(key, "render_software")) {
		if (!strcmp(val, "yes") || !strcmp(val, "no"))
			c->render_software = !strcmp(val, "yes");
		else
			ret = -EINVAL;
	} else if (!strcmp(key, "render_user")) {
		ret = set_string(c->render_user, sizeof(c->render_user), val);
	} else if (!strcmp(key, "render_uid_base")) {
		ret = parse_u64(val, RENDER_UID_BASE_MIN, RENDER_UID_BASE_MAX, &x);
		if (!ret)
			c->render_uid_base = (uint32_t)x;
	} else if (!strcmp(key, "render_memory_max")) {
		ret = parse_u64(val, 64ull << 20, UINT64_MAX, &x);
		if (!ret)
			c->render_memory_max = x;
	} else if (!strcmp(key, "render_address_space_max")) {
		ret = parse_u64(val, 256ull << 20, UINT64_MAX, &x);
		if (!ret)
			c->render_address_space_max = x;
	} else if (!strcmp(key, "render_tasks_max")) {
		ret = parse_u64(val, 8, 1u << 20, &x);
		if (!ret)
			c->render_tasks_max = (uint32_t)x;
	} else if (!strcmp(key, "render_files_max")) {
		ret = parse_u64(val, 64, 1u << 20, &x);
		if (!ret)
			c->render_files_max = (uint32_t)x;
	} else if (!strcmp(key, "render_cgroup")) {
		if (strcmp(val, "auto") && strcmp(val, "none") && val[0] != '/')
			ret = -EINVAL;
		else
			ret = set_string(c->render_cgroup, sizeof(c->render_cgroup), val);
	} else if (!strcmp(key, "render_node")) {
		ret = set_string(c->render_node, sizeof(c->render_node), val);
	} else if (!strcmp(key, "control_socket")) {
		ret = set_string(c->control_socket, sizeof(c->control_socket), val);
	} else {
		snprintf(err, errlen, "unknown key '%s'", key);
		return -EINVAL;
	}
	if (ret)
		snprintf(err, errlen, "bad value '%s' for '%s'", val, key);
	return ret;
}

/**
 * config_load() - read a config file over the defaults
 * @c: configuration, already holding defaults.
 * @path: file to read.
 *
 * Return: 0, or a negative errno after logging the file, line and reason.
 */
int config_load(struct broker_config *c, const char *path)
{
	char line[1100], err[128];
	unsigned int n = 0;
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f) {
		ret = -errno;
		log_msg(LOG_ERR, "cannot open config %s: %s", path, strerror(errno));
		return ret;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\n")] = '\0';
		if (config_parse_line(c, line, err, sizeof(err))) {
			log_msg(LOG_ERR, "%s:%u: %s", path, n, err);
			ret = -EINVAL;
			break;
		}
	}
	fclose(f);
	return ret;
}

/**
 * config_serves() - whether a guest gets a xenlend device
 * @c: configuration.
 * @domain_name: the guest's name from xenstore.
 */
bool config_serves(const struct broker_config *c, const char *domain_name)
{
	size_t n = strlen(domain_name);
	const char *p = c->guests;

	if (c->guests_all)
		return true;
	while (n && (p = strstr(p, domain_name))) {
		bool start = p == c->guests || isspace((unsigned char)p[-1]);
		bool end = !p[n] || isspace((unsigned char)p[n]);

		if (start && end)
			return true;
		p += n;
	}
	return false;
}

/**
 * config_destroys_late_guests() - whether a missed deadline stops the guest
 * @c: the configuration.
 * @gpu_memory: the guest was lent GPU buffers (gpu: host memory, or
 *	renderer blobs that are dma-bufs), which the engine pins.
 *
 * A GPU driver's buffer stays pinned while a guest maps any of it, and the
 * driver needs it back: by default a guest late on such memory is paused
 * and destroyed. memfd memory only stays quarantined, charged to the guest:
 * by default it is only disconnected.
 *
 * Return: true if a guest that misses a revocation deadline is destroyed.
 */
bool config_destroys_late_guests(const struct broker_config *c, bool gpu_memory)
{
	if (c->on_missed_deadline == MISSED_DEADLINE_DEFAULT)
		return gpu_memory;
	return c->on_missed_deadline == MISSED_DEADLINE_DESTROY;
}

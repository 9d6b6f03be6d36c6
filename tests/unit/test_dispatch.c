// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the broker's control ring logic (dom0-broker/src/dispatch.c)
 * and its configuration parser (config.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <stdlib.h>

#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "resources.h"
#include "check.h"
#include "vectors.h"

static struct broker_config cfg;

static void hello_msg(struct xenlend_msg *m, uint32_t bulk)
{
	xenlend_msg_init(m, XENLEND_T_HELLO, 1);
	m->u.hello.version_min = 1;
	m->u.hello.version_max = 1;
	m->u.hello.nr_bulk_pages = bulk;
}

static uint32_t send(struct guest_state *g, struct xenlend_msg *req, struct xenlend_msg *rsp)
{
	CHECK(dispatch_ctrl(g, req, rsp));
	/* Whatever the request, the response is valid and matches it. */
	CHECK(xenlend_msg_check(rsp, XENLEND_Q_CTRL_RSP).why == NULL);
	CHECK_EQ(xenlend_msg_id(rsp), xenlend_msg_id(req));
	CHECK_EQ(xenlend_msg_type(rsp), xenlend_msg_type(req) | XENLEND_T_RESPONSE);
	return xenlend_msg_status(rsp);
}

static void guest_connect(struct guest_state *g)
{
	struct xenlend_msg req, rsp;

	CHECK_EQ(guest_state_init(g, 5, TEST_VECTORS_BULK_PAGES, &cfg), 0);
	hello_msg(&req, TEST_VECTORS_BULK_PAGES);
	CHECK_EQ(send(g, &req, &rsp), XENLEND_S_OK);
	CHECK_EQ(rsp.u.hello_rsp.version, 1);
	CHECK_EQ(rsp.u.hello_rsp.max_lent_bytes, cfg.max_lent_bytes);
	CHECK_EQ(rsp.u.hello_rsp.max_resources, cfg.max_resources);
}

static void create_msg(struct xenlend_msg *m, uint32_t id, uint32_t kind, uint64_t size)
{
	xenlend_msg_init(m, XENLEND_T_RESOURCE_CREATE, id + 100);
	m->u.create.res_id = id;
	m->u.create.kind = kind;
	m->u.create.size = size;
}

/* A read FAULT for one page at @offset of resource @res_id, into bulk page 0. */
static void fault_msg(struct xenlend_msg *m, uint64_t id, uint32_t res_id, uint64_t offset)
{
	xenlend_msg_init(m, XENLEND_T_FAULT, id);
	m->u.fault.res_id = res_id;
	m->u.fault.access = XENLEND_ACCESS_READ;
	m->u.fault.offset = offset;
	m->u.fault.length = XENLEND_PAGE_SIZE;
}

/* A fake lending engine: grant references are 1000 + page index. */
static int fake_err;
static unsigned int fake_live;

static int fake_create(void *ctx, struct guest_resource *r)
{
	(void)ctx;
	(void)r;
	if (!fake_err)
		fake_live++;
	return fake_err;
}

static void fake_destroy(void *ctx, struct guest_resource *r)
{
	(void)ctx;
	(void)r;
	fake_live--;
}

static int fake_grant(void *ctx, struct guest_resource *r, uint64_t offset, uint64_t length,
		      bool write, uint32_t *grefs, uint64_t *seq, int64_t *window_page)
{
	(void)ctx;
	(void)write;
	if (fake_err)
		return fake_err;
	*window_page = -1;
	if (r->vram) {	/* device memory: in the window, no grants */
		*window_page = r->win_page + (int64_t)(offset / XENLEND_PAGE_SIZE);
		*seq = 43;
		return 0;
	}
	for (uint64_t i = 0; i < length / XENLEND_PAGE_SIZE; i++)
		grefs[i] = (uint32_t)(1000 + offset / XENLEND_PAGE_SIZE + i);
	*seq = 42;
	return 0;
}

static const struct engine_ops fake_ops = {
	.create = fake_create,
	.destroy = fake_destroy,
	.grant = fake_grant,
};

/* The bulk pages the fake-engine guests share. */
static uint32_t fake_bulk[TEST_VECTORS_BULK_PAGES][XENLEND_GREFS_PER_BULK_PAGE];

/* A connected guest whose host resources come from the fake engine. */
static void guest_connect_lending(struct guest_state *g)
{
	guest_connect(g);
	g->engine = &fake_ops;
	g->bulk = fake_bulk;
}

/* The control ring vectors, in order, get exactly their statuses. */
static void test_vectors_statuses(void)
{
	const struct test_vector *v;
	size_t n = test_vectors_get(&v);
	struct guest_state g;
	struct xenlend_msg rsp;

	guest_connect_lending(&g);
	for (size_t i = 0; i < n; i++) {
		struct xenlend_msg req = v[i].msg;
		uint32_t s;

		if (v[i].q != XENLEND_Q_CTRL_REQ)
			continue;
		s = send(&g, &req, &rsp);
		if (s != v[i].want_status)
			fprintf(stderr, "vector %s: status %u\n", v[i].name, s);
		CHECK_EQ(s, v[i].want_status);
	}
	CHECK(g.hello_done);
	CHECK_EQ(g.nr_resources, 0);
	CHECK_EQ(fake_live, 0);
	CHECK_EQ(g.stats_faults, 1);
	CHECK(g.stats_rejected > 10);
	guest_state_fini(&g);
}

static void test_nothing_before_hello(void)
{
	struct guest_state g;
	struct xenlend_msg req, rsp;

	CHECK_EQ(guest_state_init(&g, 5, 2, &cfg), 0);
	create_msg(&req, 1, XENLEND_RES_HOST, XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_PROTO);
	/* HELLO naming more bulk pages than xenstore is refused. */
	hello_msg(&req, 3);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_INVAL);
	CHECK(!g.hello_done);
	hello_msg(&req, 2);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	create_msg(&req, 1, XENLEND_RES_HOST, XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	guest_state_fini(&g);
}

static void test_quotas(void)
{
	struct guest_state g;
	struct xenlend_msg req, rsp;

	cfg.max_resources = 3;
	guest_connect(&g);
	for (uint32_t id = 1; id <= 3; id++) {
		create_msg(&req, id, XENLEND_RES_GUEST, XENLEND_PAGE_SIZE);
		CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	}
	create_msg(&req, 4, XENLEND_RES_GUEST, XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_QUOTA);
	/* Destroying one frees its slot. */
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_DESTROY, 9);
	req.u.destroy.res_id = 2;
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	create_msg(&req, 4, XENLEND_RES_GUEST, XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	CHECK(guest_find_resource(&g, 4) != NULL);
	CHECK(guest_find_resource(&g, 2) == NULL);
	CHECK_EQ(g.nr_resources, 3);
	guest_state_fini(&g);
	/* A guest that went away has none (the control socket may still ask). */
	CHECK(guest_find_resource(&g, 4) == NULL);
	cfg.max_resources = 1024;

	/* A host object bigger than the lending cap can never be lent. */
	guest_connect(&g);
	create_msg(&req, 1, XENLEND_RES_HOST, cfg.max_lent_bytes + XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_QUOTA);
	guest_state_fini(&g);
}

/* Resource ids are per guest: one guest cannot reach another's objects. */
static void test_guests_are_isolated(void)
{
	struct guest_state a, b;
	struct xenlend_msg req, rsp;

	guest_connect_lending(&a);
	guest_connect_lending(&b);
	create_msg(&req, 7, XENLEND_RES_HOST, 1 << 20);
	CHECK_EQ(send(&a, &req, &rsp), XENLEND_S_OK);

	fault_msg(&req, 3, 7, 0);
	CHECK_EQ(send(&b, &req, &rsp), XENLEND_S_NOENT);
	CHECK_EQ(b.stats_faults, 0);
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_DESTROY, 4);
	req.u.destroy.res_id = 7;
	CHECK_EQ(send(&b, &req, &rsp), XENLEND_S_NOENT);

	/* The owner still has it, and the other may use the same id for its own. */
	CHECK(guest_find_resource(&a, 7) != NULL);
	create_msg(&req, 7, XENLEND_RES_HOST, 1 << 20);
	CHECK_EQ(send(&b, &req, &rsp), XENLEND_S_OK);
	CHECK_EQ(fake_live, 2);
	guest_state_fini(&b);
	CHECK(guest_find_resource(&a, 7) != NULL);
	CHECK_EQ(fake_live, 1);
	guest_state_fini(&a);
	CHECK_EQ(fake_live, 0);
}

static void test_fault_on_guest_resource(void)
{
	struct guest_state g;
	struct xenlend_msg req, rsp;

	guest_connect(&g);
	create_msg(&req, 1, XENLEND_RES_GUEST, 4 * XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	fault_msg(&req, 3, 1, 0);
	/* Guest memory is never lent back to the guest. */
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_INVAL);
	guest_state_fini(&g);
}


/* Device memory is answered with its place in the window, not grants. */
static void test_fault_device_memory_in_window(void)
{
	uint32_t (*bulk)[XENLEND_GREFS_PER_BULK_PAGE] = fake_bulk;
	struct guest_state g;
	struct xenlend_msg req, rsp;
	struct xenlend_fault f;
	struct guest_resource *r;

	memset(fake_bulk, 0, sizeof(fake_bulk));
	guest_connect_lending(&g);
	create_msg(&req, 5, XENLEND_RES_HOST, 4 << 20);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	r = guest_find_resource(&g, 5);
	CHECK(r != NULL);
	r->vram = true;
	r->win_page = 1024;

	xenlend_msg_init(&req, XENLEND_T_FAULT, 78);
	req.u.fault.res_id = 5;
	req.u.fault.access = XENLEND_ACCESS_READ | XENLEND_ACCESS_WRITE;
	req.u.fault.offset = 1 << 20;
	req.u.fault.length = 2 << 20;
	req.u.fault.bulk_idx = 2;
	f = req.u.fault;
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	CHECK_EQ(rsp.u.fault_rsp.nr_grefs, 0);
	CHECK_EQ(rsp.u.fault_rsp.window_page, 1024 + 256);
	CHECK_EQ(rsp.u.fault_rsp.seq, 43);
	CHECK_EQ(rsp.u.fault_rsp.length, 2 << 20);
	CHECK_EQ(bulk[2][0], 0);	/* no grant references written */
	/* The guest's codec takes it, and it answers the request. */
	CHECK_EQ(xenlend_msg_check(&rsp, XENLEND_Q_CTRL_RSP).status, XENLEND_S_OK);
	CHECK(xenlend_fault_rsp_mismatch(&f, &rsp.u.fault_rsp) == NULL);
	/* A window page beside grant references is refused. */
	rsp.u.fault_rsp.nr_grefs = 512;
	CHECK_EQ(xenlend_msg_check(&rsp, XENLEND_Q_CTRL_RSP).status, XENLEND_S_INVAL);
	guest_state_fini(&g);
}

static void test_fault_grants_into_bulk_page(void)
{
	uint32_t (*bulk)[XENLEND_GREFS_PER_BULK_PAGE] = fake_bulk;
	struct guest_state g;
	struct xenlend_msg req, rsp;

	guest_connect_lending(&g);
	create_msg(&req, 9, XENLEND_RES_HOST, 8 << 20);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	CHECK_EQ(fake_live, 1);
	CHECK_EQ(g.host_bytes, 8 << 20);

	xenlend_msg_init(&req, XENLEND_T_FAULT, 77);
	req.u.fault.res_id = 9;
	req.u.fault.access = XENLEND_ACCESS_READ | XENLEND_ACCESS_WRITE;
	req.u.fault.offset = 2 << 20;
	req.u.fault.length = 2 << 20;
	req.u.fault.bulk_idx = 3;
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	CHECK_EQ(rsp.u.fault_rsp.nr_grefs, 512);
	CHECK_EQ(rsp.u.fault_rsp.offset, 2 << 20);
	CHECK_EQ(rsp.u.fault_rsp.length, 2 << 20);
	CHECK_EQ(rsp.u.fault_rsp.seq, 42);
	CHECK_EQ(rsp.u.fault_rsp.bulk_idx, 3);
	CHECK_EQ(bulk[3][0], 1512);
	CHECK_EQ(bulk[3][511], 2023);
	CHECK_EQ(bulk[2][0], 0);
	CHECK_EQ(g.stats_fault_pages, 512);

	/* Engine errors become statuses: retry later, quota. */
	fake_err = -EAGAIN;
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_BUSY);
	fake_err = -EDQUOT;
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_QUOTA);
	create_msg(&req, 10, XENLEND_RES_HOST, XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_QUOTA);
	CHECK(guest_find_resource(&g, 10) == NULL);
	fake_err = 0;

	/* The lent-bytes cap counts every live host resource. */
	create_msg(&req, 11, XENLEND_RES_HOST, cfg.max_lent_bytes - (8 << 20) + XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_QUOTA);
	create_msg(&req, 11, XENLEND_RES_HOST, cfg.max_lent_bytes - (8 << 20));
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	CHECK_EQ(g.host_bytes, cfg.max_lent_bytes);

	/* Everything is released when the guest goes. */
	guest_state_fini(&g);
	CHECK_EQ(fake_live, 0);
}

static void test_config(void)
{
	struct broker_config c;
	char err[128];

	config_defaults(&c);
	CHECK(c.guests_all);
	CHECK(config_serves(&c, "anything"));
	CHECK_EQ(config_parse_line(&c, "  # just a comment", err, sizeof(err)), 0);
	CHECK_EQ(config_parse_line(&c, "", err, sizeof(err)), 0);
	CHECK_EQ(config_parse_line(&c, "max_resources = 16 # trailing", err, sizeof(err)), 0);
	CHECK_EQ(c.max_resources, 16);
	CHECK_EQ(config_parse_line(&c, "max_lent_bytes=0x100000", err, sizeof(err)), 0);
	CHECK_EQ(c.max_lent_bytes, 0x100000);
	CHECK_EQ(c.host_memory, HOST_MEM_MEMFD);
	CHECK_EQ(config_parse_line(&c, "host_memory = gpu:/dev/dri/card1", err, sizeof(err)), 0);
	CHECK_EQ(c.host_memory, HOST_MEM_GPU);
	CHECK_STR(c.host_memory_node, "/dev/dri/card1");
	CHECK(config_parse_line(&c, "host_memory = gpu:card1", err, sizeof(err)) < 0);
	/* Late guests holding driver memory are destroyed unless told otherwise. */
	CHECK(config_destroys_late_guests(&c, true));
	CHECK(!config_destroys_late_guests(&c, false));
	CHECK_EQ(config_parse_line(&c, "on_missed_deadline = disconnect", err, sizeof(err)), 0);
	CHECK(!config_destroys_late_guests(&c, true));
	CHECK(config_parse_line(&c, "on_missed_deadline = pause", err, sizeof(err)) < 0);
	CHECK_EQ(config_parse_line(&c, "on_missed_deadline = destroy", err, sizeof(err)), 0);
	CHECK(config_destroys_late_guests(&c, false));
	CHECK_EQ(c.max_quarantined_bytes, 64ull << 20);
	CHECK_EQ(config_parse_line(&c, "max_quarantined_bytes = 0", err, sizeof(err)), 0);
	CHECK_EQ(c.max_quarantined_bytes, 0);
	CHECK_STR(c.renderer, "");
	CHECK_STR(c.render_user, "nobody");
	CHECK_EQ(config_parse_line(&c, "renderer = /usr/libexec/xenlend-render", err,
				   sizeof(err)), 0);
	CHECK_STR(c.renderer, "/usr/libexec/xenlend-render");
	CHECK(config_parse_line(&c, "renderer = xenlend-render", err, sizeof(err)) < 0);
	CHECK_EQ(config_parse_line(&c, "renderer = none", err, sizeof(err)), 0);
	CHECK_STR(c.renderer, "");
	CHECK_EQ(config_parse_line(&c, "render_user = xenlend-render", err, sizeof(err)), 0);
	CHECK_STR(c.render_user, "xenlend-render");
	CHECK(!c.render_software);
	CHECK_EQ(config_parse_line(&c, "render_software = yes", err, sizeof(err)), 0);
	CHECK(c.render_software);
	CHECK(config_parse_line(&c, "render_software = maybe", err, sizeof(err)) < 0);
	/* Render workers' users and bounds (render_jail.c). */
	CHECK_EQ(c.render_uid_base, RENDER_UID_BASE_DEFAULT);
	CHECK_EQ(c.render_memory_max, 2ull << 30);
	CHECK_EQ(c.render_tasks_max, 256);
	CHECK_STR(c.render_cgroup, "auto");
	CHECK_EQ(config_parse_line(&c, "render_uid_base = 200000", err, sizeof(err)), 0);
	CHECK_EQ(c.render_uid_base, 200000);
	/* A range reaching into 16-bit ids, or past (uid_t)-1, is refused. */
	CHECK(config_parse_line(&c, "render_uid_base = 0", err, sizeof(err)) < 0);
	CHECK(config_parse_line(&c, "render_uid_base = 1000", err, sizeof(err)) < 0);
	CHECK(config_parse_line(&c, "render_uid_base = 4294967000", err, sizeof(err)) < 0);
	CHECK_EQ(c.render_uid_base, 200000);
	CHECK_EQ(config_parse_line(&c, "render_memory_max = 402653184", err, sizeof(err)), 0);
	CHECK_EQ(c.render_memory_max, 402653184);
	CHECK(config_parse_line(&c, "render_memory_max = 4096", err, sizeof(err)) < 0);
	CHECK_EQ(config_parse_line(&c, "render_tasks_max = 64", err, sizeof(err)), 0);
	CHECK_EQ(c.render_tasks_max, 64);
	CHECK(config_parse_line(&c, "render_tasks_max = 0", err, sizeof(err)) < 0);
	CHECK_EQ(config_parse_line(&c, "render_files_max = 1024", err, sizeof(err)), 0);
	CHECK_EQ(c.render_files_max, 1024);
	CHECK_EQ(config_parse_line(&c, "render_address_space_max = 4294967296", err,
				   sizeof(err)), 0);
	CHECK_EQ(c.render_address_space_max, 4ull << 30);
	CHECK_EQ(config_parse_line(&c, "render_cgroup = none", err, sizeof(err)), 0);
	CHECK_EQ(config_parse_line(&c, "render_cgroup = /sys/fs/cgroup/xenlend", err,
				   sizeof(err)), 0);
	CHECK_STR(c.render_cgroup, "/sys/fs/cgroup/xenlend");
	CHECK(config_parse_line(&c, "render_cgroup = sometimes", err, sizeof(err)) < 0);

	CHECK(config_parse_line(&c, "max_resources = -1", err, sizeof(err)) < 0);
	CHECK_STR(err, "bad value '-1' for 'max_resources'");
	CHECK(config_parse_line(&c, "max_bulk_pages = 33", err, sizeof(err)) < 0);
	CHECK(config_parse_line(&c, "max_resources = 12abc", err, sizeof(err)) < 0);
	CHECK(config_parse_line(&c, "host_memory = maybe", err, sizeof(err)) < 0);
	CHECK(config_parse_line(&c, "max_lent_byte = 1", err, sizeof(err)) < 0);
	CHECK_STR(err, "unknown key 'max_lent_byte'");
	CHECK(config_parse_line(&c, "no equals sign", err, sizeof(err)) < 0);
	CHECK_EQ(c.max_resources, 16);

	CHECK_EQ(config_parse_line(&c, "guests = sys-gui work-vm", err, sizeof(err)), 0);
	CHECK(!c.guests_all);
	CHECK(config_serves(&c, "work-vm"));
	CHECK(config_serves(&c, "sys-gui"));
	CHECK(!config_serves(&c, "work"));
	CHECK(!config_serves(&c, "gui"));
	CHECK(!config_serves(&c, "vm"));
	CHECK(!config_serves(&c, ""));
}

int main(void)
{
	static const struct test_case cases[] = {
		TEST(test_vectors_statuses),
		TEST(test_nothing_before_hello),
		TEST(test_quotas),
		TEST(test_guests_are_isolated),
		TEST(test_fault_on_guest_resource),
		TEST(test_fault_grants_into_bulk_page),
		TEST(test_fault_device_memory_in_window),
		TEST(test_config),
	};

	log_init(false);
	config_defaults(&cfg);
	return test_main("dispatch", cases, sizeof(cases) / sizeof(cases[0]));
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the broker's control ring logic (dom0-broker/src/dispatch.c)
 * and its configuration parser (config.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdlib.h>

#include "broker.h"
#include "check.h"
#include "vectors.h"

static struct broker_config cfg;

static void hello_msg(struct xenlend_msg *m, uint32_t bulk)
{
	xenlend_msg_init(m, XENLEND_T_HELLO, 1);
	m->u.hello.version_min = cpu_to_le32(1);
	m->u.hello.version_max = cpu_to_le32(1);
	m->u.hello.nr_bulk_pages = cpu_to_le32(bulk);
}

static uint32_t send(struct guest_state *g, struct xenlend_msg *req, struct xenlend_msg *rsp)
{
	dispatch_ctrl(g, req, rsp);
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
	CHECK_EQ(le32_to_cpu(rsp.u.hello_rsp.version), 1);
	CHECK_EQ(le64_to_cpu(rsp.u.hello_rsp.max_lent_bytes), cfg.max_lent_bytes);
	CHECK_EQ(le32_to_cpu(rsp.u.hello_rsp.max_resources), cfg.max_resources);
}

static void create_msg(struct xenlend_msg *m, uint32_t id, uint32_t kind, uint64_t size)
{
	xenlend_msg_init(m, XENLEND_T_RESOURCE_CREATE, id + 100);
	m->u.create.res_id = cpu_to_le32(id);
	m->u.create.kind = cpu_to_le32(kind);
	m->u.create.size = cpu_to_le64(size);
}

/* The control ring vectors, in order, get exactly their statuses. */
static void test_vectors_statuses(void)
{
	const struct test_vector *v;
	size_t n = test_vectors_get(&v);
	struct guest_state g;
	struct xenlend_msg rsp;

	guest_connect(&g);
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
	req.u.destroy.res_id = cpu_to_le32(2);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	create_msg(&req, 4, XENLEND_RES_GUEST, XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	CHECK(guest_find_resource(&g, 4) != NULL);
	CHECK(guest_find_resource(&g, 2) == NULL);
	CHECK_EQ(g.nr_resources, 3);
	guest_state_fini(&g);
	cfg.max_resources = 1024;

	/* A host object bigger than the lending cap can never be lent. */
	guest_connect(&g);
	create_msg(&req, 1, XENLEND_RES_HOST, cfg.max_lent_bytes + XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_QUOTA);
	guest_state_fini(&g);
}

static void test_fault_on_guest_resource(void)
{
	struct guest_state g;
	struct xenlend_msg req, rsp;

	guest_connect(&g);
	create_msg(&req, 1, XENLEND_RES_GUEST, 4 * XENLEND_PAGE_SIZE);
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_OK);
	xenlend_msg_init(&req, XENLEND_T_FAULT, 3);
	req.u.fault.res_id = cpu_to_le32(1);
	req.u.fault.access = cpu_to_le32(XENLEND_ACCESS_READ);
	req.u.fault.length = cpu_to_le64(XENLEND_PAGE_SIZE);
	/* Guest memory is never lent back to the guest. */
	CHECK_EQ(send(&g, &req, &rsp), XENLEND_S_INVAL);
	guest_state_fini(&g);
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
	CHECK_EQ(config_parse_line(&c, "fault_failure = zero-page", err, sizeof(err)), 0);
	CHECK_EQ(c.fault_failure, FAIL_ZERO_PAGE);

	CHECK(config_parse_line(&c, "max_resources = -1", err, sizeof(err)) < 0);
	CHECK_STR(err, "bad value '-1' for 'max_resources'");
	CHECK(config_parse_line(&c, "max_bulk_pages = 33", err, sizeof(err)) < 0);
	CHECK(config_parse_line(&c, "max_resources = 12abc", err, sizeof(err)) < 0);
	CHECK(config_parse_line(&c, "fault_failure = maybe", err, sizeof(err)) < 0);
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
		TEST(test_fault_on_guest_resource),
		TEST(test_config),
	};

	log_init(false);
	config_defaults(&cfg);
	return test_main("dispatch", cases, sizeof(cases) / sizeof(cases[0]));
}

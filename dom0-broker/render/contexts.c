// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-render: the table of a guest's rendering contexts.
 *
 * The table only holds contexts; what they are made of and how they are
 * fenced is requests.c's business.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include "contexts.h"

/* Contexts one guest may hold at once. */
#define MAX_CTXS		256

static struct ctx *ctxs;
static unsigned int nr_ctxs;

/**
 * ctx_find() - look a context up
 * @id: its id.
 *
 * Return: the context, or NULL.
 */
struct ctx *ctx_find(uint32_t id)
{
	struct ctx *c;

	for (c = ctxs; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

/**
 * ctx_first() - the newest context, to walk the table along ->next
 *
 * Return: the context, or NULL when there is none.
 */
struct ctx *ctx_first(void)
{
	return ctxs;
}

/**
 * ctx_table_full() - whether the guest holds as many contexts as it may
 */
bool ctx_table_full(void)
{
	return nr_ctxs >= MAX_CTXS;
}

/**
 * ctx_insert() - add a context to the table
 * @c: the context, with an id not in the table.
 */
void ctx_insert(struct ctx *c)
{
	c->next = ctxs;
	ctxs = c;
	nr_ctxs++;
}

/**
 * ctx_remove() - take a context out of the table
 * @id: its id.
 *
 * Return: the context, now the caller's, or NULL when there is none.
 */
struct ctx *ctx_remove(uint32_t id)
{
	struct ctx **pp, *c;

	for (pp = &ctxs; (c = *pp) && c->id != id; pp = &c->next)
		;
	if (!c)
		return NULL;
	*pp = c->next;
	nr_ctxs--;
	return c;
}

/**
 * ctx_usable() - whether a resource request may name a context
 * @ctx_id: 0 (none) or a context id.
 *
 * Return: XENLEND_S_OK, XENLEND_S_NOENT for an unknown context, or
 * XENLEND_S_IO for a lost one.
 */
uint32_t ctx_usable(uint32_t ctx_id)
{
	struct ctx *c;

	if (!ctx_id)
		return XENLEND_S_OK;
	c = ctx_find(ctx_id);
	if (!c)
		return XENLEND_S_NOENT;
	return c->lost ? XENLEND_S_IO : XENLEND_S_OK;
}

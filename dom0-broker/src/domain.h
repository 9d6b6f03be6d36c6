/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: stopping a guest that keeps driver memory (domain.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_DOMAIN_H
#define XENLEND_BROKER_DOMAIN_H

int domain_stop(int domid, const char *why);

#endif /* XENLEND_BROKER_DOMAIN_H */

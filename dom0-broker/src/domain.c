// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: stopping a guest that keeps memory a GPU driver needs.
 *
 * A guest that misses a revocation deadline on driver-managed memory holds
 * a buffer its driver needs back: the engine keeps it pinned (and so
 * unusable to the driver) for as long as the guest maps any of it. The
 * broker therefore pauses such a guest at once - its access stops there,
 * whatever it is doing - and crashes it, so that the toolstack (xl, xapi,
 * libvirt) destroys it with its usual cleanup; destroying its domain is
 * what unmaps the grants and lets the engine unpin the buffer. Through
 * libxenctrl, which every toolstack's dom0 has.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <string.h>

#include <xenctrl.h>

#include "domain.h"
#include "log.h"

/**
 * domain_stop() - pause a guest at once, then have its toolstack destroy it
 * @domid: the guest.
 * @why: the reason, for the log.
 *
 * Return: 0 once it is paused and marked crashed, or a negative errno
 * (logged); a guest that could not even be paused keeps running.
 */
int domain_stop(int domid, const char *why)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	int err = 0;

	if (!xch) {
		err = -errno;
		log_msg(LOG_ERR, "dom%d: cannot stop it (%s): libxenctrl: %s", domid, why,
			strerror(errno));
		return err;
	}
	if (xc_domain_pause(xch, (uint32_t)domid)) {
		err = -errno;
		log_msg(LOG_ERR, "dom%d: cannot pause it (%s): %s", domid, why, strerror(errno));
	} else if (xc_domain_shutdown(xch, (uint32_t)domid, SHUTDOWN_crash)) {
		err = -errno;
		log_msg(LOG_ERR, "dom%d: paused, but cannot crash it (%s): %s", domid, why,
			strerror(errno));
	} else {
		log_msg(LOG_ERR, "dom%d: paused and crashed for its toolstack to destroy: %s",
			domid, why);
	}
	xc_interface_close(xch);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: the xenbus frontend of device type "xenlend".
 *
 * It follows the backend through the xenbus states (see xenlend_if.h):
 * backend InitWait -> publish the transport, switch to Initialised;
 * backend Connected -> switch to Connected and send HELLO;
 * backend Closing -> drop the connection. A backend that goes back to
 * InitWait (the broker restarted) gets a fresh transport.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/module.h>
#include <linux/slab.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

#include "xenlend_cmds.h"
#include "xenlend_drv.h"
#include "xenlend_transport.h"

static void xenlend_hello_work(struct work_struct *work)
{
	struct xenlend_transport *t = container_of(work, struct xenlend_transport,
						   hello_work);

	int err;

	if (xenlend_cmd_hello(t)) {
		xenbus_dev_error(t->xbdev, -EPROTO, "HELLO with the broker failed");
		return;
	}
	err = xenlend_drm_register(t);
	if (err)
		dev_err(&t->xbdev->dev, "cannot register the render node: %d\n", err);
}

static void xenlend_front_connect(struct xenlend_transport *t)
{
	struct xenbus_device *dev = t->xbdev;

	if (dev->state != XenbusStateInitialising)
		return;
	if (xenlend_transport_publish(t))
		return;
	xenbus_switch_state(dev, XenbusStateInitialised);
}

static void xenlend_front_reset(struct xenlend_transport *t)
{
	cancel_work_sync(&t->hello_work);
	xenlend_transport_disconnect(t);
}

static void xenlend_backend_changed(struct xenbus_device *dev,
				    enum xenbus_state backend_state)
{
	struct xenlend_transport *t = dev_get_drvdata(&dev->dev);

	dev_dbg(&dev->dev, "backend %s, frontend %s\n",
		xenbus_strstate(backend_state), xenbus_strstate(dev->state));

	switch (backend_state) {
	case XenbusStateInitWait:
		if (dev->state != XenbusStateInitialising) {
			/* The broker restarted: start over. */
			dev_info(&dev->dev, "backend restarted, reconnecting\n");
			xenlend_front_reset(t);
			xenbus_switch_state(dev, XenbusStateInitialising);
		}
		xenlend_front_connect(t);
		break;
	case XenbusStateConnected:
		if (dev->state != XenbusStateInitialised)
			break;
		xenbus_switch_state(dev, XenbusStateConnected);
		queue_work(system_wq, &t->hello_work);
		break;
	case XenbusStateClosing:
		xenlend_front_reset(t);
		xenbus_frontend_closed(dev);
		break;
	case XenbusStateClosed:
		if (dev->state == XenbusStateClosed)
			break;
		xenlend_front_reset(t);
		xenbus_frontend_closed(dev);
		break;
	default:
		break;
	}
}

static int xenlend_probe(struct xenbus_device *dev,
			 const struct xenbus_device_id *id)
{
	struct xenlend_transport *t;
	int err;

	t = devm_kzalloc(&dev->dev, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->xbdev = dev;
	err = xenlend_transport_init(t);
	if (err)
		return err;
	INIT_WORK(&t->hello_work, xenlend_hello_work);
	dev_set_drvdata(&dev->dev, t);
	xenlend_window_reserve(t);
	xenlend_debugfs_init(t);
	return 0;
}

static void xenlend_remove(struct xenbus_device *dev)
{
	struct xenlend_transport *t = dev_get_drvdata(&dev->dev);

	xenlend_debugfs_fini(t);
	cancel_work_sync(&t->hello_work);
	xenlend_drm_unregister(t);
	xenlend_front_reset(t);
	xenlend_transport_fini(t);
	xenlend_window_release(t);
}

/*
 * Restored into a new domain, maybe on another host: start over with
 * whatever broker serves it, as after a broker restart.
 */
static int xenlend_resume(struct xenbus_device *dev)
{
	struct xenlend_transport *t = dev_get_drvdata(&dev->dev);

	xenlend_front_reset(t);
	return 0;
}

static const struct xenbus_device_id xenlend_ids[] = {
	{ XENLEND_XS_DEVICE_TYPE },
	{ "" }
};

static struct xenbus_driver xenlend_driver = {
	.ids = xenlend_ids,
	.probe = xenlend_probe,
	.remove = xenlend_remove,
	.otherend_changed = xenlend_backend_changed,
	.resume = xenlend_resume,
	.not_essential = true,
};

static int __init xenlend_init(void)
{
	int err;

	if (!xen_domain() || xen_initial_domain())
		return -ENODEV;
	err = xenlend_platform_init();
	if (err)
		return err;
	err = xenbus_register_frontend(&xenlend_driver);
	if (err)
		xenlend_platform_exit();
	return err;
}
module_init(xenlend_init);

static void __exit xenlend_exit(void)
{
	xenbus_unregister_driver(&xenlend_driver);
	xenlend_platform_exit();
}
module_exit(xenlend_exit);

MODULE_DESCRIPTION("xenlend: GPU memory lent by dom0 to Xen guests");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:" XENLEND_XS_DEVICE_TYPE);

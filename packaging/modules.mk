# SPDX-License-Identifier: GPL-2.0-only
#
# Builds xenlend.ko and xenlend-host.ko out of tree from the layout of the
# kernel patch series (drivers/gpu/drm/xenlend/, drivers/xen/xenlend/,
# include/uapi/xen/ beside this file): the Makefile of the DKMS source
# package and of `make modules`.
#   KDIR   the kernel's build tree (default: the running kernel's)
#   DEBUG=1  the guest driver's test hooks (CONFIG_DRM_XENLEND_DEBUG)

KDIR ?= /lib/modules/$(shell uname -r)/build
TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
# What autoconf.h would say of the options, and the uAPI header's place.
ARGS := CONFIG_DRM_XENLEND=m CONFIG_XEN_XENLEND_HOST=m KCPPFLAGS=-I$(TOP)/include/uapi
ifeq ($(DEBUG),1)
ARGS += CONFIG_DRM_XENLEND_DEBUG=y KCFLAGS=-DCONFIG_DRM_XENLEND_DEBUG=1
endif

all:
	$(MAKE) -C $(KDIR) M=$(TOP)/drivers/gpu/drm/xenlend $(ARGS) modules
	$(MAKE) -C $(KDIR) M=$(TOP)/drivers/xen/xenlend $(ARGS) modules

clean:
	$(MAKE) -C $(KDIR) M=$(TOP)/drivers/gpu/drm/xenlend clean
	$(MAKE) -C $(KDIR) M=$(TOP)/drivers/xen/xenlend clean

.PHONY: all clean

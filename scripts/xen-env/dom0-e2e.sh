#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The test dom0's run, started by systemd (xenlend-e2e.service) once the
# system is up: load the Xen modules, start xenstored, xen-init-dom0 and
# xenconsoled, load vgem as the stand-in GPU, then run the end-to-end
# scenarios (which start xenlend-broker.service) and power the machine off.
# Kernel command line: xenlend.scenarios=NAME:NAME (tests/e2e/run.sh),
# e2e_shell for a shell at the end.
export PATH=/usr/lib/xen-4.20/bin:/usr/sbin:/usr/bin:/sbin:/bin
echo "XENLEND-E2E: dom0 init (uptime $(cut -d' ' -f1 /proc/uptime)s, $(systemctl --version | head -n1) is PID 1)"
echo "XENLEND-E2E: cgroup v2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
mkdir -p /run/xen /run/xenstored /var/log/xen/console /var/lib/xen /var/lib/xenstored
modprobe -a xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd
mount -t xenfs xenfs /proc/xen
XENSTORED_ROOTDIR=/run/xenstored xenstored --pid-file /run/xenstored.pid
xen-init-dom0 >/dev/null
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console
modprobe vgem && echo "XENLEND-E2E: vgem loaded: $(ls /dev/dri | tr '\n' ' ')"
insmod /xenlend/xenlend-host.ko && echo "XENLEND-E2E: lending engine loaded"
xl info | grep -E 'xen_version|virt_caps'
echo "XENLEND-E2E: dom0 CPU: $(grep -m1 -o -w -E 'xsave|fxsr' /proc/cpuinfo | sort | tr '\n' ' ')(xsave hidden from dom0 by Xen's dom0-cpuid)"

# The scenarios to run, from run-vm.sh: xenlend.scenarios=NAME:NAME:...
scenarios=$(sed -n 's/.*xenlend\.scenarios=\([a-z0-9:-]*\).*/\1/p' /proc/cmdline | tr ':' ' ')
# shellcheck disable=SC2086 # one scenario name per word
sh /xenlend/e2e/run.sh ${scenarios:-demo}
echo "XENLEND-E2E: exit $?"
grep -q e2e_shell /proc/cmdline && setsid sh -c 'exec sh </dev/hvc0 >/dev/hvc0 2>&1'
systemctl poweroff --force --force

# SPDX-License-Identifier: GPL-2.0-only
"""Prefix every line of stdin with the seconds since argv[1] (a Unix time)."""
import sys
import time

t0 = float(sys.argv[1]) if len(sys.argv) > 1 else time.time()
for line in sys.stdin.buffer:
    sys.stdout.write("[%7.2f] %s" % (time.time() - t0, line.decode("utf-8", "replace")))
    sys.stdout.flush()

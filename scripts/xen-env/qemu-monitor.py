#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# Send commands to the QEMU monitor of the running test VM and print the
# answers. usage: qemu-monitor.py SOCKET COMMAND...
import socket
import sys
import time


def read_all(s):
    out = b""
    try:
        while True:
            data = s.recv(65536)
            if not data:
                break
            out += data
    except socket.timeout:
        pass
    return out.decode(errors="replace")


def main():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(2)
    s.connect(sys.argv[1])
    read_all(s)  # the banner
    for cmd in sys.argv[2:]:
        s.send((cmd + "\n").encode())
        time.sleep(0.5)
        print(read_all(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())

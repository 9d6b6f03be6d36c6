#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the frame a test domU printed on its console into a PNG.

usage: console-image.py LOG OUT.png
       console-image.py --png LOG OUT.png

The guest's GL program (tests/guest/gl-render.c) prints its frame, top row
first, as RGB bytes in base64 between "GL-IMAGE-BEGIN W H" and
"GL-IMAGE-END"; the console log carries a timestamp before every line, and
Xen's own messages ("(XEN) ...") may cut into it. The
last complete frame in LOG is written as an 8-bit RGB PNG. With --png, the
frame is a PNG file already (the desktop guest's screenshot), printed in
base64 between "DESKTOP-PNG-BEGIN" and "DESKTOP-PNG-END", and the last
complete one is written as it is. Exit status 1 when LOG has no complete
frame.
"""

import base64
import re
import struct
import sys
import zlib

LINE = re.compile(r"^(?:\[\s*[0-9.]+\] )?(.*)$")
XEN = re.compile(r"\(XEN\) .*$")


def last_frame(path):
    frame, size, chunks = None, None, None
    with open(path, errors="replace") as log:
        for raw in log:
            text = LINE.match(raw.rstrip("\r\n")).group(1)
            if text.startswith("GL-IMAGE-BEGIN "):
                w, h = (int(v) for v in text.split()[1:3])
                size, chunks = (w, h), []
            elif text == "GL-IMAGE-END" and chunks is not None:
                data = base64.b64decode("".join(chunks))
                if len(data) == size[0] * size[1] * 3:
                    frame = (size, data)
                chunks = None
            elif chunks is not None:
                # Xen writes to the same serial line: "(XEN) ..." may land
                # in the middle of the frame, after a base64 line's text.
                chunks.append(XEN.sub("", text).strip())
    return frame


def last_png(path):
    found, chunks = None, None
    with open(path, errors="replace") as log:
        for raw in log:
            text = LINE.match(raw.rstrip("\r\n")).group(1)
            if text == "DESKTOP-PNG-BEGIN":
                chunks = []
            elif text == "DESKTOP-PNG-END" and chunks is not None:
                try:
                    data = base64.b64decode("".join(chunks), validate=True)
                except ValueError:
                    data = b""
                if data.startswith(b"\x89PNG\r\n\x1a\n"):
                    found = data
                chunks = None
            elif chunks is not None:
                chunks.append(XEN.sub("", text).strip())
    return found


def png(size, rgb):
    w, h = size
    rows = b"".join(b"\0" + rgb[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))

    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--png":
        data = last_png(sys.argv[2])
        if not data:
            print(f"console-image: no complete PNG in {sys.argv[2]}", file=sys.stderr)
            sys.exit(1)
        with open(sys.argv[3], "wb") as out:
            out.write(data)
        print(f"console-image: {len(data)} bytes of PNG written to {sys.argv[3]}")
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    frame = last_frame(sys.argv[1])
    if not frame:
        print(f"console-image: no complete frame in {sys.argv[1]}", file=sys.stderr)
        sys.exit(1)
    with open(sys.argv[2], "wb") as out:
        out.write(png(*frame))
    print(f"console-image: {frame[0][0]}x{frame[0][1]} frame written to {sys.argv[2]}")


if __name__ == "__main__":
    main()

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-png-check: what a screenshot shows, from inside the guest that
 * took it. Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what
 * weston-screenshooter writes) with zlib, and prints its size and how many
 * pixels are clearly red, green and blue (one channel over 150, the others
 * under 100) and how many are not black. weston-simple-egl's triangle has a
 * red, a green and a blue corner; an empty compositor output has none.
 *
 * usage: xenlend-png-check FILE MIN_W MIN_H MIN_PIXELS
 * Prints "PNG: ..." lines. Exit status 0 when the image is at least
 * MIN_W x MIN_H and has at least MIN_PIXELS of each of the three colours,
 * 1 when it is not, 2 when it cannot be read.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t paeth(uint8_t a, uint8_t b, uint8_t c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* Undo the row filters in place; 0 or -1. */
static int unfilter(uint8_t *raw, uint32_t w, uint32_t h, unsigned int bpp, uint8_t *out)
{
	size_t stride = (size_t)w * bpp;
	uint8_t *prev = NULL;

	for (uint32_t y = 0; y < h; y++) {
		uint8_t type = raw[y * (stride + 1)];
		const uint8_t *in = raw + y * (stride + 1) + 1;
		uint8_t *row = out + y * stride;

		for (size_t i = 0; i < stride; i++) {
			uint8_t a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0;
			uint8_t c = prev && i >= bpp ? prev[i - bpp] : 0;

			switch (type) {
			case 0: row[i] = in[i]; break;
			case 1: row[i] = in[i] + a; break;
			case 2: row[i] = in[i] + b; break;
			case 3: row[i] = in[i] + (uint8_t)((a + b) / 2); break;
			case 4: row[i] = in[i] + paeth(a, b, c); break;
			default: return -1;
			}
		}
		prev = row;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint32_t w = 0, h = 0, min_w, min_h, min_px;
	unsigned long red = 0, green = 0, blue = 0, lit = 0;
	uint8_t *file, *idat = NULL, *raw, *px;
	unsigned int bpp = 0;
	size_t n, off, idat_len = 0;
	uLongf raw_len;
	FILE *f;
	long size;

	if (argc != 5) {
		fprintf(stderr, "usage: %s FILE MIN_W MIN_H MIN_PIXELS\n", argv[0]);
		return 2;
	}
	min_w = strtoul(argv[2], NULL, 0);
	min_h = strtoul(argv[3], NULL, 0);
	min_px = strtoul(argv[4], NULL, 0);
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 8 || fseek(f, 0, SEEK_SET))
		goto unreadable;
	file = malloc(size);
	idat = malloc(size);
	if (!file || !idat || fread(file, 1, size, f) != (size_t)size || memcmp(file, sig, 8))
		goto unreadable;
	n = size;
	for (off = 8; off + 12 <= n;) {
		uint32_t len = be32(file + off);
		const uint8_t *type = file + off + 4, *data = file + off + 8;

		if (len > n - off - 12)
			goto unreadable;
		if (!memcmp(type, "IHDR", 4) && len >= 13) {
			w = be32(data);
			h = be32(data + 4);
			/* 8-bit RGB (2) or RGBA (6), no interlace. */
			if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12])
				goto unreadable;
			bpp = data[9] == 6 ? 4 : 3;
		} else if (!memcmp(type, "IDAT", 4)) {
			memcpy(idat + idat_len, data, len);
			idat_len += len;
		}
		off += 12 + (size_t)len;
	}
	if (!w || !h || !bpp || w > 16384 || h > 16384)
		goto unreadable;
	raw_len = (uLongf)h * (w * bpp + 1);
	raw = malloc(raw_len);
	px = malloc((size_t)w * h * bpp);
	if (!raw || !px || uncompress(raw, &raw_len, idat, idat_len) != Z_OK ||
	    raw_len != (uLongf)h * (w * bpp + 1) || unfilter(raw, w, h, bpp, px))
		goto unreadable;
	for (size_t i = 0; i < (size_t)w * h; i++) {
		const uint8_t *p = px + i * bpp;

		red += p[0] > 150 && p[1] < 100 && p[2] < 100;
		green += p[1] > 150 && p[0] < 100 && p[2] < 100;
		blue += p[2] > 150 && p[0] < 100 && p[1] < 100;
		lit += p[0] > 16 || p[1] > 16 || p[2] > 16;
	}
	printf("PNG: %s: %ux%u, %s, %lu red, %lu green, %lu blue, %lu not black\n", argv[1], w, h,
	       bpp == 4 ? "RGBA" : "RGB", red, green, blue, lit);
	if (w < min_w || h < min_h || red < min_px || green < min_px || blue < min_px) {
		printf("PNG: FAIL %s: under %ux%u or fewer than %u pixels of a colour\n", argv[1],
		       min_w, min_h, min_px);
		return 1;
	}
	printf("PNG: PASS %s\n", argv[1]);
	return 0;

unreadable:
	printf("PNG: FAIL %s: not an 8-bit RGB(A) PNG this can read\n", argv[1]);
	return 2;
}

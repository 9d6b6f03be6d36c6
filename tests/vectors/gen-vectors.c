// SPDX-License-Identifier: GPL-2.0-only
/*
 * Print the test vectors for the end-to-end tests, one per line:
 *   ctrl NAME STATUS HEX      control ring requests, sent by the guest
 *   evt NAME HEX REASON...    event ring requests, sent by the broker
 * or, with -d DIR, write each message as a file into DIR (fuzz seeds).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdio.h>
#include <string.h>

#include "vectors.h"

static void hex(const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		printf("%02x", b[i]);
}

int main(int argc, char **argv)
{
	const struct test_vector *v;
	size_t n = test_vectors_get(&v);
	char path[512];

	for (size_t i = 0; i < n; i++) {
		if (argc == 3 && !strcmp(argv[1], "-d")) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s", argv[2], v[i].name);
			f = fopen(path, "wb");
			if (!f || fwrite(&v[i].msg, sizeof(v[i].msg), 1, f) != 1) {
				perror(path);
				return 1;
			}
			fclose(f);
		} else if (v[i].q == XENLEND_Q_CTRL_REQ) {
			printf("ctrl %s %u ", v[i].name, v[i].want_status);
			hex(&v[i].msg, sizeof(v[i].msg));
			putchar('\n');
		} else {
			printf("evt %s ", v[i].name);
			hex(&v[i].msg, sizeof(v[i].msg));
			printf(" %s\n", v[i].want_why);
		}
	}
	return 0;
}

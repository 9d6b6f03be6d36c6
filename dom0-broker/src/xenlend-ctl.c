// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-ctl: send one command to xenlend-broker's control socket and print
 * the reply. Exits 1 if the broker answered with an error.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *path = "/run/xenlend/control";
	char cmd[512] = "", reply[16385];
	int i = 1, fd;
	ssize_t n;

	if (argc > 2 && !strcmp(argv[1], "-s")) {
		path = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: xenlend-ctl [-s SOCKET] COMMAND [ARGS...]\n");
		return 2;
	}
	for (; i < argc; i++) {
		if (strlen(cmd) + strlen(argv[i]) + 2 > sizeof(cmd)) {
			fprintf(stderr, "xenlend-ctl: command too long\n");
			return 2;
		}
		strcat(cmd, argv[i]);
		if (i + 1 < argc)
			strcat(cmd, " ");
	}
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "xenlend-ctl: socket path too long\n");
		return 2;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("xenlend-ctl: connect");
		return 2;
	}
	/* A broker that stops answering gets an error, not a hung caller. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 10 },
		   sizeof(struct timeval));
	if (send(fd, cmd, strlen(cmd), 0) < 0) {
		perror("xenlend-ctl: send");
		return 2;
	}
	n = recv(fd, reply, sizeof(reply) - 1, 0);
	close(fd);
	if (n <= 0) {
		fprintf(stderr, "xenlend-ctl: no reply%s\n", n < 0 ? " within 10 s" : "");
		return 2;
	}
	reply[n] = '\0';
	fputs(reply, stdout);
	return strncmp(reply, "error", 5) ? 0 : 1;
}

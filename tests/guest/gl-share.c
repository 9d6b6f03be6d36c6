// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-gl-share: a client and a compositor, as two processes of a test
 * domU with the patched Mesa, sharing a buffer the way a Wayland desktop
 * does. Nothing in it knows about xenlend.
 *
 * The client (the parent) draws a red triangle on blue into a 64x64
 * texture with OpenGL ES 2, exports the texture as a dma-buf
 * (EGL_MESA_image_dma_buf_export) and sends the file, its layout and the
 * pixels it drew over a socket. The compositor (a child forked before
 * either touches EGL) imports the dma-buf (EGL_EXT_image_dma_buf_import),
 * samples it into a framebuffer of its own and reads that back: it must
 * be the client's frame, texel for texel. Each process has its own file
 * of the render node and its own rendering context, so this is the path
 * a compositor's GL renderer takes with a client's buffer.
 *
 * Output lines start with "SHARE: ". Exit status: 0 when the compositor
 * saw the client's frame, 1 when it saw something else, 2 when a step
 * failed (no GL, no export, no import).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <GLES2/gl2ext.h>

#include "guest-util.h"

#define SIDE		64
#define FRAME_BYTES	(SIDE * SIDE * 4)
/* DRM_FORMAT_MOD_INVALID of drm_fourcc.h: no modifier to pass. */
#define MOD_INVALID	0x00ffffffffffffffull

/* What the client sends with the dma-buf. */
struct share_msg {
	int32_t fourcc;
	int32_t stride;
	int32_t offset;
	uint64_t modifier;
	uint8_t pixels[FRAME_BYTES];
};

static const char *role = "client";

static void say(const char *fmt, const char *what)
{
	printf("SHARE: %s: ", role);
	printf(fmt, what);
	printf("\n");
	fflush(stdout);
}

static GLuint shader(GLenum type, const char *src)
{
	GLuint s = glCreateShader(type);
	GLint ok = 0;

	glShaderSource(s, 1, &src, NULL);
	glCompileShader(s);
	glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
	return ok ? s : 0;
}

static GLuint program(const char *vs, const char *fs)
{
	GLuint p = glCreateProgram(), v = shader(GL_VERTEX_SHADER, vs);
	GLuint f = shader(GL_FRAGMENT_SHADER, fs);
	GLint ok = 0;

	if (!v || !f)
		return 0;
	glAttachShader(p, v);
	glAttachShader(p, f);
	glBindAttribLocation(p, 0, "pos");
	glLinkProgram(p);
	glGetProgramiv(p, GL_LINK_STATUS, &ok);
	return ok ? p : 0;
}

/* A surfaceless display and a current GLES2 context; 0 or -1. */
static int egl_up(EGLDisplay *dpy)
{
	static const EGLint ctx_attrs[] = { EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE };
	PFNEGLGETPLATFORMDISPLAYEXTPROC get_display;
	EGLContext ctx;

	get_display = (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
	*dpy = get_display ? get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL)
			   : EGL_NO_DISPLAY;
	if (*dpy == EGL_NO_DISPLAY || !eglInitialize(*dpy, NULL, NULL) ||
	    !eglBindAPI(EGL_OPENGL_ES_API))
		return -1;
	ctx = eglCreateContext(*dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, ctx_attrs);
	if (ctx == EGL_NO_CONTEXT || !eglMakeCurrent(*dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx))
		return -1;
	say("renderer: %s", (const char *)glGetString(GL_RENDERER));
	return 0;
}

/* A SIDE x SIDE RGBA texture bound to a new framebuffer; 0 or -1. */
static int target(GLuint *tex)
{
	GLuint fb;

	glGenTextures(1, tex);
	glBindTexture(GL_TEXTURE_2D, *tex);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, SIDE, SIDE, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	glGenFramebuffers(1, &fb);
	glBindFramebuffer(GL_FRAMEBUFFER, fb);
	glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, *tex, 0);
	glViewport(0, 0, SIDE, SIDE);
	return glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE ? 0 : -1;
}

/* The client: draw, export, send. */
static int client(int sock)
{
	static const GLfloat tri[] = { -0.6f, -0.6f, 0.6f, -0.6f, 0.0f, 0.6f };
	PFNEGLEXPORTDMABUFIMAGEQUERYMESAPROC query;
	PFNEGLEXPORTDMABUFIMAGEMESAPROC export;
	PFNEGLCREATEIMAGEKHRPROC create_image;
	struct share_msg *m = calloc(1, sizeof(*m));
	EGLint stride = 0, offset = 0;
	EGLuint64KHR modifier = MOD_INVALID;
	int fourcc = 0, planes = 0, buf = -1;
	EGLDisplay dpy;
	EGLImageKHR img;
	GLuint tex, prog;
	const uint8_t *mid, *corner;

	if (!m || egl_up(&dpy) || target(&tex))
		return 2;
	prog = program("attribute vec2 pos;\nvoid main() { gl_Position = vec4(pos, 0.0, 1.0); }\n",
		       "precision mediump float;\n"
		       "void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); }\n");
	if (!prog)
		return 2;
	glClearColor(0.0f, 0.0f, 1.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT);
	glUseProgram(prog);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, tri);
	glEnableVertexAttribArray(0);
	glDrawArrays(GL_TRIANGLES, 0, 3);
	glReadPixels(0, 0, SIDE, SIDE, GL_RGBA, GL_UNSIGNED_BYTE, m->pixels);
	glFinish();
	mid = m->pixels + ((SIDE / 2) * SIDE + SIDE / 2) * 4;
	corner = m->pixels;
	if (mid[0] != 255 || mid[2] != 0 || corner[0] != 0 || corner[2] != 255) {
		say("%s", "FAIL its own frame is not a red triangle on blue");
		return 1;
	}

	create_image = (PFNEGLCREATEIMAGEKHRPROC)eglGetProcAddress("eglCreateImageKHR");
	query = (PFNEGLEXPORTDMABUFIMAGEQUERYMESAPROC)
		eglGetProcAddress("eglExportDMABUFImageQueryMESA");
	export = (PFNEGLEXPORTDMABUFIMAGEMESAPROC)eglGetProcAddress("eglExportDMABUFImageMESA");
	if (!create_image || !query || !export) {
		say("%s", "FAIL no EGL_MESA_image_dma_buf_export");
		return 2;
	}
	img = create_image(dpy, eglGetCurrentContext(), EGL_GL_TEXTURE_2D_KHR,
			   (EGLClientBuffer)(uintptr_t)tex, NULL);
	if (img == EGL_NO_IMAGE_KHR || !query(dpy, img, &fourcc, &planes, &modifier) ||
	    planes != 1 || !export(dpy, img, &buf, &stride, &offset) || buf < 0) {
		say("%s", "FAIL exporting the texture as a dma-buf");
		return 2;
	}
	m->fourcc = fourcc;
	m->stride = stride;
	m->offset = offset;
	m->modifier = modifier;
	printf("SHARE: client: exported its frame: fourcc %#x, stride %d, offset %d, modifier %#llx\n",
	       fourcc, stride, offset, (unsigned long long)modifier);
	if (fd_send(sock, buf, m, sizeof(*m))) {
		say("FAIL sending the dma-buf: %s", strerror(errno));
		return 2;
	}
	close(buf);
	/* The texture lives until the compositor is done with it. */
	if (read(sock, &planes, 1) < 0)
		return 2;
	free(m);
	return 0;
}

/* The compositor: import, sample into its own framebuffer, compare. */
static int compositor(int sock)
{
	static const GLfloat quad[] = { -1, -1, 1, -1, -1, 1, 1, 1 };
	PFNGLEGLIMAGETARGETTEXTURE2DOESPROC image_target;
	PFNEGLCREATEIMAGEKHRPROC create_image;
	struct share_msg *m = calloc(1, sizeof(*m));
	uint8_t *got = calloc(1, FRAME_BYTES);
	EGLint attrs[32];
	EGLDisplay dpy;
	EGLImageKHR img;
	GLuint out, in, prog;
	size_t i, bad = 0;
	int buf, n = 0;

	role = "compositor";
	if (!m || !got || egl_up(&dpy) || target(&out))
		return 2;
	buf = fd_recv(sock, m, sizeof(*m));
	if (buf < 0) {
		say("%s", "FAIL no dma-buf from the client");
		return 2;
	}
	attrs[n++] = EGL_WIDTH;
	attrs[n++] = SIDE;
	attrs[n++] = EGL_HEIGHT;
	attrs[n++] = SIDE;
	attrs[n++] = EGL_LINUX_DRM_FOURCC_EXT;
	attrs[n++] = m->fourcc;
	attrs[n++] = EGL_DMA_BUF_PLANE0_FD_EXT;
	attrs[n++] = buf;
	attrs[n++] = EGL_DMA_BUF_PLANE0_OFFSET_EXT;
	attrs[n++] = m->offset;
	attrs[n++] = EGL_DMA_BUF_PLANE0_PITCH_EXT;
	attrs[n++] = m->stride;
	if (m->modifier != MOD_INVALID) {
		attrs[n++] = EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT;
		attrs[n++] = (EGLint)(m->modifier & 0xffffffff);
		attrs[n++] = EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT;
		attrs[n++] = (EGLint)(m->modifier >> 32);
	}
	attrs[n++] = EGL_NONE;
	create_image = (PFNEGLCREATEIMAGEKHRPROC)eglGetProcAddress("eglCreateImageKHR");
	image_target = (PFNGLEGLIMAGETARGETTEXTURE2DOESPROC)
		eglGetProcAddress("glEGLImageTargetTexture2DOES");
	img = create_image ? create_image(dpy, EGL_NO_CONTEXT, EGL_LINUX_DMA_BUF_EXT, NULL, attrs)
			   : EGL_NO_IMAGE_KHR;
	close(buf);
	if (img == EGL_NO_IMAGE_KHR || !image_target) {
		printf("SHARE: compositor: FAIL importing the client's dma-buf (EGL error %#x)\n",
		       eglGetError());
		return 2;
	}
	glGenTextures(1, &in);
	glBindTexture(GL_TEXTURE_2D, in);
	image_target(GL_TEXTURE_2D, img);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	prog = program("attribute vec2 pos;\nvarying vec2 uv;\n"
		       "void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }\n",
		       "precision mediump float;\nvarying vec2 uv;\nuniform sampler2D t;\n"
		       "void main() { gl_FragColor = texture2D(t, uv); }\n");
	if (!prog)
		return 2;
	glClearColor(0.0f, 1.0f, 0.0f, 1.0f);	/* green: what a failed draw leaves */
	glClear(GL_COLOR_BUFFER_BIT);
	glUseProgram(prog);
	glUniform1i(glGetUniformLocation(prog, "t"), 0);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, quad);
	glEnableVertexAttribArray(0);
	glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
	glReadPixels(0, 0, SIDE, SIDE, GL_RGBA, GL_UNSIGNED_BYTE, got);
	for (i = 0; i < FRAME_BYTES; i++)
		bad += got[i] != m->pixels[i];
	printf("SHARE: compositor: %s the client's frame sampled from its dma-buf: %zu of %d bytes differ (GL error %#x)\n",
	       bad ? "FAIL" : "PASS", bad, FRAME_BYTES, glGetError());
	fflush(stdout);
	if (write(sock, "", 1) != 1)
		return 2;
	return bad ? 1 : 0;
}

int main(void)
{
	int sv[2], st = 0, rc;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		perror("SHARE: socketpair");
		return 2;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("SHARE: fork");
		return 2;
	}
	if (!pid) {
		close(sv[0]);
		_exit(compositor(sv[1]));
	}
	close(sv[1]);
	rc = client(sv[0]);
	close(sv[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 2;
	printf("SHARE: client exit %d, compositor exit %d\n", rc, WEXITSTATUS(st));
	if (rc)
		return rc;
	return WEXITSTATUS(st);
}

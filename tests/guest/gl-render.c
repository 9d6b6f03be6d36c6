// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-gl-render: an ordinary OpenGL ES 2 program, run in a test domU
 * with the patched Mesa. Nothing in it knows about xenlend: it opens EGL's
 * surfaceless platform, makes a context without a surface, draws a red
 * triangle on blue into a 64x64 framebuffer object, reads the pixels back
 * and checks them. With MESA_VIRTGPU_DRIVER=xenlend, Mesa's virgl driver
 * reaches dom0's renderer through the xenlend render node; without it,
 * Mesa must find no GPU at all (the guest has no other).
 *
 * Output lines start with "GL: ". With --image it also prints the frame,
 * top row first, as base64 between "GL-IMAGE-BEGIN W H" and "GL-IMAGE-END",
 * which the host turns into a PNG (scripts/xen-env/console-image.py). Then
 * it times two figures, the median of REPS runs each (more and longer runs
 * with --bench), printed as "GL-BENCH NAME COUNT MEDIAN MIN MAX REPS"
 * (seconds): DRAWS draws and
 * a glFinish, and RTTS draw + one-pixel glReadPixels round trips. The same
 * binary runs in dom0 over virglrenderer's vtest socket for the baseline
 * (tests/e2e/dom0-e2e.sh, bench mode).
 *
 * Exit status: 0 when the frame is right, 1 when it is wrong, 2 when there
 * is no GL (no display, no context).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>

#define SIDE	64
/* Timed after the checked frame: figures to print, never checks. */
#define DRAWS	200
#define RTTS	20
#define REPS	5

static const char *vs_src =
	"attribute vec2 pos;\n"
	"void main() { gl_Position = vec4(pos, 0.0, 1.0); }\n";
static const char *fs_src =
	"precision mediump float;\n"
	"void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); }\n";

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static GLuint shader(GLenum type, const char *src)
{
	GLuint s = glCreateShader(type);
	GLint ok = 0;
	char msg[512];

	glShaderSource(s, 1, &src, NULL);
	glCompileShader(s);
	glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		glGetShaderInfoLog(s, sizeof(msg), NULL, msg);
		printf("GL: shader does not compile: %s\n", msg);
		return 0;
	}
	return s;
}

static void print_image(const uint8_t *rgba)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[80];
	int x, y, n = 0, bits = 0;
	uint32_t acc = 0;

	/* RGB, top row first: GL's first row is the bottom one. */
	printf("GL-IMAGE-BEGIN %d %d\n", SIDE, SIDE);
	for (y = SIDE - 1; y >= 0; y--) {
		for (x = 0; x < SIDE * 4; x++) {
			if (x % 4 == 3)
				continue;
			acc = acc << 8 | rgba[y * SIDE * 4 + x];
			for (bits += 8; bits >= 6; bits -= 6) {
				line[n++] = b64[(acc >> (bits - 6)) & 63];
				if (n == 76) {
					printf("%.*s\n", n, line);
					n = 0;
				}
			}
		}
	}
	/* 64 * 64 * 3 bytes is a multiple of 3: no padding. */
	if (n)
		printf("%.*s\n", n, line);
	printf("GL-IMAGE-END\n");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Print "GL-BENCH @name @n MEDIAN MIN MAX REPS": seconds of @reps runs of
 * @n draws (+ a readback each when @rtt).
 */
static void timed(const char *name, int n, int rtt, int reps)
{
	double t[16];
	uint8_t px[4];
	int r, i;

	for (r = 0; r < reps; r++) {
		double t0 = now_ms();

		for (i = 0; i < n; i++) {
			glDrawArrays(GL_TRIANGLES, 0, 3);
			if (rtt)
				glReadPixels(SIDE / 2, SIDE / 2, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
		}
		glFinish();
		t[r] = (now_ms() - t0) / 1e3;
	}
	qsort(t, reps, sizeof(t[0]), cmp_double);
	printf("GL-BENCH %s %d %.6f %.6f %.6f %d\n", name, n, t[reps / 2], t[0], t[reps - 1], reps);
}

static int pixel_is(const uint8_t *rgba, int x, int y, uint8_t r, uint8_t g, uint8_t b)
{
	const uint8_t *p = rgba + (y * SIDE + x) * 4;

	return p[0] == r && p[1] == g && p[2] == b && p[3] == 255;
}

int main(int argc, char **argv)
{
	static const GLfloat tri[] = { -0.5f, -0.5f, 0.5f, -0.5f, 0.0f, 0.5f };
	static uint8_t rgba[SIDE * SIDE * 4];
	PFNEGLGETPLATFORMDISPLAYEXTPROC get_display;
	EGLint ctx_attr[] = { EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE };
	int image = argc == 2 && !strcmp(argv[1], "--image");
	int bench = argc == 2 && !strcmp(argv[1], "--bench");
	int scale = bench ? 5 : 1, reps = bench ? 9 : REPS;
	GLuint tex, fbo, prog, vs, fs;
	EGLint major, minor;
	double t0, t_init;
	EGLDisplay dpy;
	EGLContext ctx;
	int ok;

	t0 = now_ms();
	get_display = (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
	dpy = get_display ? get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL)
			  : EGL_NO_DISPLAY;
	if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, &major, &minor)) {
		printf("GL: no EGL display (error 0x%x)\n", eglGetError());
		return 2;
	}
	printf("GL: EGL %d.%d, vendor %s\n", major, minor, eglQueryString(dpy, EGL_VENDOR));
	if (!eglBindAPI(EGL_OPENGL_ES_API)) {
		printf("GL: no OpenGL ES (error 0x%x)\n", eglGetError());
		return 2;
	}
	ctx = eglCreateContext(dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, ctx_attr);
	if (ctx == EGL_NO_CONTEXT || !eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx)) {
		printf("GL: no context (error 0x%x)\n", eglGetError());
		return 2;
	}
	t_init = now_ms() - t0;
	printf("GL: renderer: %s\n", (const char *)glGetString(GL_RENDERER));
	printf("GL: version: %s\n", (const char *)glGetString(GL_VERSION));

	glGenTextures(1, &tex);
	glBindTexture(GL_TEXTURE_2D, tex);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, SIDE, SIDE, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	glGenFramebuffers(1, &fbo);
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
	if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
		printf("GL: framebuffer incomplete\n");
		return 1;
	}
	vs = shader(GL_VERTEX_SHADER, vs_src);
	fs = shader(GL_FRAGMENT_SHADER, fs_src);
	if (!vs || !fs)
		return 1;
	prog = glCreateProgram();
	glAttachShader(prog, vs);
	glAttachShader(prog, fs);
	glBindAttribLocation(prog, 0, "pos");
	glLinkProgram(prog);
	glUseProgram(prog);
	glViewport(0, 0, SIDE, SIDE);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, tri);
	glEnableVertexAttribArray(0);

	glClearColor(0.0f, 0.0f, 1.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT);
	glDrawArrays(GL_TRIANGLES, 0, 3);
	glReadPixels(0, 0, SIDE, SIDE, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
	ok = glGetError() == GL_NO_ERROR &&
	     pixel_is(rgba, SIDE / 2, SIDE / 2, 255, 0, 0) &&
	     pixel_is(rgba, 0, 0, 0, 0, 255) && pixel_is(rgba, SIDE - 1, SIDE - 1, 0, 0, 255) &&
	     pixel_is(rgba, 0, SIDE - 1, 0, 0, 255) && pixel_is(rgba, SIDE - 1, 0, 0, 0, 255);
	printf("GL: %s triangle: center %u,%u,%u, corner %u,%u,%u (EGL up in %.0f ms)\n",
	       ok ? "PASS" : "FAIL", rgba[(SIDE / 2 * SIDE + SIDE / 2) * 4],
	       rgba[(SIDE / 2 * SIDE + SIDE / 2) * 4 + 1], rgba[(SIDE / 2 * SIDE + SIDE / 2) * 4 + 2],
	       rgba[0], rgba[1], rgba[2], t_init);
	if (image)
		print_image(rgba);

	timed("draws", DRAWS * scale, 0, reps);
	timed("readback-rtt", RTTS * scale, 1, reps);

	eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	eglDestroyContext(dpy, ctx);
	eglTerminate(dpy);
	return ok ? 0 : 1;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-vk-memory: an ordinary Vulkan 1.1 program, run in a test domU with
 * the patched Mesa. Nothing in it knows about xenlend. It allocates two
 * 1 MiB buffers in host-visible, host-coherent memory, writes a pattern into the
 * first through its CPU mapping, and has the GPU copy it into the second
 * and fill a window of the second with a constant (vkCmdCopyBuffer,
 * vkCmdFillBuffer). Then it reads the second through its mapping and checks
 * every word: the pattern where it was copied, the constant in the window.
 * On venus that memory is dom0's renderer memory lent to the guest, so the
 * check covers the guest's writes reaching the GPU and the GPU's writes
 * reaching the guest.
 *
 * Usage: xenlend-vk-memory [ROUNDS]: ROUNDS passes (default 1), each with
 * a new pattern and window, on the same buffers, half a second apart (time
 * for dom0 to take their pages back in between: the e2e test does that, and
 * the next pass faults them in again).
 *
 * Output lines start with "VK: ". Exit status: 0 when every pass is right,
 * 1 when a word is wrong, 2 when there is no device or no host-visible
 * memory (nothing was checked).
 *
 * xenlend-vk-memory --bench times, in device-local memory only (so that it
 * also runs over virglrenderer's vtest socket, which cannot share
 * lavapipe's host-visible memory), the median of BENCH_REPS runs of
 * SUBMITS empty submissions each waited for on its fence, and of COPIES
 * 4 MiB GPU copies each waited for: "VK-BENCH NAME COUNT MEDIAN MIN MAX
 * REPS" lines (seconds).
 * The same binary runs in dom0 for the baselines (tests/e2e/dom0-e2e.sh,
 * bench mode). Nothing is judged.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vulkan/vulkan.h>

/*
 * 1 MiB checked: under the emulator a PVH guest is killed the more lent
 * memory it faults in, and the e2e test revokes these buffers in a loop.
 */
#define BUF_SIZE	(1u << 20)
#define WORDS		(BUF_SIZE / 4)
#define BENCH_SIZE	(4u << 20)
#define WANT_FLAGS	(VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)
#define SUBMITS		200
#define COPIES		20
#define BENCH_REPS	5

struct vk {
	VkInstance instance;
	VkPhysicalDevice phys;
	VkDevice dev;
	VkQueue queue;
	uint32_t queue_family;
	VkCommandPool pool;
	VkCommandBuffer cmd;
	VkFence fence;
};

struct buf {
	VkBuffer buf;
	VkDeviceMemory mem;
	uint32_t *map;
};

static int fail(const char *what, VkResult res)
{
	printf("VK: %s failed: %d\n", what, (int)res);
	return 2;
}

static int open_device(struct vk *vk)
{
	const VkApplicationInfo app = {
		.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
		.pApplicationName = "xenlend-vk-memory",
		.apiVersion = VK_API_VERSION_1_1,
	};
	const VkInstanceCreateInfo ici = {
		.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
		.pApplicationInfo = &app,
	};
	const float prio = 1.0f;
	VkDeviceQueueCreateInfo qci = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
		.queueCount = 1,
		.pQueuePriorities = &prio,
	};
	const VkDeviceCreateInfo dci = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
		.queueCreateInfoCount = 1,
		.pQueueCreateInfos = &qci,
	};
	VkQueueFamilyProperties qf[16];
	VkPhysicalDeviceProperties props;
	uint32_t n = 1, i;
	VkResult res;

	res = vkCreateInstance(&ici, NULL, &vk->instance);
	if (res != VK_SUCCESS)
		return fail("vkCreateInstance", res);
	res = vkEnumeratePhysicalDevices(vk->instance, &n, &vk->phys);
	if ((res != VK_SUCCESS && res != VK_INCOMPLETE) || !n) {
		printf("VK: no physical device\n");
		return 2;
	}
	vkGetPhysicalDeviceProperties(vk->phys, &props);
	printf("VK: device %s, API %u.%u\n", props.deviceName,
	       VK_API_VERSION_MAJOR(props.apiVersion), VK_API_VERSION_MINOR(props.apiVersion));
	n = 16;
	vkGetPhysicalDeviceQueueFamilyProperties(vk->phys, &n, qf);
	/* Graphics and compute queues do transfers too. */
	for (i = 0; i < n; i++) {
		if (qf[i].queueFlags & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT |
					VK_QUEUE_TRANSFER_BIT))
			break;
	}
	if (i == n) {
		printf("VK: no queue family can transfer\n");
		return 2;
	}
	vk->queue_family = i;
	qci.queueFamilyIndex = i;
	res = vkCreateDevice(vk->phys, &dci, NULL, &vk->dev);
	if (res != VK_SUCCESS)
		return fail("vkCreateDevice", res);
	vkGetDeviceQueue(vk->dev, i, 0, &vk->queue);
	return 0;
}

/* A @size buffer in memory with @want; mapped when that is host-visible. */
static int make_buffer(struct vk *vk, uint32_t size, VkBufferUsageFlags usage,
		       VkMemoryPropertyFlags want, struct buf *b)
{
	const VkBufferCreateInfo bci = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.size = size,
		.usage = usage,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VkMemoryAllocateInfo mai = { .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO };
	VkPhysicalDeviceMemoryProperties mp;
	VkMemoryRequirements req;
	void *map;
	VkResult res;
	uint32_t i;

	res = vkCreateBuffer(vk->dev, &bci, NULL, &b->buf);
	if (res != VK_SUCCESS)
		return fail("vkCreateBuffer", res);
	vkGetBufferMemoryRequirements(vk->dev, b->buf, &req);
	vkGetPhysicalDeviceMemoryProperties(vk->phys, &mp);
	for (i = 0; i < mp.memoryTypeCount; i++) {
		if ((req.memoryTypeBits & (1u << i)) &&
		    (mp.memoryTypes[i].propertyFlags & want) == want)
			break;
	}
	if (i == mp.memoryTypeCount) {
		printf("VK: no memory type with flags 0x%x for a buffer\n", (unsigned int)want);
		return 2;
	}
	mai.allocationSize = req.size;
	mai.memoryTypeIndex = i;
	res = vkAllocateMemory(vk->dev, &mai, NULL, &b->mem);
	if (res != VK_SUCCESS)
		return fail("vkAllocateMemory", res);
	res = vkBindBufferMemory(vk->dev, b->buf, b->mem, 0);
	if (res != VK_SUCCESS)
		return fail("vkBindBufferMemory", res);
	if (!(want & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
		return 0;
	res = vkMapMemory(vk->dev, b->mem, 0, VK_WHOLE_SIZE, 0, &map);
	if (res != VK_SUCCESS)
		return fail("vkMapMemory", res);
	b->map = map;
	printf("VK: %u KiB of memory type %u (flags 0x%x) mapped\n", size >> 10, i,
	       (unsigned int)mp.memoryTypes[i].propertyFlags);
	return 0;
}

static int make_commands(struct vk *vk)
{
	const VkCommandPoolCreateInfo pci = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
		.queueFamilyIndex = vk->queue_family,
	};
	VkCommandBufferAllocateInfo cai = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1,
	};
	const VkFenceCreateInfo fci = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
	VkResult res;

	res = vkCreateCommandPool(vk->dev, &pci, NULL, &vk->pool);
	if (res != VK_SUCCESS)
		return fail("vkCreateCommandPool", res);
	cai.commandPool = vk->pool;
	res = vkAllocateCommandBuffers(vk->dev, &cai, &vk->cmd);
	if (res != VK_SUCCESS)
		return fail("vkAllocateCommandBuffers", res);
	res = vkCreateFence(vk->dev, &fci, NULL, &vk->fence);
	if (res != VK_SUCCESS)
		return fail("vkCreateFence", res);
	return 0;
}

static uint32_t pattern(uint32_t round, uint32_t i)
{
	return (i * 2654435761u) ^ (round * 0x9e3779b9u) ^ 0x5a5a0000u;
}

/* One pass: the GPU copies src into dst, then fills [lo, hi) of dst. */
static int one_round(struct vk *vk, struct buf *src, struct buf *dst, uint32_t round)
{
	const VkCommandBufferBeginInfo cbi = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
	};
	const VkBufferCopy copy = { .size = BUF_SIZE };
	const VkMemoryBarrier barrier = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
		.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
		.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_READ_BIT,
	};
	const VkSubmitInfo si = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = 1,
		.pCommandBuffers = &vk->cmd,
	};
	/* A window of whole pages that moves with the round. */
	uint32_t lo = (round * 37u % (WORDS / 1024 - 8)) * 1024, hi = lo + 4 * 1024;
	uint32_t fill = 0xc0de0000u | round, i, bad = 0, first = WORDS, want;
	VkResult res;

	for (i = 0; i < WORDS; i++) {
		src->map[i] = pattern(round, i);
		dst->map[i] = ~0u;
	}
	vkResetCommandBuffer(vk->cmd, 0);
	vkBeginCommandBuffer(vk->cmd, &cbi);
	vkCmdCopyBuffer(vk->cmd, src->buf, dst->buf, 1, &copy);
	vkCmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
			     VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0,
			     1, &barrier, 0, NULL, 0, NULL);
	vkCmdFillBuffer(vk->cmd, dst->buf, (VkDeviceSize)lo * 4, (VkDeviceSize)(hi - lo) * 4, fill);
	vkCmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT,
			     0, 1, &barrier, 0, NULL, 0, NULL);
	res = vkEndCommandBuffer(vk->cmd);
	if (res != VK_SUCCESS)
		return fail("vkEndCommandBuffer", res);
	vkResetFences(vk->dev, 1, &vk->fence);
	res = vkQueueSubmit(vk->queue, 1, &si, vk->fence);
	if (res != VK_SUCCESS)
		return fail("vkQueueSubmit", res);
	res = vkWaitForFences(vk->dev, 1, &vk->fence, VK_TRUE, UINT64_MAX);
	if (res != VK_SUCCESS)
		return fail("vkWaitForFences", res);
	for (i = 0; i < WORDS; i++) {
		want = i >= lo && i < hi ? fill : pattern(round, i);
		if (dst->map[i] != want) {
			if (!bad++)
				first = i;
		}
	}
	if (bad) {
		printf("VK: round %u: %u of %u words wrong, first at byte %u: 0x%08x, want 0x%08x\n",
		       round, bad, WORDS, first * 4, dst->map[first],
		       first >= lo && first < hi ? fill : pattern(round, first));
		return 1;
	}
	printf("VK: round %u: %u KiB copied and %u KiB filled by the GPU, read back right\n",
	       round, BUF_SIZE >> 10, (hi - lo) * 4 >> 10);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Seconds for @n submissions of vk->cmd (empty, or @copy), each waited for. */
static double timed_submits(struct vk *vk, struct buf *src, struct buf *dst, int n, int copy)
{
	const VkCommandBufferBeginInfo cbi = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
	};
	const VkBufferCopy region = { .size = BENCH_SIZE };
	const VkSubmitInfo si = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = 1,
		.pCommandBuffers = &vk->cmd,
	};
	double t;

	vkResetCommandBuffer(vk->cmd, 0);
	vkBeginCommandBuffer(vk->cmd, &cbi);
	if (copy)
		vkCmdCopyBuffer(vk->cmd, src->buf, dst->buf, 1, &region);
	if (vkEndCommandBuffer(vk->cmd) != VK_SUCCESS)
		return -1;
	t = now_s();
	for (int i = 0; i < n; i++) {
		vkResetFences(vk->dev, 1, &vk->fence);
		if (vkQueueSubmit(vk->queue, 1, &si, vk->fence) != VK_SUCCESS ||
		    vkWaitForFences(vk->dev, 1, &vk->fence, VK_TRUE, UINT64_MAX) != VK_SUCCESS)
			return -1;
	}
	return now_s() - t;
}

static int bench(struct vk *vk, struct buf *src, struct buf *dst)
{
	static const struct {
		const char *name;
		int n, copy;
	} figures[] = { { "submit-fence", SUBMITS, 0 }, { "copy-4mib", COPIES, 1 } };
	double t[BENCH_REPS];

	for (unsigned int f = 0; f < sizeof(figures) / sizeof(figures[0]); f++) {
		for (int i = 0; i < BENCH_REPS; i++) {
			t[i] = timed_submits(vk, src, dst, figures[f].n, figures[f].copy);
			if (t[i] < 0) {
				printf("VK: bench %s failed\n", figures[f].name);
				return 2;
			}
		}
		qsort(t, BENCH_REPS, sizeof(t[0]), cmp_double);
		printf("VK-BENCH %s %d %.6f %.6f %.6f %d\n", figures[f].name, figures[f].n,
		       t[BENCH_REPS / 2], t[0], t[BENCH_REPS - 1], BENCH_REPS);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vk vk = { 0 };
	struct buf src = { 0 }, dst = { 0 };
	int timing = argc == 2 && !strcmp(argv[1], "--bench");
	VkMemoryPropertyFlags want = timing ? VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT : WANT_FLAGS;
	uint32_t size = timing ? BENCH_SIZE : BUF_SIZE;
	unsigned long rounds = 1, r;
	char *end;
	int err;

	if (argc > 2 || (argc == 2 && !timing &&
			 ((rounds = strtoul(argv[1], &end, 10)) == 0 || *end))) {
		fprintf(stderr, "usage: %s [ROUNDS | --bench]\n", argv[0]);
		return 2;
	}
	err = open_device(&vk);
	if (!err)
		err = make_buffer(&vk, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, want, &src);
	if (!err)
		err = make_buffer(&vk, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, want, &dst);
	if (!err)
		err = make_commands(&vk);
	if (!err && timing)
		err = bench(&vk, &src, &dst);
	for (r = 0; !err && !timing && r < rounds; r++) {
		if (r)
			usleep(500000);
		err = one_round(&vk, &src, &dst, (uint32_t)r);
	}
	if (vk.dev) {
		vkDeviceWaitIdle(vk.dev);
		vkDestroyFence(vk.dev, vk.fence, NULL);
		vkDestroyCommandPool(vk.dev, vk.pool, NULL);
		vkDestroyBuffer(vk.dev, src.buf, NULL);
		vkDestroyBuffer(vk.dev, dst.buf, NULL);
		vkFreeMemory(vk.dev, src.mem, NULL);
		vkFreeMemory(vk.dev, dst.mem, NULL);
		vkDestroyDevice(vk.dev, NULL);
	}
	if (vk.instance)
		vkDestroyInstance(vk.instance, NULL);
	printf("VK: %s\n", err ? "FAILED" : timing ? "bench done" : "all rounds right");
	return err;
}

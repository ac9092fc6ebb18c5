// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_IOAS_MAP_FILE under vfio's accounting: a memfd mapped by a
 * process without CAP_IPC_LOCK, in an IOAS of an iommufd switched to
 * per-process accounting (IOMMU_OPTION_RLIMIT_MODE 1, what vfio's type1
 * does), with a device attached so that the pages are pinned at once.
 * Pinning a file's pages takes neither the mm nor its mmap_lock, so the
 * accounting that follows must not release a lock it does not hold.  If
 * it does, the lock's count is off from then on: a later map and a plain
 * mmap() of the same process wait for good (the debug kernel's lockdep
 * reports the bad unlock at the first map).
 *
 *   mm_accounting_test BDF
 *
 * BDF is a device bound to vfio-pci, with a vfio cdev.  The maps run in
 * a child process, which announces each step: a wait on the mmap_lock is
 * uninterruptible, so the parent reports a hang after CHILD_SECONDS and
 * leaves the child where it is stuck.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "check.h"
#include "uapi_compat.h"

/* IOMMU_OPTION (Linux 6.2), which the build host's headers may lack. */
struct test_iommu_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t reserved;
	uint32_t object_id;
	uint64_t val64;
};

#define TEST_IOMMU_OPTION _IO(';', 0x87)
#define TEST_IOMMU_OPTION_RLIMIT_MODE 0
#define TEST_IOMMU_OPTION_OP_SET 0

#define MAP_BYTES (64 * 1024)
/* All of the child's steps, even on the debug kernel under TCG. */
#define CHILD_SECONDS 40

/* In the child: say which step comes next, before it can block. */
static void begin(const char *what)
{
	printf("step: %s\n", what);
	fflush(stdout);
}

/*
 * Wait up to CHILD_SECONDS for @child; its exit status, or 2 with a
 * failure line if it is stuck.
 */
static int wait_child(pid_t child)
{
	int status, i;

	for (i = 0; i < CHILD_SECONDS * 10; i++) {
		if (waitpid(child, &status, WNOHANG) == child)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
		usleep(100 * 1000);
	}
	printf("FAIL - the child hangs in the step it announced last\n");
	return 2;
}

/* The /dev/vfio/devices node of the device at @bdf. */
static int open_cdev(const char *bdf)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int fd = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "vfio", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s", d->d_name);
		fd = open(path, O_RDWR);
		break;
	}
	closedir(dir);
	return fd;
}

static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &=
		~CAP_TO_MASK(CAP_IPC_LOCK);
	data[CAP_TO_INDEX(CAP_IPC_LOCK)].permitted &=
		~CAP_TO_MASK(CAP_IPC_LOCK);
	return syscall(SYS_capset, &hdr, data);
}

static int map_file(int iommufd, uint32_t ioas, int memfd, uint64_t *iova)
{
	struct iommu_ioas_map_file map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.fd = memfd,
		.start = 0,
		.length = MAP_BYTES,
	};
	int ret = ioctl(iommufd, IOMMU_IOAS_MAP_FILE, &map);

	*iova = map.iova;
	return ret ? -errno : 0;
}

static int unmap(int iommufd, uint32_t ioas, uint64_t iova)
{
	struct iommu_ioas_unmap un = {
		.size = sizeof(un),
		.ioas_id = ioas,
		.iova = iova,
		.length = MAP_BYTES,
	};

	return ioctl(iommufd, IOMMU_IOAS_UNMAP, &un) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct test_iommu_option opt = {
		.size = sizeof(opt),
		.option_id = TEST_IOMMU_OPTION_RLIMIT_MODE,
		.op = TEST_IOMMU_OPTION_OP_SET,
		.val64 = 1,
	};
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	struct rlimit lim = { MAP_BYTES * 4, MAP_BYTES * 4 };
	int iommufd, dev, memfd, ret;
	uint64_t iova;
	pid_t child;
	void *p;

	if (argc != 2) {
		fprintf(stderr, "usage: %s BDF\n", argv[0]);
		return 2;
	}
	iommufd = open("/dev/iommu", O_RDWR);
	check(iommufd >= 0, "open /dev/iommu");
	if (iommufd < 0)
		return check_summary();
	ret = ioctl(iommufd, TEST_IOMMU_OPTION, &opt);
	check(!ret, "IOMMU_OPTION_RLIMIT_MODE 1 (per-process accounting): %s",
	      ret ? strerror(errno) : "set");
	check(!ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc), "IOMMU_IOAS_ALLOC");

	dev = open_cdev(argv[1]);
	check(dev >= 0, "open the vfio cdev of %s", argv[1]);
	if (dev < 0)
		return check_summary();
	bind.iommufd = iommufd;
	check(!ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind),
	      "VFIO_DEVICE_BIND_IOMMUFD");
	attach.pt_id = alloc.out_ioas_id;
	check(!ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach),
	      "VFIO_DEVICE_ATTACH_IOMMUFD_PT: the IOAS has a domain");

	if (check_failures)
		return check_summary();

	/*
	 * The child inherits the iommufd and the device, and its mm is the
	 * one the maps account to.  Its summary counts the checks above.
	 */
	fflush(stdout);
	child = fork();
	if (child < 0) {
		check(false, "fork: %s", strerror(errno));
		return check_summary();
	}
	if (child)
		return wait_child(child);

	/* Accounted, then: a limit that the map fits in. */
	check(!setrlimit(RLIMIT_MEMLOCK, &lim), "RLIMIT_MEMLOCK %d KiB",
	      MAP_BYTES * 4 / 1024);
	check(!drop_ipc_lock(), "CAP_IPC_LOCK dropped");

	memfd = memfd_create("mm-accounting", 0);
	check(memfd >= 0 && !ftruncate(memfd, MAP_BYTES), "a %d KiB memfd",
	      MAP_BYTES / 1024);

	begin("the first IOMMU_IOAS_MAP_FILE");
	ret = map_file(iommufd, alloc.out_ioas_id, memfd, &iova);
	check(!ret, "IOMMU_IOAS_MAP_FILE, pinned and accounted: %s",
	      strerror(-ret));
	if (!ret) {
		begin("IOMMU_IOAS_UNMAP");
		ret = unmap(iommufd, alloc.out_ioas_id, iova);
		check(!ret, "IOMMU_IOAS_UNMAP: %s", strerror(-ret));
	}
	begin("the second IOMMU_IOAS_MAP_FILE");
	ret = map_file(iommufd, alloc.out_ioas_id, memfd, &iova);
	check(!ret, "IOMMU_IOAS_MAP_FILE again: %s", strerror(-ret));
	begin("mmap()");
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(p != MAP_FAILED, "mmap() of the same process still works");
	if (!ret) {
		begin("the last IOMMU_IOAS_UNMAP");
		ret = unmap(iommufd, alloc.out_ioas_id, iova);
		check(!ret, "IOMMU_IOAS_UNMAP: %s", strerror(-ret));
	}

	close(memfd);
	close(dev);
	close(iommufd);
	return check_summary();
}

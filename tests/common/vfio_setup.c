// SPDX-License-Identifier: GPL-2.0
/* Set-up steps the vfio C tests share: see vfio_setup.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfio_setup.h"

const char *err_name(int ret)
{
	return ret >= 0 ? "success" : strerrorname_np(-ret);
}

struct dbvfio_dev *open_vfio(const char *bdf)
{
	struct dbvfio_dev *dev;
	struct dbvfio_pci_addr addr;

	if (dbvfio_pci_addr_parse(bdf, &addr) || dbvfio_open(&addr, &dev)) {
		fprintf(stderr, "cannot open %s through vfio\n", bdf);
		exit(2);
	}
	return dev;
}

int export_bar(struct dbvfio_dev *dev, unsigned int bar, uint64_t off,
	       uint64_t len)
{
	struct dbvfio_range r = { off, len };
	int fd = dbvfio_export(dev, bar, &r, 1, O_CLOEXEC | O_RDWR);

	if (fd < 0) {
		fprintf(stderr, "export of BAR%u [%#llx, +%#llx) failed: %s\n",
			bar, (unsigned long long)off, (unsigned long long)len,
			strerror(-fd));
		exit(2);
	}
	return fd;
}

void pci_command(struct dbvfio_dev *dev, uint16_t set, uint16_t clear)
{
	uint16_t cmd;

	if (dbvfio_config_read(dev, 4, &cmd, 2)) {
		fprintf(stderr, "cannot read the Command register\n");
		exit(2);
	}
	cmd = (cmd | set) & ~clear;
	if (dbvfio_config_write(dev, 4, &cmd, 2)) {
		fprintf(stderr, "cannot write the Command register\n");
		exit(2);
	}
}

int read_file(const char *path, uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

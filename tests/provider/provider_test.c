// SPDX-License-Identifier: GPL-2.0
/*
 * The dbrxe provider's verbs, through the stock libibverbs:
 *
 *   provider_test DEVICE [DMABUF_FD_SOURCE_BDF]
 *
 * With a vfio-bound NVMe BDF, also registers a dma-buf of its doorbell
 * page and expects the kernel's answer (EOPNOTSUPP until rxe supports
 * dma-buf MRs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "check.h"
#include "ibdev.h"
#include "doorbell_vfio_pci.h"

static const char *err(void *p)
{
	return p ? "success" : strerrorname_np(errno);
}

static void test_dmabuf(struct ibv_pd *pd, const char *bdf)
{
	struct dbvfio_range r = { 0x1000, 4096 };
	struct dbvfio_dev *dev;
	struct dbvfio_pci_addr addr;
	struct ibv_mr *mr;
	int fd;

	if (dbvfio_pci_addr_parse(bdf, &addr) || dbvfio_open(&addr, &dev)) {
		check(false, "open %s through vfio", bdf);
		return;
	}
	fd = dbvfio_export(dev, 0, &r, 1, O_CLOEXEC | O_RDWR);
	check(fd >= 0, "export the NVMe doorbell page");

	errno = 0;
	mr = ibv_reg_dmabuf_mr(pd, 0, 4096, 0x1000, fd,
			       IBV_ACCESS_LOCAL_WRITE |
			       IBV_ACCESS_REMOTE_WRITE);
	/* tests/mr covers what the MR does; here, that the op gets there. */
	check(mr && mr->length == 4096 && mr->lkey && mr->rkey &&
	      mr->pd == pd,
	      "ibv_reg_dmabuf_mr registers the doorbell page (%s)", err(mr));
	if (mr)
		check(!ibv_dereg_mr(mr), "and ibv_dereg_mr releases it");
	close(fd);
	dbvfio_close(dev);
}

int main(int argc, char **argv)
{
	struct ibv_device_attr_ex attr;
	struct ibv_port_attr port;
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_mr *mr;
	char *buf;
	int ret;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DEVICE [NVME_BDF]\n", argv[0]);
		return 2;
	}
	ctx = open_ibv_device(argv[1]);
	check(ctx != NULL, "open %s", argv[1]);
	if (!ctx)
		return 1;

	/* Each call is made before check() reads what it filled in. */
	ret = ibv_query_device_ex(ctx, NULL, &attr);
	check(!ret && attr.orig_attr.max_qp > 0 &&
	      attr.orig_attr.max_mr_size == ~0ull,
	      "query_device_ex: max_qp %d, max_mr_size %#llx",
	      attr.orig_attr.max_qp,
	      (unsigned long long)attr.orig_attr.max_mr_size);
	ret = ibv_query_port(ctx, 1, &port);
	check(!ret && port.state == IBV_PORT_ACTIVE &&
	      port.active_mtu >= IBV_MTU_256,
	      "query_port 1: ACTIVE, active mtu enum %d", port.active_mtu);
	errno = 0;
	check(ibv_query_port(ctx, 7, &port) == EINVAL,
	      "query_port 7 fails with EINVAL");

	pd = ibv_alloc_pd(ctx);
	check(pd != NULL, "alloc_pd (%s)", err(pd));

	buf = aligned_alloc(4096, 1 << 20);
	mr = ibv_reg_mr(pd, buf, 1 << 20,
			IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
			IBV_ACCESS_REMOTE_READ);
	check(mr && mr->lkey && mr->rkey && mr->length == 1 << 20 &&
	      mr->addr == buf,
	      "reg_mr 1 MiB: lkey %#x rkey %#x", mr ? mr->lkey : 0,
	      mr ? mr->rkey : 0);
	check(mr && !ibv_dereg_mr(mr), "dereg_mr");

	errno = 0;
	mr = ibv_reg_mr(pd, buf, 1 << 20, IBV_ACCESS_REMOTE_WRITE);
	check(!mr && errno == EINVAL,
	      "remote write without local write is refused (%s)", err(mr));
	if (mr)
		ibv_dereg_mr(mr);
	errno = 0;
	mr = ibv_reg_mr(pd, buf, 1ull << 46, IBV_ACCESS_LOCAL_WRITE);
	check(!mr && errno, "an MR far longer than its buffer is refused (%s)",
	      err(mr));
	if (mr)
		ibv_dereg_mr(mr);

	if (argc > 2)
		test_dmabuf(pd, argv[2]);

	check(!ibv_dealloc_pd(pd), "dealloc_pd");
	check(!ibv_close_device(ctx), "close_device");
	free(buf);
	return check_summary();
}

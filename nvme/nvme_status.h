/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef DOORBELL_NVME_STATUS_H
#define DOORBELL_NVME_STATUS_H

/*
 * A message for a return value that is 0, a negative errno, or a
 * positive NVMe completion status (SCT << 8 | SC).
 */
const char *dbnvme_strerror(int ret);

#endif /* DOORBELL_NVME_STATUS_H */

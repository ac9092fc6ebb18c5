/* SPDX-License-Identifier: GPL-2.0 */
/*
 * doorbell-target: an NVMe controller, owned through vfio, whose queues
 * remote initiators drive over RDMA.
 */
#ifndef DOORBELL_TARGET_H
#define DOORBELL_TARGET_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

#include "checks.h"
#include "completion.h"
#include "doorbell_proto.h"
#include "nvme.h"
#include "options.h"

#define TARGET_RECV_DEPTH 8
#define TARGET_KEEPALIVE_MS 2000
#define TARGET_BIND_TIMEOUT_MS 5000

/*
 * What the target keeps per controller and RDMA device: one PD for every
 * session of the controller on it and one registration of the
 * controller's doorbell page.  The doorbell MR grants no remote access
 * itself; initiators reach their own two doorbells only through windows
 * bound to their QPs.
 */
struct target_device {
	struct ibv_context *verbs;
	struct ibv_pd *pd;
	int doorbell_fd; /* dma-buf of BAR0's doorbell page */
	struct ibv_mr *doorbell_mr;
	struct target_device *next;
};

/* A thread's own resource use so far. */
struct thread_usage {
	uint64_t cpu_ns;
	uint64_t sleeps; /* voluntary context switches: waits that slept */
};

/*
 * One connected initiator.  Created and destroyed by the main thread;
 * from session_start() on, its own thread is the only user of the QP's
 * completions, the CQ and the NVMe queue: it collects the window binds
 * the main thread posted and then sends READY.
 */
struct session {
	struct target *target;
	struct target_ctrl *tc; /* the controller it was given */
	struct dbnvme_ctrl *ctrl; /* tc->nvme */
	struct target_device *device;
	struct rdma_cm_id *cm_id;
	enum db_mode mode;
	bool busy_poll; /* the thread spins instead of sleeping */

	struct dbnvme_queue queue;
	struct dbnvme_dma data; /* depth slots of max_transfer bytes */
	struct ibv_comp_channel *channel;
	struct ibv_cq *cq;
	struct ibv_mr *sq_mr, *cq_mr, *data_mr, *msg_mr;
	struct ibv_mw *sq_mw, *cq_mw, *data_mw, *doorbell_mw;
	struct db_msg *msgs; /* TARGET_RECV_DEPTH recvs, 1 send */
	struct db_ready ready;

	pthread_t thread;
	bool thread_running;
	int stop_fd; /* eventfd: wakes a sleeping thread */
	volatile bool stopping;
	bool dead; /* set by the thread: reap me */
	uint64_t next_keepalive_ms;
	bool keepalive_out; /* posted, not yet completed */
	uint64_t deadline_ms; /* a wait fails with -ETIMEDOUT past it; 0: none */
	uint64_t commands; /* the thread's own counters */
	struct thread_usage mark; /* when it began waiting */
	struct thread_usage upkeep; /* of it spent on statistics, keepalives */

	struct session *next;
};

/*
 * An NVMe controller the target serves, with the IOMMU domain of its own
 * vfio handle: the controller's DMA reaches only what was mapped there.
 * Main thread only.
 */
struct target_ctrl {
	struct dbnvme_ctrl *nvme;
	unsigned long iommu_group;
	struct target_device *devices;
	uint64_t qids_in_use; /* bit q: I/O queue q has a session */
	unsigned int sessions;
};

/*
 * Shared mode: one controller serves every initiator, and each can aim
 * its controller's DMA at every IOVA the target mapped, other
 * initiators' included; for initiators that trust each other.  Isolated
 * mode: each controller serves one initiator at a time, so its domain
 * holds that initiator's rings and buffers and nobody else's.
 */
struct target {
	struct target_ctrl ctrls[TARGET_MAX_CTRLS];
	unsigned int nr_ctrls;
	bool isolated;
	bool verbose; /* log each queue's DMA layout */
	struct rdma_event_channel *cm_channel;
	struct rdma_cm_id *listen_id;
	struct session *sessions; /* main thread only */
	int reap_fd; /* eventfd: a session thread died */
	unsigned int max_depth;
};

/* Sessions (session.c). */
int session_create(struct target *t, struct rdma_cm_id *id,
		   const struct db_connect_req *req, struct session **sp);
int session_start(struct session *s);
void session_destroy(struct session *s);

/* The per-session thread (session_thread.c). */
#define SESSION_BINDS 4
void *session_thread(void *arg);
int session_post_recv(struct session *s, unsigned int slot);
int session_send(struct session *s, const struct db_msg *msg);

/* Devices and the doorbell registration (device.c). */
int target_device_get(struct target *t, struct target_ctrl *tc,
		      struct ibv_context *verbs, struct target_device **devp);
void target_devices_release(struct target_ctrl *tc);

/* The controllers (controllers.c). */
int target_ctrls_open(struct target *t, const struct target_options *o);
void target_ctrls_close(struct target *t);
/*
 * Reset @tc under its initiators: disconnect its sessions (what they had
 * in flight is not acknowledged), reset, and serve anew.
 */
int target_ctrl_reset(struct target *t, struct target_ctrl *tc);
bool target_ctrl_healthy(const struct target_ctrl *tc);

void target_log(struct target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* DOORBELL_TARGET_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * doorbell-target: serve NVMe controllers bound to vfio-pci to RDMA
 * initiators, one I/O queue pair each.  See doorbell-target(8).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "address.h"
#include "target.h"

#define HEALTH_CHECK_MS 250

/* One write(2) per message: session threads log too. */
void target_log(struct target *t, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "doorbell-target: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

static int listen_on(struct target *t, const char *bind_addr, const char *port)
{
	struct rdma_addrinfo hints = { .ai_flags = RAI_PASSIVE,
				       .ai_port_space = RDMA_PS_TCP };
	struct rdma_addrinfo *res;
	int ret;

	if (rdma_getaddrinfo(bind_addr, port, &hints, &res)) {
		fprintf(stderr, "doorbell-target: cannot resolve %s:%s: %s\n",
			bind_addr ? bind_addr : "*", port, strerror(errno));
		return -EINVAL;
	}
	ret = 0;
	t->cm_channel = rdma_create_event_channel();
	if (!t->cm_channel ||
	    rdma_create_id(t->cm_channel, &t->listen_id, t, RDMA_PS_TCP) ||
	    rdma_bind_addr(t->listen_id, res->ai_src_addr) ||
	    rdma_listen(t->listen_id, 16)) {
		ret = -errno;
		fprintf(stderr, "doorbell-target: cannot listen on %s:%s: %s\n",
			bind_addr ? bind_addr : "*", port, strerror(errno));
	}
	rdma_freeaddrinfo(res);
	return ret;
}

/* Refuse a connection, telling the initiator why (a negative errno). */
static void reject(struct rdma_cm_id *id, int err)
{
	int32_t why = err;

	rdma_reject(id, &why, sizeof(why));
}

static void on_connect_request(struct target *t, struct rdma_cm_event *ev)
{
	struct rdma_conn_param param = {
		.responder_resources = 4,
		.initiator_depth = 4,
		.rnr_retry_count = 7,
	};
	const struct db_connect_req *req = NULL;
	struct session *s;
	int ret;

	if (ev->param.conn.private_data_len >= sizeof(*req))
		req = ev->param.conn.private_data;
	ret = session_create(t, ev->id, req, &s);
	if (!ret && rdma_accept(ev->id, &param)) {
		ret = -errno;
		session_destroy(s);
	}
	if (ret) {
		target_log(t, "refusing a connection: %s",
			   dbnvme_strerror(ret));
		reject(ev->id, ret);
		ev->id->context = NULL;
	}
}

/* Returns true if the event's cm_id is to be destroyed. */
static bool on_cm_event(struct target *t, struct rdma_cm_event *ev)
{
	struct session *s = ev->id->context;
	int ret;

	switch (ev->event) {
	case RDMA_CM_EVENT_CONNECT_REQUEST:
		on_connect_request(t, ev);
		return ev->id->context == NULL;
	case RDMA_CM_EVENT_ESTABLISHED:
		ret = s ? session_start(s) : 0;
		if (ret) {
			target_log(t, "starting I/O queue %u: %s", s->queue.qid,
				   dbnvme_strerror(ret));
			rdma_disconnect(ev->id);
		}
		return false;
	case RDMA_CM_EVENT_DISCONNECTED:
		rdma_disconnect(ev->id);
		/* fall through */
	case RDMA_CM_EVENT_REJECTED:
	case RDMA_CM_EVENT_UNREACHABLE:
	case RDMA_CM_EVENT_CONNECT_ERROR:
	case RDMA_CM_EVENT_TIMEWAIT_EXIT:
		if (s) {
			target_log(t, "initiator on I/O queue %u left",
				   s->queue.qid);
			session_destroy(s);
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* Reset every controller (SIGUSR1); the first failure ends the target. */
static int target_reset_all(struct target *t)
{
	unsigned int i;
	int ret;

	for (i = 0; i < t->nr_ctrls; i++) {
		ret = target_ctrl_reset(t, &t->ctrls[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A controller that lost RDY or reports fatal status is reset, under
 * its own initiators only.
 */
static int target_check_health(struct target *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_ctrls; i++) {
		if (target_ctrl_healthy(&t->ctrls[i]))
			continue;
		target_log(t, "%s: controller is not ready (CSTS)",
			   t->ctrls[i].nvme->bdf);
		if (target_ctrl_reset(t, &t->ctrls[i]))
			return -EIO;
	}
	return 0;
}

/* Destroy the sessions whose threads found their connection dead. */
static void reap_sessions(struct target *t)
{
	struct session *s, *next;
	struct rdma_cm_id *id;
	uint64_t n;

	if (read(t->reap_fd, &n, sizeof(n)) != sizeof(n))
		return;
	for (s = t->sessions; s; s = next) {
		next = s->next;
		if (!__atomic_load_n(&s->dead, __ATOMIC_ACQUIRE))
			continue;
		id = s->cm_id;
		target_log(t, "dropping I/O queue %u", s->queue.qid);
		rdma_disconnect(id);
		session_destroy(s);
		rdma_destroy_id(id);
	}
}

static int serve(struct target *t, int sig_fd)
{
	struct pollfd fds[3] = {
		{ .fd = t->cm_channel->fd, .events = POLLIN },
		{ .fd = sig_fd, .events = POLLIN },
		{ .fd = t->reap_fd, .events = POLLIN },
	};
	struct signalfd_siginfo si;
	struct rdma_cm_event *ev;
	struct rdma_cm_id *id;
	bool destroy;

	for (;;) {
		if (poll(fds, 3, HEALTH_CHECK_MS) < 0 && errno != EINTR)
			return -errno;
		if (fds[2].revents & POLLIN)
			reap_sessions(t);
		if (fds[1].revents & POLLIN) {
			if (read(sig_fd, &si, sizeof(si)) != sizeof(si))
				return -EIO;
			if (si.ssi_signo != SIGUSR1)
				return 0;
			if (target_reset_all(t))
				return -EIO;
		}
		if (fds[0].revents & POLLIN) {
			if (rdma_get_cm_event(t->cm_channel, &ev))
				return -errno;
			id = ev->id;
			destroy = on_cm_event(t, ev);
			rdma_ack_cm_event(ev);
			if (destroy)
				rdma_destroy_id(id);
		}
		if (target_check_health(t))
			return -EIO;
	}
}

int main(int argc, char **argv)
{
	struct target_options o;
	struct target t = {};
	sigset_t sigs;
	int ret, sig_fd;

	ret = target_options_parse(argc, argv, &o, stdout, stderr);
	if (ret)
		return ret > 0 ? 0 : 2;
	t.max_depth = o.max_depth;
	t.verbose = o.verbose;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	t.reap_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_fd < 0 || t.reap_fd < 0) {
		perror("doorbell-target");
		return 1;
	}

	/* A wrong address is refused before any controller is reset. */
	if (o.bind_addr && !target_address_is_local(o.bind_addr, stderr))
		return 1;
	if (target_ctrls_open(&t, &o))
		return 1;
	ret = listen_on(&t, o.bind_addr, o.port);
	if (!ret) {
		target_log(&t, "listening on %s port %s",
			   o.bind_addr ? o.bind_addr : "*", o.port);
		ret = serve(&t, sig_fd);
	}
	while (t.sessions) {
		struct rdma_cm_id *id = t.sessions->cm_id;

		rdma_disconnect(id);
		session_destroy(t.sessions);
		rdma_destroy_id(id);
	}
	if (t.listen_id)
		rdma_destroy_id(t.listen_id);
	if (t.cm_channel)
		rdma_destroy_event_channel(t.cm_channel);
	target_ctrls_close(&t);
	target_log(&t, "stopped%s", ret ? " on an error" : "");
	return ret ? 1 : 0;
}

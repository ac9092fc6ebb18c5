// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * When to read the CQ.  Reading it again at once until a completion
 * shows costs an RDMA READ per round trip for the whole service time of
 * a command: under TCG a 4 KiB Read takes several round trips.  With
 * DBI_F_TIMED_POLL the first read of a reap leaves when the oldest
 * command in flight is due by the shortest recent service time, less an
 * eighth and less half a read's round trip, so that it reaches the
 * target about as the completion lands.  A read that finds nothing is followed by the next
 * at once, as before: aiming early costs a read, aiming late the
 * command's latency.
 *
 * A command's service time is sampled where the read that found it done
 * reached the target: half that read's round trip after it left.  Both
 * times are the least of their last samples, since on a loaded machine
 * they have a long tail: a mean would follow each outlier for many
 * commands, and delay every first read by it.
 */
#include "clock.h"
#include "private.h"

void dbi_recent_add(struct dbi_recent *r, uint64_t ns)
{
	unsigned int i;

	if (!ns)
		return;
	r->ns[r->next++ % DBI_RECENT] = ns;
	r->least = ns;
	for (i = 0; i < DBI_RECENT; i++)
		if (r->ns[i] && r->ns[i] < r->least)
			r->least = r->ns[i];
}

void dbi_cq_read_done(struct dbi_session *s, uint64_t posted_ns,
		      uint64_t back_ns)
{
	if (back_ns > posted_ns)
		dbi_recent_add(&s->cq_rtt, back_ns - posted_ns);
}

void dbi_service_sample(struct dbi_session *s, const struct dbi_cmd *cmd,
			uint64_t posted_ns, bool missed)
{
	uint64_t at = posted_ns + s->cq_rtt.least / 2, ns;

	if (at <= cmd->submitted_ns)
		return;
	ns = at - cmd->submitted_ns;
	/*
	 * A first read that finds the command done tells only when that
	 * read was timed, and a wait overshoots: such a sample could only
	 * ever push the estimate up, and with it the next wait.  It counts
	 * when it lowers the estimate; a read that came after one that
	 * missed brackets the completion and always counts.
	 */
	if (missed || !s->service.least || ns < s->service.least)
		dbi_recent_add(&s->service, ns);
}

uint64_t dbi_cq_read_due(const struct dbi_session *s)
{
	uint64_t oldest = UINT64_MAX, due, half = s->cq_rtt.least / 2;
	uint64_t service = s->service.least;
	unsigned int i;

	if (!(s->flags & DBI_F_TIMED_POLL) || !service)
		return 0;
	for (i = 0; i < s->ready.depth; i++)
		if (dbi_cmd_in_flight(&s->cmds[i]) &&
		    s->cmds[i].submitted_ns < oldest)
			oldest = s->cmds[i].submitted_ns;
	if (oldest == UINT64_MAX)
		return 0;
	due = oldest + service - service / 8;
	return due > half ? due - half : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The post helpers every call site of the target and the initiator goes
 * through, against a provider whose posts fail.  A post verb returns the
 * error and need not set errno: a caller that read errno saw success
 * (errno 0), or an earlier call's error, for a work request that never
 * went out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "verbs.h"

/* What the fake provider's posts return, and how often they ran. */
static int post_result;
static unsigned int posts;

static int fake_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr,
			  struct ibv_send_wr **bad)
{
	posts++;
	*bad = post_result ? wr : NULL;
	return post_result;
}

static int fake_post_recv(struct ibv_qp *qp, struct ibv_recv_wr *wr,
			  struct ibv_recv_wr **bad)
{
	posts++;
	*bad = post_result ? wr : NULL;
	return post_result;
}

static struct ibv_context fake_context = {
	.ops = {
		.post_send = fake_post_send,
		.post_recv = fake_post_recv,
	},
};
static struct ibv_qp fake_qp = { .context = &fake_context };

static int setup(void **state)
{
	posts = 0;
	return 0;
}

static void test_a_failed_send_is_an_error_whatever_errno_says(void **state)
{
	struct ibv_send_wr wr = { .opcode = IBV_WR_RDMA_READ };
	int stale[] = { 0, EINTR };
	unsigned int i;

	post_result = ENOMEM;
	for (i = 0; i < 2; i++) {
		errno = stale[i];
		assert_int_equal(util_post_send(&fake_qp, &wr), -ENOMEM);
	}
	assert_int_equal(posts, 2);
}

/* Some providers return the errno negated; the sign is not the caller's. */
static void test_a_negated_return_is_the_same_error(void **state)
{
	struct ibv_send_wr wr = { .opcode = IBV_WR_SEND };

	post_result = -EINVAL;
	errno = 0;
	assert_int_equal(util_post_send(&fake_qp, &wr), -EINVAL);
	post_result = -EINVAL;
	assert_int_equal(util_post_recv(&fake_qp, NULL, 64, 1, 7), -EINVAL);
}

static void test_a_failed_receive_is_an_error(void **state)
{
	char buf[64];

	post_result = ENOSPC;
	errno = 0;
	assert_int_equal(util_post_recv(&fake_qp, buf, sizeof(buf), 1, 3),
			 -ENOSPC);
	assert_int_equal(posts, 1);
}

/* A bind that was never posted hands out no rkey. */
static void test_a_failed_bind_gives_no_rkey(void **state)
{
	struct ibv_mw mw = { .rkey = 0x1200 };
	struct ibv_mr mr = { .lkey = 1 };
	uint32_t rkey = 0xdead;

	post_result = ENOMEM;
	errno = 0;
	assert_int_equal(util_post_bind_mw(&fake_qp, &mw, &mr, 0x1000, 8,
					   IBV_ACCESS_REMOTE_WRITE, 9, &rkey),
			 -ENOMEM);
	assert_int_equal(rkey, 0xdead);
}

static void test_a_posted_bind_gives_the_next_rkey(void **state)
{
	struct ibv_mw mw = { .rkey = 0x1200 };
	struct ibv_mr mr = { .lkey = 1 };
	uint32_t rkey = 0;

	post_result = 0;
	errno = EIO;
	assert_int_equal(util_post_bind_mw(&fake_qp, &mw, &mr, 0x1000, 8,
					   IBV_ACCESS_REMOTE_WRITE, 9, &rkey),
			 0);
	assert_int_equal(rkey, ibv_inc_rkey(0x1200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_a_failed_send_is_an_error_whatever_errno_says,
			setup),
		cmocka_unit_test_setup(test_a_negated_return_is_the_same_error,
				       setup),
		cmocka_unit_test_setup(test_a_failed_receive_is_an_error,
				       setup),
		cmocka_unit_test_setup(test_a_failed_bind_gives_no_rkey, setup),
		cmocka_unit_test_setup(test_a_posted_bind_gives_the_next_rkey,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The session thread's reading of completions while it waits for a
 * two-sided command's data or for its window binds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "completion.h"

static struct ibv_wc send_wc(uint64_t wr_id, enum ibv_wc_opcode opcode)
{
	return (struct ibv_wc){ .wr_id = wr_id,
				.status = IBV_WC_SUCCESS,
				.opcode = opcode };
}

static void test_the_awaited_send_ends_the_wait(void **state)
{
	struct ibv_wc wc = send_wc(SESSION_WR_RDMA, IBV_WC_RDMA_READ);
	bool out = false;

	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_RDMA, &out), 1);
	wc = send_wc(SESSION_WR_BIND, IBV_WC_BIND_MW);
	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_BIND, &out), 1);
	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_RDMA, &out), 0);
}

/*
 * A keepalive posted while the thread waited for a request can complete
 * after that request arrived, inside the command's data wait.  Its slot
 * must be freed there, or no keepalive goes out again and a vanished
 * initiator holds its queue for good.
 */
static void test_a_keepalive_inside_a_wait_frees_its_slot(void **state)
{
	struct ibv_wc wc = send_wc(SESSION_WR_KEEPALIVE, IBV_WC_RDMA_WRITE);
	bool out = true;

	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_RDMA, &out), 0);
	assert_false(out);
	out = true;
	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_BIND, &out), 0);
	assert_false(out);
}

static void test_answers_acks_are_waited_past(void **state)
{
	struct ibv_wc wc = send_wc(SESSION_WR_SEND, IBV_WC_SEND);
	bool out = true;

	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_RDMA, &out), 0);
	wc.wr_id = SESSION_WR_SEND_UPKEEP;
	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_RDMA, &out), 0);
	assert_true(out);
}

static void test_a_request_inside_a_wait_is_a_protocol_error(void **state)
{
	struct ibv_wc wc = send_wc(3, IBV_WC_RECV);
	bool out = false;

	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_RDMA, &out),
			 -EPROTO);
	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_BIND, &out),
			 -EPROTO);
}

static void test_a_failed_request_ends_the_wait(void **state)
{
	struct ibv_wc wc = send_wc(SESSION_WR_RDMA, IBV_WC_RDMA_READ);
	bool out = true;

	wc.status = IBV_WC_REM_ACCESS_ERR;
	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_RDMA, &out),
			 -ECONNRESET);
	/* A flushed keepalive is the QP going down, not a freed slot. */
	wc = send_wc(SESSION_WR_KEEPALIVE, IBV_WC_RDMA_WRITE);
	wc.status = IBV_WC_WR_FLUSH_ERR;
	assert_int_equal(session_wc_awaited(&wc, SESSION_WR_BIND, &out),
			 -ECONNRESET);
}

/* The protocol's one message size, as the session posts its receives. */
#define MSG_LEN 64u

static void test_a_whole_message_is_run(void **state)
{
	struct ibv_wc wc = send_wc(3, IBV_WC_RECV);

	wc.byte_len = MSG_LEN;
	assert_int_equal(session_wc_message(&wc, MSG_LEN), 1);
}

/*
 * An empty or short SEND lands in a slot that still holds the message
 * before it: run, that message would be run a second time.
 */
static void test_a_short_message_is_a_protocol_error(void **state)
{
	struct ibv_wc wc = send_wc(3, IBV_WC_RECV);
	uint32_t lens[] = { 0, 1, MSG_LEN - 1 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		wc.byte_len = lens[i];
		assert_int_equal(session_wc_message(&wc, MSG_LEN), -EPROTO);
	}
}

/* An RDMA WRITE with immediate takes a receive and brings no message. */
static void test_a_write_with_immediate_is_a_protocol_error(void **state)
{
	struct ibv_wc wc = send_wc(5, IBV_WC_RECV_RDMA_WITH_IMM);

	wc.byte_len = MSG_LEN;
	assert_int_equal(session_wc_message(&wc, MSG_LEN), -EPROTO);
	wc.byte_len = 0;
	assert_int_equal(session_wc_message(&wc, MSG_LEN), -EPROTO);
}

static void test_the_targets_own_work_is_no_message(void **state)
{
	struct ibv_wc wc = send_wc(SESSION_WR_SEND, IBV_WC_SEND);

	assert_int_equal(session_wc_message(&wc, MSG_LEN), 0);
	wc = send_wc(SESSION_WR_RDMA, IBV_WC_RDMA_READ);
	assert_int_equal(session_wc_message(&wc, MSG_LEN), 0);
	wc = send_wc(SESSION_WR_BIND, IBV_WC_BIND_MW);
	assert_int_equal(session_wc_message(&wc, MSG_LEN), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_awaited_send_ends_the_wait),
		cmocka_unit_test(test_a_keepalive_inside_a_wait_frees_its_slot),
		cmocka_unit_test(test_answers_acks_are_waited_past),
		cmocka_unit_test(
			test_a_request_inside_a_wait_is_a_protocol_error),
		cmocka_unit_test(test_a_failed_request_ends_the_wait),
		cmocka_unit_test(test_a_whole_message_is_run),
		cmocka_unit_test(test_a_short_message_is_a_protocol_error),
		cmocka_unit_test(
			test_a_write_with_immediate_is_a_protocol_error),
		cmocka_unit_test(test_the_targets_own_work_is_no_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

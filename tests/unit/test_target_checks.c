// SPDX-License-Identifier: GPL-2.0
/*
 * What doorbell-target accepts from an initiator: connect requests, ring
 * messages and two-sided commands, at the edges of each rule.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks.h"
#include "nvme_spec.h"

static struct db_connect_req req(uint8_t mode, uint16_t depth)
{
	return (struct db_connect_req){ .magic = DB_PROTO_MAGIC,
					.version = DB_PROTO_VERSION,
					.mode = mode,
					.depth = depth };
}

static void test_connect_accepts_every_mode_and_depth(void **state)
{
	struct db_connect_req r;
	unsigned int mode;

	for (mode = DB_MODE_ONE_SIDED; mode <= DB_MODE_MAX; mode++) {
		r = req(mode, 0);
		assert_int_equal(target_check_connect(&r, 64), 0);
		r = req(mode, 2);
		assert_int_equal(target_check_connect(&r, 64), 0);
		r = req(mode, 64);
		assert_int_equal(target_check_connect(&r, 64), 0);
	}
}

static void test_connect_refuses_other_protocols(void **state)
{
	struct db_connect_req r = req(DB_MODE_ONE_SIDED, 8);

	assert_int_equal(target_check_connect(NULL, 64), -EPROTO);
	r.magic ^= 1;
	assert_int_equal(target_check_connect(&r, 64), -EPROTO);
	r = req(DB_MODE_ONE_SIDED, 8);
	r.version++;
	assert_int_equal(target_check_connect(&r, 64), -EPROTO);
}

static void test_connect_refuses_bad_modes_and_depths(void **state)
{
	struct db_connect_req r;

	r = req(0, 8);
	assert_int_equal(target_check_connect(&r, 64), -EINVAL);
	r = req(DB_MODE_MAX + 1, 8);
	assert_int_equal(target_check_connect(&r, 64), -EINVAL);
	r = req(DB_MODE_ONE_SIDED, 1);
	assert_int_equal(target_check_connect(&r, 64), -EINVAL);
	r = req(DB_MODE_ONE_SIDED, 65);
	assert_int_equal(target_check_connect(&r, 64), -EINVAL);
	/* The limit is the target's, which --max-depth may lower. */
	r = req(DB_MODE_ONE_SIDED, 16);
	assert_int_equal(target_check_connect(&r, 8), -EINVAL);
}

static void test_ring_inside_the_queue(void **state)
{
	assert_true(target_ring_valid(0, 0, 8));
	assert_true(target_ring_valid(7, 7, 8));
	assert_false(target_ring_valid(8, 0, 8));
	assert_false(target_ring_valid(0, 8, 8));
	assert_false(target_ring_valid(0xffff, 0, 8));
}

static struct db_command cmd(uint8_t opcode, uint32_t nblocks, uint32_t length)
{
	return (struct db_command){ .opcode = opcode,
				    .nblocks = nblocks,
				    .length = length };
}

static void test_commands_within_the_transfer_limit(void **state)
{
	struct db_command c;

	/* 8 KiB in 512-byte blocks: 1 to 16 blocks. */
	c = cmd(NVME_CMD_READ, 1, 512);
	assert_int_equal(0, target_command_status(&c, 8192, 9));
	c = cmd(NVME_CMD_WRITE, 16, 8192);
	assert_int_equal(0, target_command_status(&c, 8192, 9));
	c = cmd(NVME_CMD_WRITE, 17, 8704);
	assert_int_equal(NVME_SC_INVALID_FIELD,
			 target_command_status(&c, 8192, 9));
	c = cmd(NVME_CMD_READ, 0, 512);
	assert_int_equal(NVME_SC_INVALID_FIELD,
			 target_command_status(&c, 8192, 9));
	/* 4 KiB blocks: two fit. */
	c = cmd(NVME_CMD_READ, 2, 8192);
	assert_int_equal(0, target_command_status(&c, 8192, 12));
	c = cmd(NVME_CMD_READ, 3, 12288);
	assert_int_equal(NVME_SC_INVALID_FIELD,
			 target_command_status(&c, 8192, 12));
}

static void test_commands_need_a_buffer_that_holds_them(void **state)
{
	struct db_command c = cmd(NVME_CMD_READ, 2, 1023);

	assert_int_equal(NVME_SC_INVALID_FIELD,
			 target_command_status(&c, 8192, 9));
	/* A count that would overflow the byte count is out of range. */
	c = cmd(NVME_CMD_WRITE, 1u << 23, 0);
	assert_int_equal(NVME_SC_INVALID_FIELD,
			 target_command_status(&c, 8192, 9));
}

static void test_flush_carries_no_data(void **state)
{
	struct db_command c = cmd(NVME_CMD_FLUSH, 0, 0);

	assert_int_equal(0, target_command_status(&c, 8192, 9));
}

static void test_only_read_write_and_flush_reach_the_controller(void **state)
{
	/* Well-formed but for the opcode: Write Zeroes, DSM, vendor, admin-like. */
	static const uint8_t refused[] = { 0x04, 0x05, 0x08, 0x09,
					   0x0d, 0x80, 0x81, 0xff };
	struct db_command c;
	unsigned int i;

	for (i = 0; i < sizeof(refused); i++) {
		c = cmd(refused[i], 1, 512);
		assert_int_equal(NVME_SC_INVALID_OPCODE,
				 target_command_status(&c, 8192, 9));
	}
}

static void test_depth_zero_asks_for_the_largest(void **state)
{
	struct db_connect_req r = { .magic = DB_PROTO_MAGIC,
				    .version = DB_PROTO_VERSION,
				    .mode = DB_MODE_ONE_SIDED };

	assert_int_equal(target_check_connect(&r, 16), 0);
	assert_int_equal(target_session_depth(&r, 16), 16);
	assert_int_equal(target_session_depth(&r, 64), 64);
	r.depth = 8;
	assert_int_equal(target_session_depth(&r, 64), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_accepts_every_mode_and_depth),
		cmocka_unit_test(test_connect_refuses_other_protocols),
		cmocka_unit_test(test_connect_refuses_bad_modes_and_depths),
		cmocka_unit_test(test_ring_inside_the_queue),
		cmocka_unit_test(test_commands_within_the_transfer_limit),
		cmocka_unit_test(test_commands_need_a_buffer_that_holds_them),
		cmocka_unit_test(test_flush_carries_no_data),
		cmocka_unit_test(
			test_only_read_write_and_flush_reach_the_controller),
		cmocka_unit_test(test_depth_zero_asks_for_the_largest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

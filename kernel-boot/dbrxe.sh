# Make libibverbs hand rxe devices to the dbrxe provider (see dbrxe(7)),
# for login shells.
export RDMAV_DRIVERS=@DBRXE_PATH@

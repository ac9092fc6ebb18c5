# SPDX-License-Identifier: GPL-2.0
#
# The test VM runs no systemd, so a test runs an installed unit's command
# lines itself, with the environment the unit gives them: its
# Environment= lines, then its EnvironmentFile=, and %i/%I replaced by
# the instance.  systemd-analyze verify checks the same file as systemd
# would load it.

# unit_env UNIT: the unit's environment, one NAME=VALUE per line.
unit_env() {
	local line file
	while IFS= read -r line; do
		case $line in
		Environment=*) echo "${line#Environment=}" ;;
		EnvironmentFile=*)
			file=${line#EnvironmentFile=}
			file=${file#-}
			[ -r "$file" ] || continue
			# shellcheck disable=SC1090
			(set -a && . "$file" && env -0) |
				tr '\0' '\n' | grep -E '^DOORBELL_|^RDMAV_' || true
			;;
		esac
	done <"$1"
}

# unit_exec UNIT INSTANCE KEY [&]: run the unit's KEY= command lines in
# turn (ExecStart, ExecStopPost...) for INSTANCE, each in a clean
# environment that has only PATH and the unit's variables.  "&" starts
# the last one in the background and sets UNIT_PID.
unit_exec() {
	local unit=$1 instance=$2 key=$3 bg=${4:-} cmd envs=()
	mapfile -t envs < <(unit_env "$unit")
	while IFS= read -r cmd; do
		cmd=${cmd#"$key"=}
		cmd=${cmd//%I/$instance}
		cmd=${cmd//%i/$instance}
		if [ "$bg" = "&" ]; then
			env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}" \
				bash -c "exec $cmd" &
			UNIT_PID=$!
		else
			env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}" \
				bash -c "exec $cmd" || return
		fi
	done < <(grep "^$key=" "$unit")
}

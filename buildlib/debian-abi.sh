# SPDX-License-Identifier: GPL-2.0
#
# Sourced.  debian_abi: the ABI name of Debian 12's amd64 kernel built
# from linux-source-6.12 as installed, e.g. 6.12.118+deb12-amd64 for
# 6.12.118-1~deb12u1: the release of linux-image-<abi> and
# linux-headers-<abi> of the same source, which the series' modules
# build against and the test VM boots.  The one place the name is made.
debian_abi() {
	local version
	version=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
		return
	echo "${version%%-*}+deb12-amd64"
}

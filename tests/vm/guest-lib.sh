# SPDX-License-Identifier: GPL-2.0
#
# Shell functions shared by the guest scripts of tests/vm (busybox sh).
# The host scripts put this file in the image as /lib/gpsnmea-guest.sh.

# gn_load_deps: the kernel modules gpsnmea.ko needs (gnss.ko), from
# /modules/deps, in order: there is no modprobe in the test images.
gn_load_deps() {
	for m in /modules/deps/*.ko; do
		[ -e "$m" ] || continue
		insmod "$m" || return 1
	done
}

# gn_dev: the sysfs folder of the device bound to gpsnmea (a device tree
# names it after its node; the module's own is "gpsnmea").
gn_dev() {
	for gn_d in /sys/bus/platform/drivers/gpsnmea/*/bh; do
		[ -e "$gn_d" ] || return 1
		readlink -f "${gn_d%/bh}"
		return 0
	done
}

# gn_wait_sent LINE_DIR: until the simulated GPS has sent every byte
# written to LINE_DIR/tx.
gn_wait_sent() {
	while [ "$(cat "$1/pending")" != 0 ]; do
		usleep 10000
	done
}

# gn_wait_decoded DEV_DIR: after the last byte is out, until the driver's
# byte count stops moving (the idle flush has run).
gn_wait_decoded() {
	gn_last=-1
	while [ "$(cat "$1/statistics/bytes")" != "$gn_last" ]; do
		gn_last=$(cat "$1/statistics/bytes")
		usleep 200000
	done
}

# gn_stats DEV_DIR: every file of DEV_DIR/statistics as "name value" lines;
# a file of several lines (sentence_types, bh_latency_hist) gives one
# "name line" per line, so it is kept whole.
gn_stats() {
	for gn_f in "$1"/statistics/*; do
		sed "s|^|${gn_f##*/} |" "$gn_f"
	done
}

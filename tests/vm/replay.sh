#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of scripts/vm-replay: load the simulated GPS and the driver,
# start a reader (cat, as a user would), send the log, wait until the last
# byte is decoded, and leave the reader's output and the statistics in
# /results.
. /replay/env
. /lib/gpsnmea-guest.sh
sim=/sys/kernel/debug/gpsnmea-sim/line0

fail() {
	echo "replay: $*"
	exit 1
}

# The kernel modules gpsnmea.ko needs (gnss.ko), in order: no modprobe here.
gn_load_deps || fail "a module gpsnmea.ko needs did not load"
insmod /modules/gpsnmea_sim.ko || fail "gpsnmea_sim.ko did not load"
echo "$BAUD" > $sim/baud || fail "the simulated GPS refused baud $BAUD"
# BIND=dt: a device tree node names the line (the arm64 VM).
line="gpio_chip=gpsnmea-sim gpio_line=0"
[ "${BIND:-lookup}" != dt ] || line=
# shellcheck disable=SC2086 # parameters are words
insmod /modules/gpsnmea.ko $line baud="$BAUD" \
	${BH:+bh=$BH} || fail "gpsnmea.ko did not load (bh=${BH:-default}): $(dmesg | tail -n 3)"
dev=$(gn_dev) || fail "no device bound to gpsnmea: $(dmesg | tail -n 3)"
echo "replay: $(uname -r), $(cat $dev/baud) baud, bottom half $(cat $dev/bh)"

cat /dev/gpsnmea > /results/out &
reader=$!
cat /replay/wire > $sim/tx || fail "writing to the simulated GPS failed"
gn_wait_sent $sim
gn_wait_decoded $dev
kill $reader
wait $reader 2>/dev/null

gn_stats $dev > /results/stats
echo "replay: $(wc -c < /replay/wire) bytes sent, $(cat $dev/statistics/bytes) decoded, $(cat $dev/statistics/sentences) sentences"
rmmod gpsnmea || fail "rmmod gpsnmea failed"
rmmod gpsnmea_sim || fail "rmmod gpsnmea_sim failed"

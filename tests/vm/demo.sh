#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of scripts/demo: a reader prints sentences live while the
# simulated GPS replays a log; then the settings and statistics.
. /demo/env
sim=/sys/kernel/debug/gpsnmea-sim/line0
dev=/sys/bus/platform/devices/gpsnmea

for m in /modules/deps/*.ko; do
	[ -e "$m" ] || continue
	insmod "$m" || exit 1
done
insmod /modules/gpsnmea_sim.ko || exit 1
echo "$BAUD" > $sim/baud
insmod /modules/gpsnmea.ko gpio_chip=gpsnmea-sim gpio_line=0 baud="$BAUD" || exit 1
dmesg | grep 'gpsnmea.*/dev/' | sed 's/^\[[^]]*\] //'
echo "-- cat /dev/gpsnmea (from $LOG)"

cat /dev/gpsnmea &
reader=$!
cat /demo/wire > $sim/tx
while [ "$(cat $sim/pending)" != 0 ]; do
	usleep 20000
done
usleep 300000
kill $reader

echo "-- settings: $(for a in baud invert max_len bh; do printf '%s=%s ' $a "$(cat $dev/$a)"; done)"
echo "-- $dev/statistics:"
for f in $dev/statistics/*; do
	[ "$(basename "$f")" = bh_latency_hist ] && continue
	printf '   %-22s %s\n' "$(basename "$f")" "$(cat "$f")"
done
echo "-- bottom-half latency histogram (upper bound ns, runs):"
sed 's/^/   /' $dev/statistics/bh_latency_hist
rmmod gpsnmea
rmmod gpsnmea_sim

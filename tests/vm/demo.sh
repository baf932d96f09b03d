#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of scripts/demo: a reader prints sentences live while the
# simulated GPS replays a log; then the settings, statistics and fix. What
# the reader got, the statistics and the fix go to /results for the host's
# verdict.
. /demo/env
. /lib/gpsnmea-guest.sh
sim=/sys/kernel/debug/gpsnmea-sim/line0
dev=/sys/bus/platform/devices/gpsnmea

gn_load_deps || exit 1
insmod /modules/gpsnmea_sim.ko || exit 1
echo "$BAUD" > $sim/baud
insmod /modules/gpsnmea.ko gpio_chip=gpsnmea-sim gpio_line=0 baud="$BAUD" || exit 1
dmesg | grep 'gpsnmea.*/dev/' | sed 's/^\[[^]]*\] //'
echo "-- cat /dev/gpsnmea (from $LOG)"

tee /results/out < /dev/gpsnmea &
reader=$!
cat /demo/wire > $sim/tx
gn_wait_sent $sim
gn_wait_decoded $dev
kill $reader
wait $reader 2>/dev/null
gn_stats $dev > /results/stats
cat $dev/fix > /results/fix

echo "-- settings: $(for a in baud invert max_len bh; do printf '%s=%s ' $a "$(cat $dev/$a)"; done)"
echo "-- $dev/statistics:"
for f in $dev/statistics/*; do
	case "$(basename "$f")" in
	bh_latency_hist | sentence_types) continue ;;
	esac
	printf '   %-22s %s\n' "$(basename "$f")" "$(cat "$f")"
done
echo "-- sentences by type (statistics/sentence_types):"
sed 's/^/   /' $dev/statistics/sentence_types
echo "-- bottom-half latency histogram (upper bound ns, runs):"
sed 's/^/   /' $dev/statistics/bh_latency_hist
rmmod gpsnmea
rmmod gpsnmea_sim

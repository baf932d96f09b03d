#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of scripts/bench: for each baud x load in /bench/env, load
# gpsnmea fresh (so that every counter and the latency histogram start from
# zero) with the bottom half $BH and irq_time=1, replay /bench/wire-BAUD
# through the simulated GPS with a reader on /dev/gpsnmea
# (/bench/gpsnmea_reader, tests/selftests/drivers/gpsnmea/gpsnmea_reader.c),
# and leave in /results: BH-BAUD-LOAD.out (what the reader got, the bytes
# cat would have), BH-BAUD-LOAD.delay (per sentence "SEQ DELAY_NS LEN
# MONO_NS": DELAY_NS from its last stop bit to the reader's read()) and
# BH-BAUD-LOAD.stats ("name value" lines: the driver's statistics,
# interrupts, how late the simulator's edge timer ran, the driver's hrtimer
# expiries).
#
# Loads: idle; cpu (a busy shell loop, nice 0, running for the whole
# replay); irq (the simulator's irq_load: an hrtimer interrupt at
# $IRQ_LOAD_HZ that busy-waits $IRQ_LOAD_NS in hard IRQ context); noise1..3
# (irq_load's random mode, set to $NOISE1 .. $NOISE3).
#
# The driver's timer expiries are counted by a kprobe event with a hist
# trigger on each of its functions named *timer*_fn (none: -1): the probe
# costs only when such a function runs, not on the edge path.
. /bench/env
. /lib/gpsnmea-guest.sh
sim=/sys/kernel/debug/gpsnmea-sim
line=$sim/line0
dev=/sys/bus/platform/devices/gpsnmea
tr=/sys/kernel/tracing

fail() {
	echo "bench: $*"
	exit 1
}

# Interrupts of gpsnmea's IRQ line so far (-smp 1: one count column).
irqs() {
	awk '$NF == "gpsnmea" { print $2 }' /proc/interrupts
}

# timer_probes_on: a counting kprobe on each of gpsnmea's timer functions;
# $probes lists them.
timer_probes_on() {
	probes=
	[ -w $tr/kprobe_events ] || return 0
	i=0
	for fn in $(awk '$4 == "[gpsnmea]" && $3 ~ /timer.*_fn$/ { print $3 }' /proc/kallsyms | sort -u); do
		echo "p:gnbench/t$i $fn" >> $tr/kprobe_events 2>/dev/null || continue
		if echo 'hist:keys=common_pid' > $tr/events/gnbench/t$i/trigger; then
			probes="$probes t$i"
		else
			echo "-:gnbench/t$i" >> $tr/kprobe_events
		fi
		i=$((i + 1))
	done
}

# timer_probes_off: print the expiries counted (-1 without probes), remove
# the probes.
timer_probes_off() {
	if [ -z "$probes" ]; then
		echo -1
		return 0
	fi
	n=0
	for p in $probes; do
		h=$(awk '$1 == "Hits:" { print $2 }' $tr/events/gnbench/$p/hist)
		n=$((n + ${h:-0}))
		echo '!hist:keys=common_pid' > $tr/events/gnbench/$p/trigger
		echo "-:gnbench/$p" >> $tr/kprobe_events
	done
	echo $n
}

[ -d $tr/events ] || mount -t tracefs nodev $tr 2>/dev/null || true
gn_load_deps || fail "a module gpsnmea.ko needs did not load"
insmod /modules/gpsnmea_sim.ko || fail "gpsnmea_sim.ko did not load"
echo "bench: $(uname -r), bottom half $BH, bauds $BAUDS, loads $LOADS"

for baud in $BAUDS; do
	for load in $LOADS; do
		tag=$BH-$baud-$load
		echo "$baud" > $line/baud || fail "the simulated GPS refused baud $baud"
		insmod /modules/gpsnmea.ko gpio_chip=gpsnmea-sim gpio_line=0 \
			baud="$baud" bh="$BH" irq_time=1 ||
			fail "gpsnmea.ko did not load (bh=$BH): $(dmesg | tail -n 3)"
		timer_probes_on
		irq0=$(irqs)
		echo 1 > $line/late
		hog=
		case "$load" in
		idle) ;;
		cpu)
			sh -c 'while :; do :; done' &
			hog=$!
			;;
		irq) echo "$IRQ_LOAD_HZ $IRQ_LOAD_NS" > $sim/irq_load || fail "irq_load refused" ;;
		noise1) echo "$NOISE1" > $sim/irq_load || fail "irq_load refused $NOISE1" ;;
		noise2) echo "$NOISE2" > $sim/irq_load || fail "irq_load refused $NOISE2" ;;
		noise3) echo "$NOISE3" > $sim/irq_load || fail "irq_load refused $NOISE3" ;;
		*) fail "unknown load $load" ;;
		esac
		/bench/gpsnmea_reader "$baud" "/results/$tag.delay" > "/results/$tag.out" &
		reader=$!
		t0=$(cut -d ' ' -f 1 /proc/uptime)
		cat /bench/wire-$baud > $line/tx || fail "writing to the simulated GPS failed"
		gn_wait_sent $line
		t1=$(cut -d ' ' -f 1 /proc/uptime)
		fires=0
		busy=0
		case "$load" in
		irq)
			fires=$(cut -d ' ' -f 3 $sim/irq_load)
			busy=$((fires * IRQ_LOAD_NS))
			;;
		noise*)
			fires=$(awk '$1 == "fires" { print $2 }' $sim/irq_load)
			busy=$(awk '$1 == "busy_ns" { print $2 }' $sim/irq_load)
			;;
		esac
		echo 0 > $sim/irq_load
		[ -z "$hog" ] || { kill $hog; wait $hog 2>/dev/null; }
		# The last byte is out; wait for the idle flush and the reader.
		gn_wait_decoded $dev
		# SIGTERM: it reads what is left, then exits 0.
		kill $reader
		reader_exit=0
		wait $reader || reader_exit=$?
		[ "$reader_exit" = 0 ] || echo "bench: $tag: the reader exited with $reader_exit"
		irq1=$(irqs)
		expiries=$(timer_probes_off)
		{
			for f in $dev/statistics/*; do
				[ "${f##*/}" = bh_latency_hist ] ||
					echo "${f##*/} $(cat "$f")"
			done
			echo "interrupts $((irq1 - irq0))"
			echo "wire_bytes $(wc -c < /bench/wire-$baud)"
			echo "replay_s $(echo "$t0 $t1" | awk '{ print $2 - $1 }')"
			echo "load_fires $fires"
			echo "load_busy_ns $busy"
			echo "timer_expiries $expiries"
			echo "reader_exit $reader_exit"
			sed 's/^/sim_late_/' $line/late
		} > /results/$tag.stats
		echo "bench: $tag: $(cat $dev/statistics/bytes) bytes decoded, $(cat $dev/statistics/sentences) sentences, p99 $(cat $dev/statistics/bh_latency_p99_ns) ns"
		rmmod gpsnmea || fail "rmmod gpsnmea failed"
	done
done
rmmod gpsnmea_sim || fail "rmmod gpsnmea_sim failed"

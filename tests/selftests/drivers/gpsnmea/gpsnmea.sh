#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs the test programs once per bottom half, with the simulated GPS loaded.
# Inside the test VM this is the guest's script (scripts/vm-test); on a
# machine of your own run it as root from a folder holding gpsnmea.ko,
# gpsnmea_sim.ko, gpsnmea_test and the corpus files (and deps/, the kernel
# modules gpsnmea.ko needs, NN-name.ko in load order; without it they must
# be loaded already, e.g. "modprobe gnss").
#
# Environment: GPSNMEA_MODES (bottom halves to run, default all four; those
# the kernel lacks are tested for refusal only), GPSNMEA_PROGS (default
# gpsnmea_test), GPSNMEA_TEST_ARGS (options for them, e.g. "-f drv"),
# GPSNMEA_BAUD, GPSNMEA_KO_DIR (default /modules), GPSNMEA_BIND ("dt": the
# device comes from a device tree node on the sim's line, as in the arm64
# VM; default "lookup": gpio_chip= and gpio_line= name the line) and what
# the programs read (common.h).
#
# GPSNMEA_SWEEP, if set, runs the programs several times per bottom half:
# ';'-separated entries "BAUD[+hog|+irq]:OPTIONS", e.g.
# "4800:-r replay.beidou_gb.corpus;115200+hog:-r replay.neo_m8n.corpus".
# "+hog" keeps a CPU-bound shell loop running meanwhile; "+irq" turns on the
# simulator's interrupt load (a 10 kHz hard-IRQ timer that busy-waits 2 us,
# its irq_load file), which delays the edges' interrupts now and then;
# "+spikes" sets GPSNMEA_SPIKES: each replay makes the simulator send one
# edge in 128 exactly 0.65 bit late (its spike fault, from the 2400th edge on) and
# requires the decoder to have taken some as late (statistics/late_edges)
# and still every byte right.

dir=$(cd "$(dirname "$0")" && pwd)
[ -r "$dir/env" ] && . "$dir/env"
ko_dir=${GPSNMEA_KO_DIR:-/modules}
export GPSNMEA_KO="$ko_dir/gpsnmea.ko"
irq_load=/sys/kernel/debug/gpsnmea-sim/irq_load
rc=0

for m in "$ko_dir"/deps/*.ko; do
	[ -e "$m" ] || continue
	name=$(basename "$m" .ko)
	name=${name#[0-9][0-9]-}
	[ -d "/sys/module/$(echo "$name" | tr - _)" ] && continue
	if ! insmod "$m"; then
		echo "not ok 1 $m did not load"
		exit 1
	fi
done

if ! insmod "$ko_dir/gpsnmea_sim.ko"; then
	echo "not ok 1 gpsnmea_sim.ko did not load"
	exit 1
fi

# run_progs OPTIONS: every program once, with OPTIONS.
run_progs() {
	ret=0
	for prog in ${GPSNMEA_PROGS:-gpsnmea_test}; do
		# shellcheck disable=SC2086 # options are words
		"$dir/$prog" $1 || ret=1
		# A program killed or failed must not leave the module to the
		# next one (each test also clears what an earlier one left).
		if [ -d /sys/module/gpsnmea ]; then
			echo "# $prog left gpsnmea.ko loaded"
			[ -e /sys/bus/platform/devices/gpsnmea/driver ] ||
				echo gpsnmea > /sys/bus/platform/drivers/gpsnmea/bind
			rmmod gpsnmea || echo "# rmmod gpsnmea failed"
			ret=1
		fi
	done
	return $ret
}

for mode in ${GPSNMEA_MODES:-tasklet bh_wq wq thread}; do
	# "default": no bh= parameter, the driver chooses.
	bh_param=
	[ "$mode" = default ] || bh_param="bh=$mode"
	export GPSNMEA_PARAMS="$bh_param"
	line_param=gpio_chip=gpsnmea-sim
	[ "${GPSNMEA_BIND:-lookup}" != dt ] || line_param=
	# shellcheck disable=SC2086 # parameters are words
	if ! insmod "$GPSNMEA_KO" $line_param $bh_param 2>/dev/null; then
		# Kept out of the run: this kernel lacks the mechanism.
		# gpsnmea_test's bh_param_refused checks the refusal itself.
		echo "# bh=$mode refused by $(uname -r): skipped"
		continue
	fi
	# The device is the one bound to the driver (a device tree names it).
	for dev in /sys/bus/platform/drivers/gpsnmea/*/bh; do
		echo "# bottom half: $(cat "$dev")${bh_param:+ ($bh_param)}, $(uname -r), device ${dev%/bh}"
	done
	rmmod gpsnmea
	if [ -z "${GPSNMEA_SWEEP:-}" ]; then
		run_progs "${GPSNMEA_TEST_ARGS:-}" || rc=1
		continue
	fi
	rest=$GPSNMEA_SWEEP
	while [ -n "$rest" ]; do
		entry=${rest%%;*}
		[ "$entry" = "$rest" ] && rest= || rest=${rest#*;}
		speed=${entry%%:*}
		export GPSNMEA_BAUD=${speed%+*}
		hog=
		load=
		case "$speed" in
		*+hog)
			sh -c 'while :; do :; done' &
			hog=$!
			load=", with a CPU hog"
			;;
		*+irq)
			echo "10000 2000" > "$irq_load" || rc=1
			load=", with an interrupt load"
			;;
		*+spikes)
			export GPSNMEA_SPIKES=1
			load=", one edge in 128 sent 0.65 bit late"
			;;
		esac
		echo "# $mode at $GPSNMEA_BAUD baud$load"
		t0=$(cut -d' ' -f1 /proc/uptime)
		run_progs "${entry#*:}" || rc=1
		echo "# $mode at $GPSNMEA_BAUD baud$load: $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s of guest time"
		if [ -n "$hog" ]; then
			# Field 14 of stat: user time, in clock ticks.
			echo "# the CPU hog ran for $(cut -d' ' -f14 "/proc/$hog/stat") ticks"
			kill "$hog"
			wait "$hog" 2>/dev/null
		fi
		case "$speed" in
		*+irq)
			echo "# the interrupt load fired $(cut -d' ' -f3 "$irq_load") times"
			echo 0 > "$irq_load" || rc=1
			;;
		*+spikes)
			unset GPSNMEA_SPIKES
			;;
		esac
	done
done

rmmod gpsnmea_sim || rc=1
exit $rc

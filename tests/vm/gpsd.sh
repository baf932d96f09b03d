#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of scripts/vm-gpsd: Debian's gpsd, unmodified, reads
# /dev/gpsnmea while the simulated GPS replays corpus logs, and gpspipe -w
# must report the fixes of the log's .chk file (gpsd's own regression
# output): the same time, lat and lon, in order (see tpvs()).
# /dev/gnssN (gnss=1): it carries exactly the sentences /dev/gpsnmea does,
# gpsd reads it too, it refuses writes, and its readers get end-of-file
# when the device is unbound or the module unloaded.
#
# /gpsd/env sets MODE (icount or smp2), BAUD, LOGS (gpsd on /dev/gpsnmea),
# GNSS_LOG, GNSS_GPSD (non-empty: gpsd on /dev/gnssN too) and CYCLES
# (unbind/bind cycles with readers); /gpsd/NAME.wire is what the receiver
# sends, NAME.expect the sentences a correct driver delivers, NAME.log.chk
# gpsd's reading. KTAP on stdout; files in /results.
. /gpsd/env
. /lib/gpsnmea-guest.sh
sim=/sys/kernel/debug/gpsnmea-sim/line0
dev=/sys/bus/platform/devices/gpsnmea
drv=/sys/bus/platform/drivers/gpsnmea
n=0
rc=0

ok() {
	n=$((n + 1))
	echo "ok $n $*"
}

not_ok() {
	n=$((n + 1))
	echo "not ok $n $*"
	rc=1
}

bail() {
	echo "Bail out! $*"
	exit 1
}

# Is PID running (not gone, not a zombie)?
running() {
	st=
	{ read -r _ _ st _ < "/proc/$1/stat"; } 2>/dev/null
	[ -n "$st" ] && [ "$st" != Z ]
}

# wait_gone PID [TENTHS]: true once PID has exited (default 5 s).
wait_gone() {
	i=0
	while running "$1"; do
		i=$((i + 1))
		[ "$i" -le "${2:-50}" ] || return 1
		usleep 100000
	done
}

# has_open PID FILE: does PID have FILE open?
has_open() {
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "$2" ] && return 0
	done
	return 1
}

# Send a log and wait until the driver has decoded its last byte.
send() {
	cat "/gpsd/$1.wire" > $sim/tx || bail "writing to the simulated GPS failed"
	gn_wait_sent $sim
	gn_wait_decoded $dev
}

# "time lat lon" of every TPV with a position, in order ("-" for a fix
# without time); a fix reported twice in a row counts once (gpsd versions
# differ in how often they report an epoch whose sentences straddle a
# cycle, as beidou-gb.log's do).
tpvs() {
	awk '
	function val(s, k,   v) {
		if (!match(s, "\"" k "\":[^,}]*"))
			return ""
		v = substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
		gsub(/"/, "", v)
		return v
	}
	/"class":"TPV"/ {
		t = val($0, "time"); la = val($0, "lat"); lo = val($0, "lon")
		if (la != "" && lo != "")
			print (t == "" ? "-" : t), la, lo
	}' "$1" | uniq
}

# gpsd_check NAME DEVICE [cats|hold]: gpsd reads DEVICE while NAME is
# replayed. With "cats", so do cat /dev/gpsnmea and cat /dev/$gnss (into
# /results/same.*); with "hold", /dev/$gnss is held open unread on fd 3.
gpsd_check() {
	name=$1
	node=$2
	extra=${3:-}
	out=/results/$name.${node##*/}
	# -N foreground, -n open the device now; the socket and pid file
	# go to /tmp. It refuses a device another process has open.
	gpsd -N -n -D 1 -F /tmp/gpsd.sock -P /tmp/gpsd.pid "$node" 2> "$out.gpsd-log" &
	gpsd_pid=$!
	i=0
	until has_open $gpsd_pid "$node"; do
		i=$((i + 1))
		if [ "$i" -gt 100 ] || ! running $gpsd_pid; then
			echo "# gpsd did not open $node"
			sed 's/^/# /' "$out.gpsd-log" | tail -n 5
			not_ok "gpsd_${name}_${node##*/}"
			kill $gpsd_pid 2>/dev/null
			return
		fi
		usleep 100000
	done
	gpspipe -w > "$out.json" 2> "$out.gpspipe-log" &
	pipe_pid=$!
	i=0
	until grep -q '"class":"WATCH"' "$out.json" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 100 ]; then
			echo "# gpspipe got no WATCH from gpsd"
			not_ok "gpsd_${name}_${node##*/}"
			kill $pipe_pid $gpsd_pid 2>/dev/null
			return
		fi
		usleep 100000
	done

	if [ "$extra" = hold ]; then
		exec 3< "/dev/$gnss"
	elif [ "$extra" = cats ]; then
		# Opened after gpsd has its device: it checks at open only.
		cat /dev/gpsnmea > /results/same.gpsnmea &
		cat1=$!
		cat "/dev/$gnss" > /results/same.gnss &
		cat2=$!
		usleep 100000
	fi
	send "$name"
	# gpsd runs as root only until it has dropped its privileges.
	sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$gpsd_pid/status" >> /results/gpsd.uids
	# gpsd reports a cycle once it sees the next one start, or after a
	# quiet spell: give it that (idle guest time costs nothing here).
	sleep 2
	kill $pipe_pid $gpsd_pid
	if [ "$extra" = cats ]; then
		kill "$cat1" "$cat2"
		wait_gone "$cat1"
		wait_gone "$cat2"
	fi
	wait_gone $pipe_pid
	wait_gone $gpsd_pid || kill -9 $gpsd_pid

	tpvs "/gpsd/$name.log.chk" > "$out.expected"
	tpvs "$out.json" > "$out.got"
	echo "# $name via $node: $(wc -l < "$out.got") fixes, .chk has $(wc -l < "$out.expected")"
	if [ -s "$out.expected" ] && cmp -s "$out.expected" "$out.got"; then
		ok "gpsd_${name}_${node##*/}"
	else
		diff "$out.expected" "$out.got" | head -n 10 | sed 's/^/# /'
		not_ok "gpsd_${name}_${node##*/}"
	fi
}

# shellcheck disable=SC2086 # a list of names
set -- $LOGS
# One test per log, gnss_same_sentences with the first, a full buffer with
# the second, gpsd on /dev/gnssN, gpsd_reads_without_root when gpsd runs at
# all (not in the unbind-cycles run); and five more.
gpsd_runs=$LOGS$GNSS_GPSD
plan=$(($# + ${1:+1} + ${2:+1} + ${GNSS_GPSD:+1} + ${gpsd_runs:+1} + 5))
echo "KTAP version 1"
echo "1..$plan"

gn_load_deps || bail "a module gpsnmea.ko needs did not load"
insmod /modules/gpsnmea_sim.ko || bail "gpsnmea_sim.ko did not load"
echo "$BAUD" > $sim/baud || bail "the simulated GPS refused baud $BAUD"
insmod /modules/gpsnmea.ko gpio_chip=gpsnmea-sim gpio_line=0 baud="$BAUD" gnss=1 ||
	bail "gpsnmea.ko gnss=1 did not load: $(dmesg | tail -n 3)"
ip link set lo up || bail "no loopback interface"
# The user and group Debian's gpsd drops to, and what udev/60-gpsnmea.rules
# makes of the node (there is no udev here).
echo 'gpsd:x:100:20:gpsd:/run/gpsd:/bin/false' >> /etc/passwd
echo 'dialout:x:20:' >> /etc/group
chgrp dialout /dev/gpsnmea && chmod 0660 /dev/gpsnmea ||
	bail "cannot apply the udev rule's mode to /dev/gpsnmea"
# gpsd and gpspipe meet on localhost:2947.
echo '127.0.0.1 localhost' > /etc/hosts
# The .chk files are gpsd 3.22's own output, made with a valid system
# clock: it moves dates before 2017 forward by 1024 weeks (its GPS week
# rollover guess) and keeps later ones. A fixed valid clock (gpsd 3.22's
# release day) gives the same reading on every run.
date -s '2021-01-08 00:00:00' > /dev/null || bail "cannot set the clock"
echo "# $(uname -r), $BAUD baud, bottom half $(cat $dev/bh), $(gpsd -V)"

gnss=$(ls $dev/gnss 2>/dev/null)
if [ -n "$gnss" ] && [ -c "/dev/$gnss" ] &&
   [ "$(cat "/sys/class/gnss/$gnss/type")" = NMEA ]; then
	echo "# /dev/$gnss, type NMEA"
	ok gnss_device_registered
else
	echo "# no GNSS device of type NMEA under $dev/gnss: '$gnss'"
	not_ok gnss_device_registered
	gnss=gnss0
fi

# gpsd on /dev/gpsnmea, one log after the other; during the first one,
# /dev/gpsnmea and /dev/gnssN are read by cat as well, during the second
# /dev/gnssN is held open unread. Then gpsd on /dev/gnssN. Not with -smp 2: its timers are too coarse for byte-exact
# replays at 9600 baud.
nlog=0
for log in $LOGS; do
	nlog=$((nlog + 1))
	case $nlog in
	1)
		gpsd_check "$log" /dev/gpsnmea cats
		echo "# $log: /dev/gpsnmea $(wc -c < /results/same.gpsnmea) bytes, /dev/$gnss $(wc -c < /results/same.gnss) bytes, expected $(wc -c < "/gpsd/$log.expect"); gnss_drops $(cat $dev/statistics/gnss_drops)"
		if cmp -s /results/same.gnss "/gpsd/$log.expect" &&
		   cmp -s /results/same.gpsnmea "/gpsd/$log.expect" &&
		   [ "$(cat $dev/statistics/gnss_drops)" = 0 ]; then
			ok gnss_same_sentences
		else
			not_ok gnss_same_sentences
		fi
		;;
	2)
		# /dev/gnssN open but unread while more than its buffer
		# arrives: it keeps the first whole sentences that fit, the
		# others are counted, none is cut.
		drops0=$(cat $dev/statistics/gnss_drops)
		gpsd_check "$log" /dev/gpsnmea hold
		drops=$(($(cat $dev/statistics/gnss_drops) - drops0))
		{ timeout 2 cat <&3 > /results/held.gnss; } 2>/dev/null
		exec 3<&-
		kept=$(wc -l < /results/held.gnss)
		total=$(wc -l < "/gpsd/$log.expect")
		echo "# $log with /dev/$gnss unread: $kept sentences kept ($(wc -c < /results/held.gnss) bytes), $drops dropped, $total sent"
		if [ "$kept" -gt 0 ] && [ "$drops" -gt 0 ] &&
		   [ $((kept + drops)) = "$total" ] &&
		   head -n "$kept" "/gpsd/$log.expect" | cmp -s - /results/held.gnss; then
			ok gnss_full_buffer_whole_sentences
		else
			not_ok gnss_full_buffer_whole_sentences
		fi
		;;
	*)
		gpsd_check "$log" /dev/gpsnmea
		;;
	esac
done
[ -z "$GNSS_GPSD" ] || gpsd_check "$GNSS_LOG" "/dev/$gnss"

# Every gpsd above read its device after dropping root (user gpsd).
if [ -n "$gpsd_runs" ]; then
	echo "# gpsd's user IDs while reading: $(sort -u /results/gpsd.uids 2>/dev/null | tr '\n' ' ')"
	if [ -s /results/gpsd.uids ] && ! grep -qx 0 /results/gpsd.uids; then
		ok gpsd_reads_without_root
	else
		not_ok gpsd_reads_without_root
	fi
fi

# The GNSS core refuses writes when the driver has no write_raw.
if printf '%s\r\n' "\$PMTK000*32" > "/dev/$gnss" 2>/dev/null; then
	not_ok gnss_write_refused
else
	ok gnss_write_refused
fi

# Unbind while the simulated GPS sends, a reader of /dev/gnssN waits in
# read() and one of /dev/gpsnmea too; then bind again. CYCLES times.
c=0
bad=
while [ $c -lt "$CYCLES" ] && [ -z "$bad" ]; do
	c=$((c + 1))
	gnss=$(ls $dev/gnss 2>/dev/null)
	if [ -z "$gnss" ]; then
		bad="no GNSS device after bind"
		break
	fi
	cat "/dev/$gnss" > /tmp/unbind.gnss &
	r1=$!
	cat /dev/gpsnmea > /dev/null 2>&1 &
	r2=$!
	head -c 1000 "/gpsd/$GNSS_LOG.wire" > $sim/tx
	usleep 300000
	echo gpsnmea > $drv/unbind
	if ! wait_gone $r1 || ! wait $r1; then
		bad="the /dev/$gnss reader got no end-of-file"
		kill -9 $r1 2>/dev/null
	elif ! wait_gone $r2; then
		bad="the /dev/gpsnmea reader did not return"
		kill -9 $r2 2>/dev/null
	elif [ -e "/dev/$gnss" ]; then
		bad="/dev/$gnss still there"
	elif [ "$MODE" = icount ] && [ ! -s /tmp/unbind.gnss ]; then
		bad="the /dev/$gnss reader got nothing before the unbind"
	fi
	echo gpsnmea > $drv/bind || bad="bind failed"
	while [ "$(cat $sim/pending)" != 0 ]; do
		usleep 20000
	done
done
if [ -z "$bad" ]; then
	echo "# $c unbind/bind cycles"
	ok gnss_unbind_with_readers
else
	echo "# cycle $c: $bad"
	not_ok gnss_unbind_with_readers
fi
gnss=$(ls $dev/gnss 2>/dev/null)

# rmmod while a reader has /dev/gnssN open: the GNSS core owns the node,
# so the module may go; the reader gets end-of-file.
if [ -n "$gnss" ]; then
	cat "/dev/$gnss" > /dev/null &
	r1=$!
	usleep 200000
	if rmmod gpsnmea && wait_gone $r1 && wait $r1; then
		ok gnss_rmmod_with_reader
	else
		kill -9 $r1 2>/dev/null
		not_ok gnss_rmmod_with_reader
	fi
else
	echo "# no GNSS device after rebinding"
	not_ok gnss_rmmod_with_reader
fi

# Default gnss=0: no GNSS device.
rmmod gpsnmea 2>/dev/null
insmod /modules/gpsnmea.ko gpio_chip=gpsnmea-sim gpio_line=0 baud="$BAUD" ||
	bail "gpsnmea.ko did not load again"
if [ ! -e $dev/gnss ] && [ -z "$(ls /sys/class/gnss)" ]; then
	ok gnss_off_by_default
else
	not_ok gnss_off_by_default
fi
rmmod gpsnmea || rc=1
rmmod gpsnmea_sim || rc=1
echo "# guest time $(cut -d ' ' -f 1 /proc/uptime) s"
exit $rc

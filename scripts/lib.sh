# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the scripts in this folder. Source it, don't run it:
#   . "$(dirname "$(readlink -f "$0")")/lib.sh"
# Sets REPO (the repository root), CACHE (<repo>/.cache) and CORPUS.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# GPSNMEA_CACHE moves the cache (the script tests use a scratch one).
CACHE=${GPSNMEA_CACHE:-$REPO/.cache}
# A worktree may share another checkout's cache through a symlink: use its
# real path, which is what the cached kernels' Makefiles name.
[ -L "$CACHE" ] && CACHE=$(readlink -f "$CACHE")
SCRIPTS=$REPO/scripts
# The NMEA logs of gpsd's regression corpus, fetched by scripts/fetch-corpus.
CORPUS=${GPSNMEA_CORPUS_DIR:-$CACHE/corpus/gpsd}

# The Debian kernels the test bed knows, one row each:
#   NAME  ABI  FLAVOUR  ARCH  PARTS
# ABI is an extended regex for the <abi> of linux-headers-<abi>-<flavour>
# (the highest one apt has, whose packages are all there, is used), ARCH the
# Debian architecture of the image and headers (kbuild's host tools are
# always the amd64 ones), PARTS "image" (image + headers: builds and VMs) or
# "headers" (builds only) or "built" (not fetched: built from Debian's
# linux-source by scripts/build-debug-kernel with the config fragment
# scripts/debug-kernel/FLAVOUR.config; ABI unused).
KERNEL_TABLE=(
	'6.1            6\.1\.0-[0-9]+         amd64      amd64 image'
	'6.12           6\.12\.[0-9]+\+deb12   amd64      amd64 image'
	'6.1-rt         6\.1\.0-[0-9]+         rt-amd64   amd64 image'
	'6.12-rt        6\.12\.[0-9]+\+deb12   rt-amd64   amd64 image'
	'6.1-arm64      6\.1\.0-[0-9]+         arm64      arm64 image'
	'6.12-arm64     6\.12\.[0-9]+\+deb12   arm64      arm64 image'
	'6.12-arm64-16k 6\.12\.[0-9]+\+deb12   arm64-16k  arm64 image'
	'6.1-rt-arm64   6\.1\.0-[0-9]+         rt-arm64   arm64 image'
	'6.12-rt-arm64  6\.12\.[0-9]+\+deb12   rt-arm64   arm64 image'
	'6.1-armmp      6\.1\.0-[0-9]+         armmp      armhf headers'
	'6.12-armmp     6\.12\.[0-9]+\+deb12   armmp      armhf headers'
	'6.12-debug-a   -                      debug-a    amd64 built'
	'6.12-debug-k   -                      debug-k    amd64 built'
)
# What scripts do "for every kernel" when not told which.
SERIES_ALL=(6.1 6.12)

die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# bad_usage MESSAGE: a wrong command line: one line, exit status 2.
bad_usage() {
	printf '%s: error: %s (see %s --help)\n' "${0##*/}" "$*" "${0##*/}" >&2
	exit 2
}

warn() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# A progress line on stderr (downloads, boots): always, unless QUIET=1.
progress() {
	if [ "${QUIET:-0}" != 1 ]; then
		printf '%s\n' "$*" >&2
	fi
	return 0
}

# Print only when VERBOSE=1 (the scripts are quiet when all is well).
info() {
	if [ "${VERBOSE:-0}" = 1 ]; then
		printf '%s: %s\n' "${0##*/}" "$*" >&2
	fi
	return 0
}

# need_value OPTION ARGC: die unless OPTION (at $1 of the caller, with ARGC
# arguments left) has a value after it. Use: --opt) need_value "$1" $#; ...
need_value() {
	[ "$2" -ge 2 ] || bad_usage "$1 needs a value"
}

# check_uint OPTION VALUE [MIN]: die unless VALUE is a whole number >= MIN
# (default 0).
check_uint() {
	[[ "$2" =~ ^[0-9]+$ ]] && [ "${#2}" -le 12 ] || bad_usage "$1 wants a whole number, not '$2'"
	[ "$2" -ge "${3:-0}" ] || bad_usage "$1 wants at least ${3:-0}, not $2"
}

# check_baud OPTION VALUE: a rate the driver takes (50..1000000).
check_baud() {
	[[ "$2" =~ ^[0-9]+$ ]] && [ "${#2}" -le 8 ] && [ "$2" -ge 50 ] && [ "$2" -le 1000000 ] ||
		bad_usage "$1 wants a bit rate from 50 to 1000000, not '$2'"
}

# kernel_names: every NAME of KERNEL_TABLE, space-separated.
kernel_names() {
	local row names=()
	for row in "${KERNEL_TABLE[@]}"; do
		names+=("${row%% *}")
	done
	echo "${names[*]}"
}

# kernel_row NAME: set K_NAME K_ABIRE K_FLAVOUR K_ARCH K_PARTS from the
# table (fails for an unknown NAME).
kernel_row() {
	local row
	for row in "${KERNEL_TABLE[@]}"; do
		read -r K_NAME K_ABIRE K_FLAVOUR K_ARCH K_PARTS <<<"$row"
		[ "$K_NAME" = "$1" ] && return 0
	done
	return 1
}

# kernel_arch NAME: its Debian architecture (amd64, arm64, armhf).
kernel_arch() {
	kernel_row "$1" || return 1
	echo "$K_ARCH"
}

# kernel_cross NAME: the make arguments that cross-build for NAME (none for
# amd64).
kernel_cross() {
	kernel_row "$1" || return 1
	case "$K_ARCH" in
	arm64) echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	armhf) echo "ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-" ;;
	esac
}

# check_series NAME [vm]: die unless NAME is a known kernel (with "vm": one
# that the VM scripts boot by default, i.e. an amd64 kernel with an image;
# vm_series checks the arm64 ones).
check_series() {
	[ -n "$1" ] || die "no kernel given (want one of: $(kernel_names))"
	kernel_row "$1" || die "unknown kernel '$1' (want one of: $(kernel_names))"
	if [ "${2:-}" = vm ] && { [ "$K_ARCH" != amd64 ] || [ "$K_PARTS" = headers ]; }; then
		die "kernel '$1' ($K_ARCH${K_PARTS:+, $K_PARTS}): this boots amd64 kernels only (vm-run, vm-test, vm-replay: --arch arm64)"
	fi
	return 0
}

# check_arch OPTION VALUE: an architecture the VM scripts boot.
check_arch() {
	case "$2" in
	amd64 | arm64) ;;
	*) bad_usage "$1 wants amd64 or arm64, not '$2'" ;;
	esac
}

# vm_series ARCH NAME: the KERNEL_TABLE row the VM scripts boot for
# "--arch ARCH --kernel NAME": NAME itself when its row is of ARCH, else
# NAME-ARCH (arm64: 6.12 -> 6.12-arm64, 6.12-rt -> 6.12-rt-arm64). Dies
# when neither is a bootable kernel of ARCH.
vm_series() {
	local arch=$1 name=$2 row
	[ -n "$name" ] || die "no kernel given (want one of: $(kernel_names))"
	if kernel_row "$name" && [ "$K_ARCH" = "$arch" ]; then
		row=$name
	elif kernel_row "$name-$arch" && [ "$K_ARCH" = "$arch" ]; then
		row=$name-$arch
	elif kernel_row "$name" && [ "$K_ARCH" = armhf ]; then
		die "kernel '$name' is armhf: it builds only"
	elif kernel_row "$name"; then
		die "kernel '$name' is $K_ARCH, not $arch (--arch $K_ARCH boots it)"
	else
		die "unknown kernel '$name' (want one of: $(kernel_names))"
	fi
	if [ "$arch" = amd64 ]; then
		check_series "$row" vm
	elif [ "$K_FLAVOUR" = arm64-16k ]; then
		die "kernel '$row': 16K pages need another CPU than the arm64 VM's cortex-a72; it builds only"
	fi
	echo "$row"
}

# busybox_arm64: the path of an arm64 busybox-static, downloaded and
# unpacked into the cache once (it cannot be installed beside the amd64
# one).
busybox_arm64() {
	local d=$CACHE/busybox-arm64 deb
	if [ ! -x "$d/root/bin/busybox" ]; then
		mkdir -p "$d"
		(
			cache_lock busybox-arm64
			[ -x "$d/root/bin/busybox" ] && exit 0
			rm -rf "$d/dl" "$d/root.tmp"
			mkdir -p "$d/dl"
			progress "${0##*/}: downloading busybox-static:arm64"
			apt_download "$d/dl" busybox-static:arm64
			deb=$(ls "$d"/dl/busybox-static_*_arm64.deb)
			dpkg-deb -x "$deb" "$d/root.tmp"
			rm -rf "$d/root"
			mv "$d/root.tmp" "$d/root"
		) >&2 || die "cannot fetch busybox-static:arm64"
	fi
	echo "$d/root/bin/busybox"
}

# Run "$@" as root (sudo when not root and sudo exists).
as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root for: $*"
	fi
}

# Hold an exclusive lock on <cache>/locks/NAME for the rest of the script,
# so that two engineers (or CI) running the same fetch at once don't race.
cache_lock() {
	local fd
	mkdir -p "$CACHE/locks"
	exec {fd}>"$CACHE/locks/$1.lock"
	flock "$fd"
}

# apt: 'update' when the package lists are missing or older than a day.
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
APT_UPDATED=0

apt_update() {
	progress "${0##*/}: apt-get update (the package lists are missing or a day old)"
	local log
	log=$(mktemp)
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" -q update >"$log" 2>&1; then
		# Third-party sources that can't be reached make update fail;
		# carry on if Debian's own lists are in.
		if ! ls /var/lib/apt/lists/*debian*_Packages* >/dev/null 2>&1; then
			cat "$log" >&2
			rm -f "$log"
			die "apt-get update failed"
		fi
		info "apt-get update reported errors (ignored: Debian lists present)"
	fi
	rm -f "$log"
	APT_UPDATED=1
}

apt_update_if_stale() {
	[ "$APT_UPDATED" = 1 ] && return 0
	local newest
	newest=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)
	if [ -z "$newest" ]; then
		apt_update
	fi
}

# apt_has PKG: does apt know a candidate for PKG?
apt_has() {
	local cand
	cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
	[ -n "$cand" ] && [ "$cand" != "(none)" ]
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# apt_install PKG...: install the ones not installed yet.
apt_install() {
	local missing=() p
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	apt_update_if_stale
	for p in "${missing[@]}"; do
		if ! apt_has "$p"; then
			[ "$APT_UPDATED" = 1 ] || apt_update
			apt_has "$p" || die "package '$p' not found in the apt sources"
		fi
	done
	progress "${0##*/}: installing ${#missing[@]} Debian package(s): ${missing[*]}"
	local log t0=$SECONDS
	log=$(mktemp)
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" -q -y \
		--no-install-recommends install "${missing[@]}" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "apt-get install failed: ${missing[*]}"
	fi
	rm -f "$log"
	progress "${0##*/}: installed in $((SECONDS - t0)) s"
}

# apt_download DIR PKG[=VER]...: 'apt-get download' into DIR (as _apt can't
# write everywhere, download as the current user into DIR).
apt_download() {
	local dir=$1
	shift
	local log
	log=$(mktemp)
	if ! (cd "$dir" && apt-get "${APT_OPTS[@]}" -q download "$@") >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "apt-get download failed: $*"
	fi
	rm -f "$log"
}

# The highest package name matching the extended regex $1 (apt-cache search).
apt_highest_name() {
	apt-cache search --names-only "$1" 2>/dev/null | awk '{print $1}' | grep -E "$1" | sort -V | tail -n 1
}

# Candidate (highest by policy) version of a package.
apt_candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}'
}

# need_corpus: fetch the corpus if it is not there yet (fails if it can't).
need_corpus() {
	[ -n "${GPSNMEA_CORPUS_DIR:-}" ] && return 0
	"$SCRIPTS/fetch-corpus" >/dev/null
}

# Kernel cache layout.
kernel_dir() {
	printf '%s/kernels/%s\n' "$CACHE" "$1"
}

# The KDIR of a fetched series (fails if not fetched).
kernel_kdir() {
	local d
	d=$(kernel_dir "$1")
	[ -f "$d/kdir" ] || return 1
	cat "$d/kdir"
}

# sync_sources DEST: copy the kernel-side sources (Kbuild, src/, include/,
# tests/sim/) to DEST with rsync, mtimes kept. Kbuild output in the source
# folders is never copied (someone may have built in place for another
# kernel), and excluded files in DEST are safe from --delete.
sync_sources() {
	command -v rsync >/dev/null || die "rsync not found (run scripts/setup)"
	mkdir -p "$1"
	rsync -a --delete \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.symvers' --exclude='*.order' \
		--exclude='.tmp_versions' --exclude='*.dwo' --exclude='.cache.mk' \
		--include='/Kbuild' --include='/src/***' --include='/include/***' \
		--include='/tests/' --include='/tests/sim/***' \
		--exclude='*' "$REPO/" "$1/"
}

# known_races LOG: LOG without the KCSAN reports of tests/vm/kcsan-known-races
# (races inside the kernel's own code, named there with the reason), each
# left out with one line on stderr. A report that names one of our modules
# anywhere is kept, whatever its pair.
known_races() {
	awk -v known="$REPO/tests/vm/kcsan-known-races" -v file="${1##*/}" '
	BEGIN {
		while ((getline line < known) > 0) {
			if (line ~ /^#/ || line !~ /[^ \t]/)
				continue
			split(line, f, /[ \t]+/)
			pair[f[1] " " f[2]] = 1
			pair[f[2] " " f[1]] = 1
		}
	}
	function flush(keep, i) {
		for (i = 1; i <= n; i++)
			if (keep)
				print buf[i]
		n = 0
		inside = 0
	}
	/BUG: KCSAN: data-race in / {
		flush(1)
		inside = 1
		s = $0
		sub(/.*data-race in /, "", s)
		sub(/\r$/, "", s)
		split(s, g, / \/ /)
		name = g[1] " " g[2]
		ours = 0
	}
	!inside { print; next }
	{ buf[++n] = $0 }
	/gpsnmea/ { ours = 1 }
	/====================/ && n > 1 {
		if ((name in pair) && !ours) {
			printf "vm-run: %s: left out a known KCSAN report in the kernel'"'"'s own code: %s\n", file, name > "/dev/stderr"
			flush(0)
		} else {
			flush(1)
		}
	}
	END { flush(1) }
	' "$1"
}

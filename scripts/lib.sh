# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the scripts in this folder. Source it, don't run it:
#   . "$(dirname "$(readlink -f "$0")")/lib.sh"
# Sets REPO (the repository root), CACHE (<repo>/.cache) and CORPUS.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CACHE=$REPO/.cache
# A worktree may share another checkout's cache through a symlink: use its
# real path, which is what the cached kernels' Makefiles name.
[ -L "$CACHE" ] && CACHE=$(readlink -f "$CACHE")
SCRIPTS=$REPO/scripts
# The NMEA logs of gpsd's regression corpus, fetched by scripts/fetch-corpus.
CORPUS=${GPSNMEA_CORPUS_DIR:-$CACHE/corpus/gpsd}
SERIES_ALL=(6.1 6.12)

die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
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

check_series() {
	case "$1" in
	6.1 | 6.12) ;;
	*) die "unknown kernel series '$1' (want one of: ${SERIES_ALL[*]})" ;;
	esac
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
	info "apt-get update"
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
	info "installing: ${missing[*]}"
	local log
	log=$(mktemp)
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" -q -y \
		--no-install-recommends install "${missing[@]}" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "apt-get install failed: ${missing[*]}"
	fi
	rm -f "$log"
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

# SPDX-License-Identifier: GPL-2.0
# A cached Debian chroot made with debootstrap, for scripts that need a
# Debian release or packages the host must not get. Source it after lib.sh,
# having set:
#   ROOT     the chroot (under .cache, by its real path)
#   SUITE    the Debian release (bookworm, trixie)
#   SUITES   the suites of its apt sources (e.g. "bookworm bookworm-updates")
#   INCLUDE  packages debootstrap installs (comma-separated)
#   tmp      a scratch folder for logs
# Mounts it makes (chroot_mount_proc) are unmounted on exit, last first;
# a script that traps EXIT itself calls chroot_cleanup from its handler.

MOUNTS=()

chroot_cleanup() {
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" ||
			warn "could not unmount ${MOUNTS[i]}"
	done
	MOUNTS=()
}

# mounts_under DIR: the mount points at or below DIR.
mounts_under() {
	findmnt -rn -o TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1'
}

# Unmount what a killed earlier run (or debootstrap) left under DIR.
unmount_stale() {
	local m
	while read -r m; do
		[ -n "$m" ] || continue
		warn "unmounting stale $m"
		umount "$m" 2>/dev/null || umount -l "$m"
	done < <(mounts_under "$1" | sort -r)
	[ -z "$(mounts_under "$1")" ] || die "mounts left under $1"
}

# remove_tree DIR: rm -rf that never crosses into a mount.
remove_tree() {
	[ -e "$1" ] || return 0
	unmount_stale "$1"
	rm -rf --one-file-system "$1"
}

# host_mirror [NAME]: the first URI in the host's apt sources ending in
# /NAME (default debian; debian-security for the security archive).
host_mirror() {
	local name=${1:-debian} f u
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		while read -r u; do
			u=${u%/}
			if [[ "$u" =~ ^[a-z]+://[^[:space:]]+/$name$ ]]; then
				echo "$u"
				return 0
			fi
		done < <(awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }
			$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' "$f")
	done
	return 0
}

in_root() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# run LOGNAME CMD...: run quietly; on failure show the log's tail and die.
run() {
	local name=$1
	shift
	info "$*"
	if ! "$@" >"$tmp/$name.log" 2>&1; then
		tail -n 40 "$tmp/$name.log" >&2
		die "failed: $*"
	fi
}

chroot_mount_proc() {
	[ -z "$(mounts_under "$ROOT/proc")" ] || die "$ROOT/proc is already mounted"
	mount -t proc proc "$ROOT/proc"
	MOUNTS+=("$ROOT/proc")
}

# chroot_config ROOT MIRROR: its dpkg and apt settings and apt sources
# (rewritten each time: cheap, and a chroot made before gets them too).
chroot_config() {
	local root=$1 mirror=$2
	# No documentation, man pages or translations; no fsync per file
	# (a headers package has 20000 files: 2 minutes under load).
	cat >"$root/etc/dpkg/dpkg.cfg.d/01-gpsnmea-nodoc" <<EOF
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
EOF
	echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/02-gpsnmea-unsafe-io"
	rm -f "$root/etc/apt/sources.list"
	cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $SUITES
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	if [ -n "${SECURITY_MIRROR:-}" ]; then
		cat >>"$root/etc/apt/sources.list.d/debian.sources" <<EOF

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	fi
	cat >"$root/etc/apt/apt.conf.d/01-gpsnmea" <<EOF
APT::Install-Recommends "false";
Acquire::Languages "none";
Dir::Cache::srcpkgcache "";
Acquire::Retries "3";
EOF
}

# chroot_make: debootstrap --variant=minbase into $ROOT.new, then move it
# to $ROOT. SECURITY_MIRROR (when set) adds $SUITE-security.
chroot_make() {
	local mirror include new=$ROOT.new
	mirror=${DEBIAN_MIRROR:-$(host_mirror)}
	[ -n "$mirror" ] || die "no Debian mirror in the host's apt sources; set DEBIAN_MIRROR"
	remove_tree "$new"
	case "$mirror" in
	https:*) include=$INCLUDE,ca-certificates ;;
	*) include=$INCLUDE ;;
	esac
	info "debootstrap $SUITE from $mirror (a few minutes)"
	run debootstrap debootstrap --variant=minbase --include="$include" \
		"$SUITE" "$new" "$mirror"
	unmount_stale "$new"
	chroot_config "$new" "$mirror"
	rm -rf --one-file-system "$new"/usr/share/{doc,man,info,locale}/*
	chroot "$new" /usr/bin/apt-get clean
	mv "$new" "$ROOT"
}

# chroot_update: apt-get update in the chroot when never done or over a
# day ago (a stamp: lists that did not change keep their old mtime). When
# the archive can't be reached, carry on with the lists the chroot has.
chroot_update() {
	local stamp=$ROOT/var/lib/apt/gpsnmea-update.stamp
	[ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ] || return 0
	info "apt-get update in the chroot"
	if in_root apt-get -q update >"$tmp/apt-update.log" 2>&1; then
		touch "$stamp"
	else
		tail -n 5 "$tmp/apt-update.log" >&2
		warn "apt-get update in the chroot failed; using the lists it has"
	fi
}

# SPDX-License-Identifier: GPL-2.0
#
# gpsnmea: out-of-tree kernel module. The kbuild part is in Kbuild; this
# file wraps it and names the project's commands (see README.md).

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNELS ?= 6.1 6.12
# DKMS: the version installed, and the kernel dkms-install builds for.
DKMS_VERSION ?= $(shell git -C $(CURDIR) describe --tags --always --dirty 2>/dev/null || echo 0)
DKMS_KERNEL ?= $(shell uname -r)
DKMS_SRC = /usr/src/gpsnmea-$(DKMS_VERSION)
# The Raspberry Pi overlay (dts/) is compiled too where dtc is installed.
DTC ?= $(shell command -v dtc 2>/dev/null)

.PHONY: all modules dtbs dkms-install dkms-remove clean setup unit lint check check-debug check-next demo bench install help

all: modules $(if $(DTC),dtbs)

modules:
	@if [ ! -d "$(KDIR)" ]; then \
		echo "No kernel headers at $(KDIR)." >&2; \
		echo "Install them (Debian: linux-headers-\$$(uname -r)) or point KDIR= at a build tree;" >&2; \
		echo "'make setup' fetches Debian's 6.1 and 6.12 trees: make KDIR=\$$(scripts/kdir 6.12)" >&2; \
		exit 1; \
	fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# build/dts/gpsnmea.dtbo: copy it to the boot partition's overlays/ folder
# (Documentation/install.rst).
dtbs:
	@if [ -z "$(DTC)" ]; then echo "dtc not found (Debian: device-tree-compiler)" >&2; exit 1; fi
	@mkdir -p build/dts
	$(DTC) -@ -I dts -O dtb -o build/dts/gpsnmea.dtbo dts/gpsnmea-overlay.dts

UDEV_RULES_DIR ?= /etc/udev/rules.d

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 0644 udev/60-gpsnmea.rules $(DESTDIR)$(UDEV_RULES_DIR)/60-gpsnmea.rules

# The driver's sources (not tests/) to /usr/src/gpsnmea-<version>/, then
# dkms add, build and install for DKMS_KERNEL; later kernels get it from
# DKMS's kernel hooks. Any version installed before is removed first.
dkms-install: dkms-remove
	mkdir -p $(DKMS_SRC)
	tar -c --exclude='*.o' --exclude='*.mod.c' --exclude='.*' Kbuild LICENSE src include | tar -x -C $(DKMS_SRC)
	sed 's/@VERSION@/$(DKMS_VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf
	dkms add -m gpsnmea -v $(DKMS_VERSION)
	dkms install -m gpsnmea -v $(DKMS_VERSION) -k $(DKMS_KERNEL)

# Every version of gpsnmea that DKMS knows, from every kernel, and the
# sources in /usr/src (DKMS leaves them when a version's last kernel goes).
dkms-remove:
	@command -v dkms >/dev/null || { echo "dkms not found (Debian: apt install dkms)" >&2; exit 1; }
	@for v in $$(dkms status -m gpsnmea | sed -n 's|^gpsnmea/\([^,:]*\).*|\1|p' | sort -u); do \
		echo "dkms remove -m gpsnmea -v $$v --all"; \
		dkms remove -m gpsnmea -v $$v --all || exit 1; \
	done
	@for d in /usr/src/gpsnmea-*/; do \
		if grep -qs '^PACKAGE_NAME="gpsnmea"' $$d/dkms.conf; then echo "rm -rf $$d"; rm -rf $$d; fi; \
	done

# This project's build outputs, by name: kbuild's output in the folders it
# builds in (the repo root, src/, tests/sim/), build/ (scripts, selftests)
# and tests/unit/build/. Not kbuild's own clean, which deletes every *.ko
# under M=, the kernels in .cache/ included.
KBUILD_DIRS := . src tests/sim
KBUILD_OUTPUTS := *.o *.ko *.mod *.mod.c .*.cmd .*.d *.symvers *.order *.dwo .cache.mk

# This project's build outputs, by name: kbuild's output in the folders it
# builds in (the repo root, src/, tests/sim/), build/ (scripts, selftests)
# and tests/unit/build/. Not kbuild's own clean, which deletes every *.ko
# under M=, the kernels in .cache/ included.
KBUILD_DIRS := . src tests/sim
KBUILD_OUTPUTS := *.o *.ko *.mod *.mod.c .*.cmd .*.d *.symvers *.order *.dwo .cache.mk

clean:
	rm -rf build tests/unit/build .tmp_versions tests/sim/.tmp_versions
	for d in $(KBUILD_DIRS); do (cd $$d && rm -f $(KBUILD_OUTPUTS)) || exit 1; done

# Installs packages with apt-get and fetches Debian's kernels into .cache/.
setup:
	scripts/setup

unit:
	scripts/fetch-corpus >/dev/null
	$(MAKE) -C tests/unit

lint: setup
	scripts/lint

# Every test: host unit tests, lint, build and VM tests on each kernel.
check:
	scripts/check

# Compile for the newest Debian 7.x kernel (W=1) in a trixie chroot
# (debootstrap, cached in .cache/trixie-root).
# The VM tests on two debug kernels built from Debian's linux-source-6.12
# (lockdep + KASAN + UBSAN + debugobjects; KCSAN + lockdep), cached in
# .cache/kernels/6.12-debug-{a,k}/. Not part of make check: the first build
# takes long on a small machine (Documentation/testing.rst).
check-debug:
	scripts/check-debug

check-next:
	scripts/build-next

demo:
	scripts/demo

bench: setup
	scripts/bench

help:
	@echo "make [KDIR=...]   (= make modules) build gpsnmea.ko for KDIR (default: $(KDIR))"
	@echo "make modules      the same"
	@echo "make install      modules_install into KDIR's /lib/modules (as root)"
	@echo "make dtbs         build/dts/gpsnmea.dtbo, the Raspberry Pi overlay (needs dtc)"
	@echo "make dkms-install the driver into DKMS, built for DKMS_KERNEL (default: running; as root)"
	@echo "make dkms-remove  every gpsnmea version from DKMS and /usr/src (as root)"
	@echo "make clean        remove this project's build outputs (never .cache/)"
	@echo "make setup        install the Debian packages, fetch the 6.1/6.12 kernels, linux-source, gpsd, corpus"
	@echo "make demo         VM + simulated GPS: live sentences, statistics, fix, verdict (setup only what it needs)"
	@echo "make unit         host unit tests (decoder, framer, fix, end to end)"
	@echo "make lint         checkpatch --strict, W=1 + sparse C=2 on each kernel, coccicheck"
	@echo "make check        every test; ends with 'N passed, N failed' (about 30 min)"
	@echo "make check-debug  VM tests on lockdep/KASAN/UBSAN and KCSAN kernels built from linux-source (first build: long)"
	@echo "make check-next   compile (W=1) for the newest Debian 7.x kernel in a trixie chroot"
	@echo "make bench        performance table and plot"
	@echo "make help         this list"
	@echo "scripts/NAME --help tells more; e.g. scripts/vm-replay LOG replays a recording in a VM,"
	@echo "scripts/fetch-kernels NAME fetches another kernel ($$(scripts/kdir --help | sed 's/.*NAME: //; s/)$$//'))"

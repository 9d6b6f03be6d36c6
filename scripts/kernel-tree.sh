# SPDX-License-Identifier: GPL-2.0-only
#
# Where this repository's kernel code goes in a Linux tree, sourced by
# scripts/kernel-patches.sh (the patch series) and by the builds that use
# the laid-out tree (static tier, KUnit, images). One map, so that the
# series and every build take the very same files:
#
#   guest-drm/*, uapi/xenlend_if.h,      drivers/gpu/drm/xenlend/
#   uapi/xenlend_wire.[ch], kunit/*
#   dom0-broker/kernel/*                 drivers/xen/xenlend/
#   uapi/xenlend_host.h                  include/uapi/xen/xenlend_host.h
#
# Steps are the patches of the series: 1 the guest driver (with its test
# hooks option), 2 its KUnit suites, 3 dom0's lending engine. kernel_tree_files
# lays out the files of steps 1..N; kernel_tree_wire hooks them into the
# tree's own Kconfig and Makefiles.

# kernel_tree_keep STEP FILE: filter a Kconfig (config blocks) or Makefile
# (paragraphs) of ours down to what steps 1..STEP have.
kernel_tree_keep() {
	awk -v step="$1" -v kind="$(basename "$2")" '
	function level(s) {
		if (s ~ /DRM_XENLEND_KUNIT_TEST/) return 2
		return 1
	}
	function flush() {
		if (buf != "" && level(buf) <= step) printf "%s", buf
		buf = ""
	}
	kind == "Kconfig" && /^config / { flush() }
	kind == "Makefile" && /^$/ { flush() }
	{ buf = buf $0 "\n" }
	END { flush() }' "$2" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# kernel_tree_files TOP DEST STEP: our files of steps 1..STEP under DEST.
kernel_tree_files() {
	top=$1 dest=$2 step=$3
	d=$dest/drivers/gpu/drm/xenlend
	mkdir -p "$d"
	for f in "$top"/guest-drm/*.c "$top"/guest-drm/*.h "$top"/uapi/xenlend_if.h \
		"$top"/uapi/xenlend_wire.c "$top"/uapi/xenlend_wire.h; do
		cp "$f" "$d/"
	done
	kernel_tree_keep "$step" "$top/guest-drm/Kconfig" >"$d/Kconfig"
	kernel_tree_keep "$step" "$top/guest-drm/Makefile" >"$d/Makefile"
	if [ "$step" -ge 2 ]; then
		cp "$top"/kunit/*_test.c "$top/kunit/.kunitconfig" "$d/"
	fi
	if [ "$step" -ge 3 ]; then
		mkdir -p "$dest/drivers/xen/xenlend" "$dest/include/uapi/xen"
		cp "$top"/dom0-broker/kernel/xenlend_host.c "$top"/dom0-broker/kernel/Kconfig \
			"$top"/dom0-broker/kernel/Makefile "$dest/drivers/xen/xenlend/"
		cp "$top/uapi/xenlend_host.h" "$dest/include/uapi/xen/"
	fi
}

# kernel_tree_paths: the tree's own files kernel_tree_wire changes.
kernel_tree_paths() {
	echo drivers/gpu/drm/Kconfig drivers/gpu/drm/Makefile drivers/xen/Kconfig \
		drivers/xen/Makefile
}

# append_after FILE ANCHOR LINE: LINE after the first line equal to ANCHOR
# (at the end without one), unless FILE has it already.
append_after() {
	grep -qxF "$3" "$1" && return 0
	awk -v anchor="$2" -v line="$3" '
	{ print }
	!done && $0 == anchor { print line; done = 1 }
	END { if (!done) print line }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# insert_before FILE ANCHOR LINE: LINE before the last line equal to ANCHOR,
# unless FILE has it already.
insert_before() {
	grep -qxF "$3" "$1" && return 0
	n=$(grep -nxF "$2" "$1" | tail -n1 | cut -d: -f1)
	[ -n "$n" ] || { echo "kernel-tree: $1 has no line '$2'" >&2; return 1; }
	awk -v n="$n" -v line="$3" 'NR == n { print line; print "" } { print }' "$1" \
		>"$1.new" && mv "$1.new" "$1"
}

# kernel_tree_wire KTREE STEP: hook steps 1..STEP into KTREE's Kconfig and
# Makefiles (idempotent).
kernel_tree_wire() {
	k=$1 step=$2
	append_after "$k/drivers/gpu/drm/Kconfig" 'source "drivers/gpu/drm/xen/Kconfig"' \
		'source "drivers/gpu/drm/xenlend/Kconfig"'
	append_after "$k/drivers/gpu/drm/Makefile" 'obj-$(CONFIG_DRM_XEN) += xen/' \
		'obj-$(CONFIG_DRM_XENLEND) += xenlend/'
	if [ "$step" -ge 2 ]; then
		append_after "$k/drivers/gpu/drm/Makefile" 'obj-$(CONFIG_DRM_XENLEND) += xenlend/' \
			'obj-$(CONFIG_DRM_XENLEND_KUNIT_TEST) += xenlend/'
	fi
	if [ "$step" -ge 3 ]; then
		insert_before "$k/drivers/xen/Kconfig" 'endmenu' 'source "drivers/xen/xenlend/Kconfig"'
		append_after "$k/drivers/xen/Makefile" 'obj-$(CONFIG_XEN_GNTDEV)		+= xen-gntdev.o' \
			'obj-$(CONFIG_XEN_XENLEND_HOST)	+= xenlend/'
	fi
}

# kernel_source_tarball: Debian's linux-source tarball in the tools root.
kernel_source_tarball() {
	t=$(ls "$XENLEND_CACHE"/tools/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
	[ -n "$t" ] || die "no Linux source in the tools root: run scripts/xen-env/setup.sh first"
	echo "$t"
}

# kernel_base_files TARBALL DIR: the tree's files the series changes,
# unpacked from Debian's linux-source TARBALL into DIR/files (cached).
kernel_base_files() {
	stamp="$(basename "$1") $(stat -c %s "$1") $(kernel_tree_paths)"
	[ "$(cat "$2/stamp" 2>/dev/null)" = "$stamp" ] && return 0
	rm -rf "$2"
	mkdir -p "$2/files"
	prefix=$(basename "$1" .tar.xz)
	# shellcheck disable=SC2046 # a list of paths
	tar -C "$2/files" --strip-components=1 -xf "$1" \
		$(for p in $(kernel_tree_paths); do echo "$prefix/$p"; done)
	echo "$stamp" >"$2/stamp"
}

# kernel_series_apply PATCHES BASE DEST: the series applied to a clean
# copy of the base files, as `git am` would to the whole tree.
kernel_series_apply() {
	rm -rf "$3"
	mkdir -p "$3"
	cp -r "$2/files/." "$3/"
	for p in "$1"/0*.patch; do
		case $p in */0000-*) continue ;; esac
		(cd "$3" && git apply --whitespace=error "$p") ||
			{ echo "kernel-tree: $(basename "$p") does not apply" >&2; return 1; }
	done
}

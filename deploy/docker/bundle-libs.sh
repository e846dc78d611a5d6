#!/usr/bin/env bash
# bundle-libs.sh DEST PROGRAM...: copies every shared library that the programs load (ldd,
# transitively) into DEST, except glibc's own (libc, libm, ld-linux...), which the target
# base provides. Used by the Dockerfile's build-cuda stage so that runtime-cuda needs no
# Debian packages; deploy/check/dockerfile_check.py runs it on the CPU build.
# Fails if ldd cannot resolve a library.
set -euo pipefail
dest=$1; shift
mkdir -p "$dest"
glibc='^(libc|libm|libdl|libpthread|librt|libresolv|libutil|ld-linux-x86-64|linux-vdso)\.so'
missing=$(ldd "$@" | grep 'not found' || true)
if [[ -n "$missing" ]]; then echo "bundle-libs: unresolved: $missing" >&2; exit 1; fi
ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | sort -u |
while read -r soname path; do
  [[ "$soname" =~ $glibc ]] && continue
  cp -L "$path" "$dest/$soname"
done
echo "bundle-libs: $(find "$dest" -maxdepth 1 -type f | wc -l) libraries in $dest"

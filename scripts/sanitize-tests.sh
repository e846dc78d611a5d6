#!/usr/bin/env bash
# make test-asan / make test-tsan: the test suite under a sanitizer, in a build folder of its
# own (docs/RELIABILITY.md, "Sanitizers").
#
#   scripts/sanitize-tests.sh asan|tsan [ctest arguments...]
#
# asan: AddressSanitizer + UndefinedBehaviorSanitizer over the whole suite (build-asan/).
#       Every program the tests start (bioner-server, -tool, -trainer, -client) is built
#       with them too, so a report in a child process fails the test that started it.
# tsan: ThreadSanitizer (build-tsan/) over the tests of the threaded parts: the batcher, the
#       server (reactors, registry, hot reload, shutdown), the client and the trainer daemon.
#
# Only the project's code is instrumented: LibTorch, gRPC, protobuf and OpenBLAS come from
# Debian as they are. What that means for each sanitizer, and the suppressions it needs, is
# in scripts/sanitizers/ and docs/RELIABILITY.md. Slow: a build of its own (about 40 min on
# 2 cores) and a suite 2-5x slower; not part of CI on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: scripts/sanitize-tests.sh asan|tsan [ctest arguments...]}
shift
here=$(pwd)
case "$mode" in
  asan)
    flags="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined"
    # vptr: LibTorch's classes cross into uninstrumented libraries without the type
    # information UBSan's vptr check needs (false reports on every c10 object).
    export ASAN_OPTIONS="detect_leaks=1:detect_odr_violation=0:abort_on_error=0:exitcode=86:strict_string_checks=1:check_initialization_order=1"
    export LSAN_OPTIONS="suppressions=$here/scripts/sanitizers/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    select=()
    ;;
  tsan)
    flags="-fsanitize=thread"
    export TSAN_OPTIONS="suppressions=$here/scripts/sanitizers/tsan.supp:halt_on_error=0:exitcode=66:second_deadlock_stack=1"
    select=(-R "Batcher|PlanBatch|Server|server_|Client|client_|TrainerDaemon|MetricsEndpoint|Registry|Reload")
    ;;
  *) echo "scripts/sanitize-tests.sh: unknown mode '$mode' (asan or tsan)" >&2; exit 2 ;;
esac
build="build-$mode"
jobs=${JOBS:-$(nproc)}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$build" -j "$jobs"
./scripts/run-tests.sh "$build" "${select[@]}" "$@"

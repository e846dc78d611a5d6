#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan over every layer
# they link), runs each in turn for FUZZ_SECONDS from its seeds and dictionary, and ends with
# one line per target: executions, exec/s, crashes (docs/RELIABILITY.md "Fuzzing").
#
#   scripts/fuzz.sh
# Environment:
#   FUZZ_SECONDS=60          run time per target
#   FUZZ_BUILD_DIR=build-fuzz  the clang build folder; it also keeps, per target, the corpus the
#                            fuzzer grew (fuzz-corpus/<target>, reused by the next run) and the
#                            inputs that crashed (fuzz-crashes/<target>)
#   FUZZ_TARGETS="jsonl wire"  a subset (default: every target of fuzz/CMakeLists.txt)
#   FUZZ_JOBS=1              build parallelism
#   FUZZ_FLAGS=              more libFuzzer flags, e.g. "-rss_limit_mb=4096"
#   CXX=clang++-14           the compiler (any clang with libFuzzer)
# One fuzzer runs at a time, as one process. Exit status 1 if any target crashed; a crashing
# input is fixed at its cause and then kept in fuzz/regressions/<target>/, which the normal
# test suite replays (fuzz_replay_<target>).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
CXX=${CXX:-clang++-14}
ALL_TARGETS="jsonl input_formats corpus_formats safetensors pytorch_bin model_folder wordpiece wire yaml_config"
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}

# -O1 -g as libFuzzer recommends: fast enough, and stack traces that name lines. The tests and
# benchmarks are not built here.
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DBIONER_FUZZ=ON -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" \
  -DBIONER_BUILD_TESTS=OFF -DBIONER_BUILD_BENCH=OFF >/dev/null
build_targets=()
for t in $TARGETS; do build_targets+=("${t}_fuzz"); done
cmake --build "$BUILD" -j "${FUZZ_JOBS:-1}" --target "${build_targets[@]}"

# The targets write their input files (fuzz/scratch_dir.h) under TMPDIR: a private folder, in
# memory where the machine has /dev/shm, removed at the end even after a crash.
scratch=$(mktemp -d "$( [[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/bioner-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
results="$BUILD/fuzz-results.tsv"
printf 'target\texecutions\texec_per_s\tcrashes\tseconds\n' >"$results"
failed=0
for t in $TARGETS; do
  corpus="$BUILD/fuzz-corpus/$t"
  crashes="$BUILD/fuzz-crashes/$t"
  log="$BUILD/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  dict=()
  [[ -f "$ROOT/fuzz/dicts/$t.dict" ]] && dict=("-dict=$ROOT/fuzz/dicts/$t.dict")
  before=$(find "$crashes" -type f | wc -l)
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s (log $log)"
  # The grown corpus comes first: libFuzzer adds new inputs to the first folder only, so the
  # committed seeds are read, never written.
  set +e
  TMPDIR="$scratch" "$BUILD/fuzz/${t}_fuzz" -max_total_time="$SECONDS_PER_TARGET" \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" \
    ${FUZZ_FLAGS:-} "$corpus" "$ROOT/fuzz/seeds/$t" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  found=$(( $(find "$crashes" -type f | wc -l) - before ))
  if [[ $rc -ne 0 && $found -eq 0 ]]; then found=1; fi  # died without leaving an input
  [[ $found -gt 0 ]] && failed=1
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-?}" "${rate:-?}" "$found" "$SECONDS_PER_TARGET" >>"$results"
done

echo
column -t -s $'\t' "$results"
echo "fuzz: crashing inputs are in $BUILD/fuzz-crashes/<target>/; results in $results"
exit $failed

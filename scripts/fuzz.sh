#!/usr/bin/env bash
# Coverage-guided fuzzing of the pure parsers with libFuzzer (docs/testing.md, "Fuzzing").
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     default: 20 s, every target
#
# Builds Fuzz/SuanliFuzz with -sanitize=fuzzer,address in .build-fuzz (only the pure modules
# it needs: SuanliCore, SuanliRegistry, SuanliScheduler, SuanliOrchestration,
# SuanliSimulation, Yams), then runs each target for the given time, seeded from
# Fuzz/corpus/TARGET. New inputs go to .build-fuzz/fuzz/corpus/TARGET (kept between runs);
# a crash, leak, timeout or out-of-memory input is saved under .build-fuzz/fuzz/findings/TARGET/
# and makes the script exit 1. Reproduce one without the fuzzer:
#   swift build --product suanli-fuzz && .build/debug/suanli-fuzz TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
all=(identifier timestamp json-bodies query swf task-file)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
scratch=.build-fuzz
out=$scratch/fuzz
binary=$scratch/debug/suanli-fuzz

start=$(date +%s)
echo "== fuzz: build (-sanitize=fuzzer,address) in $scratch"
# Progress and package-fetching lines and the linker's notes about ASan's local symbols are dropped; errors stay.
swift build --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --product suanli-fuzz 2>&1 |
  { grep -vE '^\[[0-9]+/[0-9]+\] |^(Fetching|Fetched|Computing|Computed|Creating working copy|Working copy) |Cannot export local symbol|swift-distributed-tracing' || true; }
echo "fuzz build took $(( $(date +%s) - start )) s"

failed=()
for target in "${targets[@]}"; do
  [ -d "Fuzz/corpus/$target" ] || { echo "unknown target $target (known: ${all[*]})"; exit 2; }
  mkdir -p "$out/corpus/$target" "$out/findings/$target"
  log=$out/$target.log
  status=0
  # -timeout: one input may take at most 10 s; -rss_limit_mb: the process at most 2 GiB;
  # -max_len: inputs up to 4 KiB (bodies and files larger than that only repeat structure).
  # SWIFT_BACKTRACE: the Swift runtime's crash backtracer reads memory that ASan reports;
  # libFuzzer's own handler reports a trap.
  SWIFT_BACKTRACE=enable=no SUANLI_FUZZ_TARGET=$target "$binary" "$out/corpus/$target" "Fuzz/corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$out/findings/$target/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 || true)
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "FAIL $target (exit $status) after ${runs:-?} runs; $cov"
    grep -E '^==[0-9]+==|ERROR: libFuzzer|Fatal error|invariant broken|SUMMARY|Test unit written|Base64' "$log" | head -20 || true
    echo "   full log: $log"
  else
    echo "ok   $target: ${runs:-?} runs in $seconds s; $cov"
  fi
done
echo "fuzzing took $(( $(date +%s) - start )) s in all"
if [ ${#failed[@]} -gt 0 ]; then
  echo "findings in: ${failed[*]} (inputs under $out/findings/)"
  exit 1
fi

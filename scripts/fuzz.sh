#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, the `fuzz` preset, build-fuzz/) and fuzzes each one
# for SECONDS (default 60), two at a time on a 2-core machine. Each run starts from the seed
# corpus and the regression inputs in tests/fuzz/ (so every past crash is replayed first) plus
# what earlier runs found; new inputs go to build-fuzz/fuzz-work/TARGET/new, never into the
# committed corpus (delete build-fuzz/fuzz-work to start afresh). Exits non-zero if any target
# crashed, leaked, timed out or ran out of memory, and prints where the crashing input is.
#   scripts/fuzz.sh [SECONDS]          e.g. scripts/fuzz.sh 600
# Other settings: FUZZ_TARGETS="model_file serve_config" (default: all), FUZZ_JOBS=2.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${FUZZ_JOBS:-2}"
targets=(${FUZZ_TARGETS:-model_file serve_request serve_config})
work=build-fuzz/fuzz-work
start=$(date +%s)

bash scripts/install-deps.sh clang || exit 1
source scripts/ccache-env.sh
cmake --preset fuzz >/dev/null || exit 1
cmake --build --preset fuzz || exit 1
built=$(date +%s)
echo "fuzz.sh: built in $((built - start)) s; fuzzing ${targets[*]} for ${seconds} s each, ${jobs} at a time"

fuzz_one() {
    local target=$1 dir=$work/$1
    mkdir -p "$dir/new" "$dir/artifacts"
    local extra=()
    [ -f "tests/fuzz/$target.dict" ] && extra+=("-dict=tests/fuzz/$target.dict")
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build-fuzz/tests/fuzz/fuzz_$target" "${extra[@]}" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
        "$dir/new" "tests/fuzz/corpus/$target" "tests/fuzz/regressions/$target" >"$dir/log" 2>&1
    echo $? >"$dir/rc"
}

# Two at a time: start one whenever fewer than $jobs are running.
for target in "${targets[@]}"; do
    rm -f "$work/$target/rc"
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    fuzz_one "$target" &
done
wait

failed=0
for target in "${targets[@]}"; do
    dir=$work/$target
    rc=$(cat "$dir/rc" 2>/dev/null || echo missing)
    stats=$(grep -E '^#[0-9]+.*DONE' "$dir/log" | tail -1)
    execs=$(grep -oP 'stat::number_of_executed_units: \K[0-9]+' "$dir/log" | tail -1)
    rate=$(grep -oP 'stat::average_exec_per_sec:\s+\K[0-9]+' "$dir/log" | tail -1)
    if [ "$rc" = "0" ]; then
        echo "fuzz.sh: $target ok: ${execs:-?} runs, ${rate:-?} exec/s; ${stats:-see $dir/log}"
    else
        failed=1
        echo "fuzz.sh: $target FAILED (exit $rc); log: $dir/log"
        grep -E 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:|fuzz_[a-z_]+: |==ERROR' "$dir/log" | head -5 | sed 's/^/    /'
        grep -E 'Test unit written to|artifact_prefix' "$dir/log" | sed 's/^/    /'
        echo "    reproduce: build-fuzz/tests/fuzz/fuzz_$target CRASH_FILE; keep it as tests/fuzz/regressions/$target/NAME"
    fi
done
echo "fuzz.sh: total $(( $(date +%s) - start )) s"
exit $failed

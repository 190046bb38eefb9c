#!/usr/bin/env bash
# Sanitizer builds of the C++ suite (CMakePresets.json): configure, build (-j2) and run ctest.
#   scripts/sanitize.sh [asan|tsan|all]      (default: all)
#   asan  gcc, -fsanitize=address -fno-sanitize-recover=all, -O1 -g1 (at -O2 -g the instrumented
#         build took twice as long; with UBSan as well, 1.7 times as long: UBSan runs in the
#         fuzz build), build-asan/: every C++
#         doctest case (core, algorithms), the fuzz corpus replays, and linfa-serve under its
#         Python, Prometheus and raw HTTP/2 client tests; not the consumer projects (they build
#         linfa in a separate project without the sanitizers), nor the examples, the fingerprint
#         programs and the serve_cpp_* suites (the normal build runs them). Without
#         detect_stack_use_after_return: with -march=native on an AVX-512 machine (an AMD
#         EPYC), gcc 12's fake stack made the suite crash inside Eigen's LLT and
#         tridiagonalisation (a garbage pointer; apparently Eigen's 64-byte-aligned stack
#         objects), already at 2177346; the same tests pass with it at -march=x86-64-v3, and
#         without it at native.
#   tsan  clang 14 + LLVM's libomp, -fsanitize=thread, build-tsan/: the same tests with 4
#         OpenMP threads (some K-Means cases also switch between 1-4 themselves, the
#         determinism cases of the suite run 1-4); it builds only the doctest suite (linfa_tests):
#         not the examples, the fuzz replays (one thread), the fingerprint programs (the normal
#         build runs them) or linfa-serve (see the tsan test preset); at -O1 -g1. libomp is not built with TSan; its Archer tool (OMP_TOOL_LIBRARIES, set by
#         the test preset) tells TSan about OpenMP's synchronisation, so nothing about OpenMP
#         is suppressed. gcc's libgomp has no such tool, hence clang for this build. The other
#         uninstrumented libraries (grpc, protobuf, abseil) are handled by TSan's
#         ignore_noninstrumented_modules=1; linfa's own code is never suppressed.
# The Python extension and its pytest suite are not part of these builds (LINFA_BUILD_PYTHON=OFF),
# nor are the benchmarks. Exits non-zero on any build failure or test failure, which includes
# every sanitizer report (they abort the process: -fno-sanitize-recover, halt_on_error=1).
set -uo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
case "$which" in
    asan) presets=(asan) ;;
    tsan) presets=(tsan) ;;
    all) presets=(asan tsan) ;;
    *) echo "usage: $0 [asan|tsan|all]" >&2; exit 2 ;;
esac

bash scripts/install-deps.sh clang || exit 1
source scripts/ccache-env.sh
failed=0
summary=()
for preset in "${presets[@]}"; do
    t0=$(date +%s)
    if cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset"; then
        t1=$(date +%s)
        ctest --preset "$preset"
        rc=$?
        t2=$(date +%s)
        summary+=("$preset: build $((t1 - t0)) s, tests $((t2 - t1)) s, ctest exit $rc")
    else
        rc=1
        summary+=("$preset: BUILD FAILED after $(( $(date +%s) - t0 )) s")
    fi
    [ "$rc" -eq 0 ] || failed=1
done
printf 'sanitize.sh: %s\n' "${summary[@]}"
exit $failed

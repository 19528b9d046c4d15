#!/usr/bin/env bash
# CI smoke test of the benchmark suite, so that it cannot rot: runs every
# strata workload of tools/bench/suite/run.sh on 1 MB inputs (and the EWT
# treebank when ../shared/data has it), once, without the peers and without
# the network, and fails unless results.json has every expected figure and
# every export round trip is byte-identical. Debug binaries (the ones the
# tests build) unless STRATA_BENCH_SMOKE_PROFILE=release. Writes only under
# $CARGO_TARGET_DIR (default target/): bench-data/quick, bench-results/quick.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "${STRATA_BENCH_SMOKE_PROFILE:-debug}" = release ]; then
    exec "$here/run.sh" --quick
fi
exec "$here/run.sh" --quick --debug

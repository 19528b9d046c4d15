#!/usr/bin/env bash
# The strata benchmark suite: strata and its peers side by side, in one run.
#
#   tools/bench/suite/run.sh                     full run: sizes 10, 100 and 1000 MB, peers, report
#   tools/bench/suite/run.sh --sizes 10,100      other generated sizes (MB)
#   tools/bench/suite/run.sh --reps 5            repetitions of each timing (default 3)
#   tools/bench/suite/run.sh --quick             smoke mode (CI): strata side only, 1 MB inputs,
#                                                no network, checks that every figure is there
#   tools/bench/suite/run.sh --quick --debug     the same with debug binaries (quicker to build; CI: smoke.sh)
#   tools/bench/suite/run.sh --report-only       BENCHMARKS.md and plots again from the last results
#
# It builds the release binaries (strata, strata-suite), makes a virtual
# environment with the peers from PyPI (spaCy, pyarrow, conllu, matplotlib)
# in $TARGET/bench-venv, generates the inputs in $TARGET/bench-data (seeded:
# the same bytes on every machine), runs every workload and writes
# $TARGET/bench-results/results.json, the plots in docs/bench/ and
# BENCHMARKS.md. $TARGET is $CARGO_TARGET_DIR, or target/ of the workspace.
# The UD English EWT dev treebank is used when ../shared/data has it (or
# give STRATA_BENCH_EWT=FILE).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"

quick=0
debug=0
report_only=0
sizes="10,100,1000"
reps=3
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --debug) debug=1 ;;
        --report-only) report_only=1 ;;
        --sizes) sizes="$2"; shift ;;
        --sizes=*) sizes="${1#--sizes=}" ;;
        --reps) reps="$2"; shift ;;
        --reps=*) reps="${1#--reps=}" ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
bin="$target/release"
if [ "$debug" = 1 ]; then
    [ "$quick" = 1 ] || { echo "run.sh: --debug is for --quick only (debug timings mean nothing)" >&2; exit 2; }
    bin="$target/debug"
fi
work="$target/bench-data"
results="$target/bench-results"
venv="$target/bench-venv"
mkdir -p "$work" "$results"

ewt="${STRATA_BENCH_EWT:-}"
if [ -z "$ewt" ]; then
    for f in "$root/../shared/data/en_ewt-ud-dev.conllu" "$root/../../shared/data/en_ewt-ud-dev.conllu"; do
        if [ -f "$f" ]; then ewt="$f"; break; fi
    done
fi

if [ "$report_only" = 1 ]; then
    exec "$venv/bin/python" "$here/suite.py" --report-only --results "$results" --python "$venv/bin/python"
fi

if [ "$debug" = 1 ]; then
    echo "== building debug binaries (target: $target)" >&2
    cargo build --quiet -p strata-cli -p strata-bench --bins
else
    echo "== building release binaries (target: $target)" >&2
    cargo build --release --quiet -p strata-cli -p strata-bench --bins
fi

for tool in gzip zstd cat wc; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done

if [ "$quick" = 1 ]; then
    # Smoke mode: no peers, no network; one small size, one repetition.
    exec python3 "$here/suite.py" --quick --bin "$bin" --work "$work/quick" --results "$results" \
        ${ewt:+--ewt "$ewt"} --sizes 1 --reps 1
fi

echo "== peers: virtual environment $venv" >&2
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import spacy, pyarrow, conllu, matplotlib' 2>/dev/null; then
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet spacy pyarrow conllu matplotlib
fi

echo "== running the suite (sizes $sizes MB, $reps repetitions)" >&2
exec "$venv/bin/python" "$here/suite.py" --bin "$bin" --work "$work" --results "$results" \
    --python "$venv/bin/python" ${ewt:+--ewt "$ewt"} --sizes "$sizes" --reps "$reps"

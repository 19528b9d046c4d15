#!/usr/bin/env bash
# Runs every fuzz target for a fixed time (default 600 s each) and keeps
# what it finds under tools/fuzz/artifacts/. Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1
# unlocks the sanitizer flags it uses.
#
#   tools/fuzz/run.sh            # every target, 600 s each
#   tools/fuzz/run.sh 60 sgml    # one target, 60 s
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tagged sgml reader jsonl conllu conllu_paths brat)
export RUSTC_BOOTSTRAP=1
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  # Seed each corpus from the repository's fixtures.
  case $t in
    tagged) cp ../../tests/data/tagged/*.txt "corpus/$t/" 2>/dev/null || true ;;
    sgml) cp ../../tests/data/sgml/* "corpus/$t/" 2>/dev/null || true ;;
    reader) cp ../../spec/vectors/*.strata "corpus/$t/" 2>/dev/null || true ;;
    jsonl) split -l 1 ../../examples/news.jsonl "corpus/$t/line-" 2>/dev/null || true ;;
    conllu) cp ../../crates/strata-conllu/tests/data/*.conllu "corpus/$t/" 2>/dev/null || true ;;
    conllu_paths)
      # The first byte chooses the chunk size and the hand-overs.
      for f in ../../crates/strata-conllu/tests/data/*.conllu; do
        for knobs in 00 03 a5; do
          { printf "\\x$knobs"; cat "$f"; } >"corpus/$t/$(basename "$f" .conllu)-$knobs"
        done
      done ;;
    brat)
      # A pair as one input: the .txt, a NUL byte, the .ann.
      for ann in ../../crates/strata-brat/tests/data/*.ann; do
        { cat "${ann%.ann}.txt" 2>/dev/null; printf '\0'; cat "$ann"; } >"corpus/$t/$(basename "$ann" .ann)"
      done ;;
  esac
  echo "== $t for $seconds s"
  cargo fuzz run --fuzz-dir . "$t" "corpus/$t" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 | tail -n 25
done

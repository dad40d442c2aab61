#!/usr/bin/env bash
# Runs the same fuzz campaign at two revisions and compares their cases.avro record by record
# (dev.vblk.fuzz.results.CaseComparison): every case's verdict, invariants, findings, platform calls
# and coverage. Shows that a change to the oracle or the driver leaves every case's judgement alone.
#
#   fuzz/compare-campaigns.sh REV_A REV_B [WORK_FOLDER]
#
# Each revision is exported (git archive) into WORK_FOLDER (default: a new folder under /tmp), built
# there without tests and run with `vblk fuzz --seed $SEED --iterations $CASES --threads 1`
# (SEED=7 and CASES=50000 unless set). Exit status 0 when the files are equal, 1 when they differ,
# 2 on bad input.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: fuzz/compare-campaigns.sh REV_A REV_B [WORK_FOLDER]" >&2
  exit 2
fi
seed="${SEED:-7}"
cases="${CASES:-50000}"
work="${3:-$(mktemp -d /tmp/vblk-compare.XXXXXX)}"
mkdir -p "$work"

run_at() {
  local rev="$1" name="$2"
  local commit
  if ! commit="$(git -C "$root" rev-parse --verify --quiet "$rev^{commit}")"; then
    echo "compare-campaigns: no such revision: $rev" >&2
    exit 2
  fi
  local tree="$work/$name-src"
  rm -rf "$tree" "$work/$name"
  mkdir -p "$tree"
  git -C "$root" archive "$commit" | tar -x -C "$tree"
  echo "$name: $rev ($commit), building..." >&2
  (cd "$tree" && mvn -B -q -pl cli -am package -DskipTests >"$work/$name-build.log" 2>&1) || {
    echo "compare-campaigns: the build of $rev failed (log: $work/$name-build.log)" >&2
    exit 2
  }
  echo "$name: vblk fuzz --seed $seed --iterations $cases --threads 1" >&2
  "$tree/vblk" fuzz --seed "$seed" --iterations "$cases" --threads 1 --out "$work/$name" >"$work/$name.log" 2>&1 || true
  tail -n 3 "$work/$name.log" >&2
}

run_at "$1" a
run_at "$2" b
"$root/vblk" --version >/dev/null
java -cp "$root/cli/target/vblk.jar" dev.vblk.fuzz.results.CaseComparison "$work/a/cases.avro" "$work/b/cases.avro"

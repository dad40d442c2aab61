#!/usr/bin/env bash
# Measures the generated campaign (vblk fuzz) against coverage-guided fuzzing (fuzz/guided.sh) in equal
# time on one core: the driver's branch coverage (JaCoCo) and the findings of each.
#
#   fuzz/compare-coverage.sh [--seconds N] [--cpu C] [--out DIR]
#
# Runs one after the other, each pinned to CPU C (taskset), each with the JaCoCo agent; prints a
# line per side and keeps the execution data, the JaCoCo CSV reports and both logs in DIR
# (default fuzz/target/coverage-comparison). See docs/fuzzing.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage="usage: fuzz/compare-coverage.sh [--seconds N] [--cpu C] [--out DIR]"

seconds=300
cpu=0
out="$root/fuzz/target/coverage-comparison"
while (($#)); do
  case "$1" in
    --seconds) seconds="${2:-}"; shift $(($# > 1 ? 2 : 1)) ;;
    --cpu) cpu="${2:-}"; shift $(($# > 1 ? 2 : 1)) ;;
    --out) out="${2:-}"; shift $(($# > 1 ? 2 : 1)) ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "compare-coverage.sh: unknown argument '$1' ($usage)" >&2; exit 2 ;;
  esac
done
if [[ ! "$seconds" =~ ^[1-9][0-9]*$ || ! "$cpu" =~ ^[0-9]+$ ]]; then
  echo "compare-coverage.sh: --seconds takes a whole number above 0 and --cpu a CPU number ($usage)" >&2
  exit 2
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# JaCoCo's agent and command line, at the version the root pom names.
jacoco="$(sed -n 's:.*<jacoco.version>\(.*\)</jacoco.version>.*:\1:p' "$root/pom.xml")"
for artifact in "org.jacoco.agent:$jacoco:jar:runtime" "org.jacoco.cli:$jacoco:jar:nodeps"; do
  (cd "$root" && mvn -B -q dependency:copy -Dartifact="org.jacoco:$artifact" -DoutputDirectory="$out" \
    -Dmdep.stripVersion=true >/dev/null)
done
agent() { echo "-javaagent:$out/org.jacoco.agent-runtime.jar=destfile=$out/$1.exec,append=false,includes=dev.vblk.*"; }

# The command line built before its clock starts (guided.sh builds before Jazzer's); the guided run
# starts from the committed inputs alone, not from the corpus of earlier runs.
"$root/vblk" --version >/dev/null
rm -rf "$root/fuzz/.cifuzz-corpus/dev.vblk.fuzz.guided.ScenarioFuzzTest/scenarios"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
JAVA_TOOL_OPTIONS="$(agent generated)" taskset -c "$cpu" "$root/vblk" fuzz --seed 1 --threads 1 \
  --duration "${seconds}s" --out "$out/generated" >"$out/generated.log" 2>&1 || true
echo "load after the generated campaign: $(cut -d' ' -f1-3 /proc/loadavg)"
GUIDED_JVM_OPTS="$(agent guided)" taskset -c "$cpu" "$root/fuzz/guided.sh" --seconds "$seconds" \
  >"$out/guided.log" 2>&1 || true
echo "load after the guided run: $(cut -d' ' -f1-3 /proc/loadavg)"

# Branch coverage of the packages named, and of the whole driver module.
report() {
  java -jar "$out/org.jacoco.cli-nodeps.jar" report "$out/$1.exec" --classfiles "$root/driver/target/classes" \
    --csv "$out/$1.csv" >/dev/null
  awk -F, -v side="$1" 'NR > 1 {
      total += $6 + $7; covered += $7
      if ($2 ~ /^dev\.vblk\.(virtio(\..*)?|dma|discovery|pci)$/) { ntotal += $6 + $7; ncovered += $7 }
    } END {
      printf "%s: branch coverage %d / %d (%.1f %%) of dev.vblk.virtio.*, dma, discovery, pci; %d / %d (%.1f %%) of the driver module\n",
        side, ncovered, ntotal, 100 * ncovered / ntotal, covered, total, 100 * covered / total
    }' "$out/$1.csv"
}
report generated
grep -E '^[0-9,]+ cases in|failed' "$out/generated.log" | head -3
report guided
grep -E '^Done [0-9]+ runs|^== Java Exception|DEDUP_TOKEN' "$out/guided.log" | head -3

#!/usr/bin/env bash
# Fuzzes the driver with coverage guidance (Jazzer, libFuzzer's engine on the JVM) for a while:
#
#   fuzz/guided.sh [--seconds N] [--target scenarios|traceMutations] [--keep]
#
# The target (dev.vblk.fuzz.guided) builds a hostile-device scenario, or a change to a golden trace,
# from the fuzzer's bytes and fails when the oracle finds a violated invariant; the driver's classes
# are instrumented for coverage. Inputs that reach new coverage collect in fuzz/.cifuzz-corpus/; a
# failing input is written into the target's inputs folder under fuzz/src/test/resources, where every
# build replays it. --keep then merges the corpus inputs that add coverage into that folder too, to be
# committed. The exit status is Jazzer's (0: nothing found in the time). JVM options (a JaCoCo
# agent, say) come from GUIDED_JVM_OPTS. See docs/fuzzing.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage="usage: fuzz/guided.sh [--seconds N] [--target scenarios|traceMutations] [--keep]"

seconds=300
target=scenarios
keep=0
while (($#)); do
  case "$1" in
    --seconds) seconds="${2:-}"; shift $(($# > 1 ? 2 : 1)) ;;
    --target) target="${2:-}"; shift $(($# > 1 ? 2 : 1)) ;;
    --keep) keep=1; shift ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "guided.sh: unknown argument '$1' ($usage)" >&2; exit 2 ;;
  esac
done
if [[ ! "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "guided.sh: --seconds takes a whole number of seconds above 0, not '$seconds'" >&2
  exit 2
fi
case "$target" in
  scenarios) class=ScenarioFuzzTest ;;
  traceMutations) class=TraceMutationFuzzTest ;;
  *) echo "guided.sh: unknown target '$target' (scenarios or traceMutations)" >&2; exit 2 ;;
esac

inputs="$root/fuzz/src/test/resources/dev/vblk/fuzz/guided/${class}Inputs/$target"
work="$root/fuzz/.cifuzz-corpus/dev.vblk.fuzz.guided.$class"
corpus="$work/$target"
mkdir -p "$inputs" "$corpus"

log="$(mktemp)"
if ! (cd "$root" && mvn -B -q -pl fuzz -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/guided.classpath >"$log" 2>&1); then
  grep -E '\[ERROR\]|error:' "$log" >&2 || cat "$log" >&2
  rm -f "$log"
  echo "guided.sh: the build failed (cd $root && mvn -B -pl fuzz -am test-compile)" >&2
  exit 5
fi
rm -f "$log"
classpath="$root/fuzz/target/test-classes:$root/fuzz/target/classes:$(cat "$root/fuzz/target/guided.classpath")"

# The driver module's packages: the coverage that guides the fuzzer.
driver='dev.vblk.block.**:dev.vblk.discovery.**:dev.vblk.dma.**:dev.vblk.pci.**:dev.vblk.platform.**:dev.vblk.virtio.**'
jazzer() {
  # From fuzz/, where the trace target finds the golden traces upwards; builds replay the inputs
  # without hooks (junit-platform.properties), fuzzing needs them.
  (cd "$root/fuzz" && java ${GUIDED_JVM_OPTS:-} -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
    --target_class="dev.vblk.fuzz.guided.$class" --target_method="$target" --hooks=true \
    --instrumentation_includes="$driver" --reproducer_path="$work" "$@")
}

status=0
jazzer -max_total_time="$seconds" -artifact_prefix="$inputs/" "$corpus" || status=$?
if ((keep)); then
  # After a finding too: the corpus gathered up to it is as good. Without counters an input is kept
  # for an edge the kept ones miss, not for a new hit count: few inputs, so builds replay them fast.
  jazzer -merge=1 -use_counters=0 "$inputs" "$corpus"
fi
exit "$status"

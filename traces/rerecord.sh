#!/bin/sh
# Records the golden traces again on QEMU, replacing the files in this directory.
#   traces/rerecord.sh                          all of them
#   traces/rerecord.sh --only io-error,discovery  some of them
# Needs Java 17+, Maven 3.8+ and qemu-system-aarch64 (or VBLK_QEMU naming it).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mvn -B -q -pl cli -am package -DskipTests
exec java -cp "cli/target/classes:$(cat cli/target/classpath.txt)" dev.vblk.harness.GoldenTraces "$@" traces

#!/usr/bin/env bash
# Runs one benchmark harness: bench/run.sh <MainClass simple name under io.veil.bench> [args...]
# Builds what it needs first; results print to stdout (copy them into docs/benchmarks.md).
# BENCH_JAVA_OPTS adds JVM options to the harness (e.g. -DpauseMs=8000 for jobs.JobBench).
set -euo pipefail
cd "$(dirname "$0")/.."
# Packages this work tree's modules and resolves them from the reactor (their target/ jars), so a run
# measures this checkout and never installs into or reads Veil snapshots from ~/.m2.
mvn -B -q -ntp -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
CP="bench/target/classes:$(cat bench/target/classpath.txt)"
main="$1"; shift
exec java -Xmx8g ${BENCH_JAVA_OPTS:-} -cp "$CP" "io.veil.bench.$main" "$@"

#!/usr/bin/env bash
# Runs one benchmark harness: bench/run.sh <MainClass simple name under io.veil.bench> [args...]
# Builds what it needs first; results print to stdout (copy them into docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl bench -am install -DskipTests
mvn -B -q -ntp -pl bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="bench/target/classes:$(cat bench/target/classpath.txt)"
main="$1"; shift
exec java -Xmx8g -cp "$CP" "io.veil.bench.$main" "$@"

#!/usr/bin/env bash
# The long checks that mvn verify leaves out to stay under 10 minutes: SoakIT, 10,000 jobs through a real broker,
# two workers and the aggregator, with the heap measured after a full GC at 2,000 and 9,000 results (it must stay flat).
# About a minute on 2 cores, after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q install -DskipTests
mvn -B -ntp verify -pl cli -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SoakIT

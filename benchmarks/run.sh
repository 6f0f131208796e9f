#!/usr/bin/env bash
# Runs the coordinator-overhead benchmark (Assent, Narayana, Atomikos, Geronimo, one JMH fork per
# manager and thread count) and the fsync physical limit, then writes the report:
#
#   benchmarks/results/<date>/results.csv     manager, threads, median ops/s, error, ratio to the best peer
#   benchmarks/results/<date>/results.md      the table, the machine (cores, JDK, disk), the fsync limit
#   benchmarks/results/<date>/throughput.png  throughput against threads, one line per manager
#   benchmarks/results/<date>/raw/*.json      JMH's own output, one file per thread count
#
# Usage: benchmarks/run.sh [--quick] [--managers id,id,...]
#   --quick     threads 1, 16, 64; 1 s iterations (about 3-4 minutes on 2 cores)
#               (default: threads 1, 4, 16, 64, 256; 3 x 5 s warm-up, 5 x 5 s measured; about 25 minutes)
#   --managers  only these managers (ids: assent-file assent-memory narayana-shadow narayana-journal
#               atomikos geronimo-howl)
# A second run on the same day replaces that day's results. The JMH console log goes to
# benchmarks/target/jmh-<date>.log; the managers' logs live in benchmarks/target/bench-data while
# they run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

usage() {
    sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

mode=full
managers=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) mode=quick ;;
        --managers)
            [[ $# -ge 2 ]] || { echo "--managers needs a list" >&2; exit 2; }
            managers="$2"
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

if [[ "$mode" == quick ]]; then
    threads=(1 16 64)
    coordinator_iterations=(-wi 1 -w 1s -i 3 -r 1s -f 1)
    fsync_iterations=(-wi 1 -w 1s -i 3 -r 1s -f 1)
else
    threads=(1 4 16 64 256)
    coordinator_iterations=() # the annotations: 3 x 5 s warm-up, 5 x 5 s measured, 1 fork
    fsync_iterations=()
fi
manager_param=()
if [[ -n "$managers" ]]; then
    manager_param=(-p "manager=$managers")
fi

java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
    java_bin="$JAVA_HOME/bin/java"
fi

echo "== building the benchmarks jar"
# -am builds tm-core from this tree; tests are neither compiled nor run (CI runs the smoke tests).
(cd "$root" && mvn -B -q package -Dmaven.test.skip=true -pl benchmarks -am)
jar="$here/target/benchmarks.jar"

date="$(date +%Y-%m-%d)"
out="$here/results/$date"
raw="$out/raw"
data="$here/target/bench-data"
log="$here/target/jmh-$date.log"
rm -rf "$out" "$data"
mkdir -p "$raw" "$data"
: >"$log"

jmh() {
    "$java_bin" "-Dassent.bench.dir=$data" -jar "$jar" "$@" 2>&1 | tee -a "$log"
}

for t in "${threads[@]}"; do
    echo "== coordinator overhead, $t thread(s)"
    jmh 'CoordinatorOverheadBenchmark' -t "$t" "${coordinator_iterations[@]}" "${manager_param[@]}" \
        -rf json -rff "$raw/coordinator-t$t.json"
done

echo "== fsync physical limit, one writer"
jmh 'FsyncBenchmark' -t 1 "${fsync_iterations[@]}" -rf json -rff "$raw/fsync.json"

echo "== report"
"$java_bin" -cp "$jar" dev.assent.bench.report.ReportMain \
    --out "$out" --data-dir "$data" --title "$date, $mode run" "$raw"/*.json
if grep -q '<failure>' "$log"; then
    echo "note: some benchmarks failed (see $log); the report lists the managers without a result"
fi

#!/usr/bin/env bash
# Runs the coordinator-overhead benchmark (Assent, Narayana, Atomikos, Geronimo, one JMH fork per
# manager and thread count), the fsync physical limit and (full run) the recovery-time benchmark,
# then writes the report:
#
#   benchmarks/results/<date>/results.csv     manager, threads, median ops/s, error, ratio to the best peer
#   benchmarks/results/<date>/results.md      the table, the machine (cores, JDK, disk), the fsync limit,
#                                             the recovery times
#   benchmarks/results/<date>/throughput.png  throughput against threads, one line per manager
#   benchmarks/results/<date>/recovery.csv    time to recover 10,000 in-doubt transactions, per run and median
#   benchmarks/results/<date>/raw/*.json      JMH's own output, one file per thread count
#   benchmarks/results/<date>/e2e.csv, e2e.png end to end: transfers between two embedded PostgreSQL
#                                             servers, throughput and p50/p99 latency per system
#   benchmarks/results/<date>/*-machine.txt   the machine beside each CSV (cores, JDK, OS, disk, load
#                                             average at the start and end of that run)
#
# Usage: benchmarks/run.sh [--quick | --recovery] [--e2e] [--managers id,id,...]
#   --quick     threads 1, 16, 64; 1 s iterations (about 3-4 minutes on 2 cores); no recovery benchmark
#               (default: threads 1, 4, 16, 64, 256; 3 x 5 s warm-up, 5 x 5 s measured; then the
#               recovery benchmark; about 35 minutes)
#   --recovery  only the recovery benchmark (about 10 minutes): 10,000 in-doubt two-branch transactions
#               left by a crashed JVM, recovered in a fresh one, 3 runs per manager and resource commit
#               mode; writes recovery.csv and the recovery section of the day's results.md, keeping
#               the rest of that day's results
#   --e2e       only the end-to-end benchmark (about 8 minutes; with --quick about 3): Assent, Narayana +
#               Agroal, Atomikos and raw XA transferring between two embedded PostgreSQL servers, threads
#               1, 8, 32, one JVM each; writes e2e.csv, e2e.png and the end-to-end section of the day's
#               results.md, keeping the rest (the full and quick runs include it too)
#   --managers  only these managers (ids: assent-file assent-memory narayana-shadow narayana-journal
#               atomikos geronimo-howl; the recovery benchmark knows assent-file narayana-journal
#               narayana-shadow and skips the others)
# A second run on the same day replaces that day's results. The JMH console log goes to
# benchmarks/target/jmh-<date>.log, the recovery benchmark's to benchmarks/target/recovery-<date>.log;
# the managers' logs live in benchmarks/target/bench-data while they run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

usage() {
    sed -n '2,34p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

mode=full
e2e_only=0
managers=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) mode=quick ;;
        --recovery) mode=recovery ;;
        --e2e) e2e_only=1 ;;
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
recovery_managers=()
if [[ -n "$managers" ]]; then
    manager_param=(-p "manager=$managers")
    # The recovery benchmark covers the managers with a recovery to time; the others are skipped.
    recovery_list=""
    IFS=',' read -ra requested <<<"$managers"
    for m in "${requested[@]}"; do
        case "$m" in
            assent-file | narayana-journal | narayana-shadow) recovery_list="${recovery_list:+$recovery_list,}$m" ;;
        esac
    done
    if [[ -n "$recovery_list" ]]; then
        recovery_managers=(--managers "$recovery_list")
    elif [[ "$mode" != quick ]]; then
        echo "note: none of these managers has a recovery benchmark; skipping it" >&2
        recovery_managers=(--none)
    fi
fi

java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
    java_bin="$JAVA_HOME/bin/java"
fi

echo "== building the benchmarks jar"
# -am builds tm-core from this tree; tests are neither compiled nor run (CI runs the smoke tests).
# The module is in the build only with its profile (the library's own build leaves it out);
# -DskipTests as well, because the modules' test-only database binaries are left out only with it.
(cd "$root" && mvn -B -q package -Dmaven.test.skip=true -DskipTests -P benchmarks -pl benchmarks -am)
jar="$here/target/benchmarks.jar"

date="$(date +%Y-%m-%d)"
# The report records the load average at the start of the run beside the one at its end.
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null | sed 's/ /, /g' || true)"
out="$here/results/$date"
raw="$out/raw"
data="$here/target/bench-data"
log="$here/target/jmh-$date.log"
recovery_log="$here/target/recovery-$date.log"

recovery() {
    if [[ "${recovery_managers[0]:-}" == --none ]]; then
        return
    fi
    echo "== recovery time: 10,000 in-doubt transactions after a crash, 3 runs per manager and mode"
    : >"$recovery_log"
    "$java_bin" "-Dassent.bench.dir=$data" -cp "$jar" dev.assent.bench.recovery.RecoveryTimeBenchmark \
        --out "$out" --title "$date, recovery" "${recovery_managers[@]}" 2>&1 | tee -a "$recovery_log"
}

# End to end: transfers over two embedded PostgreSQL servers, Assent, Narayana + Agroal, Atomikos and
# raw XA, one JVM each (dev.assent.bench.e2e.TransferBenchmark); e2e.csv, e2e.png, its results.md section.
if [[ "$mode" == quick ]]; then
    e2e_settings=(--threads 1,8,32 --warmup 2 --measure 5)
else
    e2e_settings=(--threads 1,8,32 --warmup 5 --measure 20)
fi
e2e_log="$here/target/e2e-$date.log"
e2e() {
    echo "== end to end: transfers over two PostgreSQL databases, threads 1, 8, 32"
    : >"$e2e_log"
    "$java_bin" "-Dassent.bench.dir=$data" -cp "$jar" dev.assent.bench.e2e.TransferBenchmark \
        --out "$out" --title "$date, $mode run" "${e2e_settings[@]}" 2>&1 | tee -a "$e2e_log"
}

if [[ "$e2e_only" == 1 ]]; then
    # Only the end-to-end figures: the day's other results stay.
    rm -rf "$data"
    mkdir -p "$out" "$data"
    e2e
    exit 0
fi

if [[ "$mode" == recovery ]]; then
    # Only the recovery figures: the day's other results stay.
    rm -rf "$data"
    mkdir -p "$out" "$data"
    recovery
    exit 0
fi

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

if [[ "$mode" == full ]]; then
    # A failed recovery round must not cost the coordinator report: say so and go on.
    recovery || echo "note: the recovery benchmark failed (see $recovery_log); the report has what it measured"
fi

# Before the report, which puts the end-to-end section (from e2e.csv) into the new results.md.
e2e || echo "note: the end-to-end benchmark failed (see $e2e_log); the report has what it measured"

echo "== report"
"$java_bin" -cp "$jar" dev.assent.bench.report.ReportMain \
    --out "$out" --data-dir "$data" --title "$date, $mode run" --load-at-start "${load_at_start:-unknown}" \
    "$raw"/*.json
if grep -q '<failure>' "$log"; then
    echo "note: some benchmarks failed (see $log); the report lists the managers without a result"
fi

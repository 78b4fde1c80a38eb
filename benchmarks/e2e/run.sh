#!/usr/bin/env bash
# End-to-end file -> file benchmark of redactd:
#   benchmarks/e2e/run.sh
# Builds the jars if needed, generates the full-catalog corpus (BENCH_MB, default 500 MB, cached in BENCH_WORK,
# default /tmp/redactd-bench), and runs
#   REDACTD_JAR=daemon/target/redactd.jar sh packaging/src/deb/redactd run --config config-examples/file-to-file.yaml
# (the packaged launcher: its heap bound, collector and REDACTD_JAVA_OPTS apply as for users)
# with REDACTD_INPUT/OUTPUT/STATE/ADMIN_PORT set, BENCH_REPEATS times (default 3). Each run reports MB/s, lines/s,
# CPU seconds and peak RSS (see lib.sh). Then (BENCH_SCALING=1, the default) the scaling matrix: 1 and 2 detection
# workers x 5, 11 (format-identified) and 17 (all) PHI types, and the shipped config with fsync: never, on
# BENCH_SCALING_MB (default: BENCH_MB) of the same corpus.
# Results: benchmarks/results/e2e.csv, e2e-correctness.csv, scaling.csv; summary and charts by
# benchmarks/charts/report.py.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

MB="${BENCH_MB:-500}"
REPEATS="${BENCH_REPEATS:-3}"
SCALING="${BENCH_SCALING:-1}"
TYPES_5="SSN,CREDIT_CARD,EMAIL,PHONE,IPV4"
TYPES_11="SSN,CREDIT_CARD,EMAIL,PHONE,IPV4,IPV6,NPI,DEA,MBI,IBAN,VIN"

mkdir -p "$BENCH_WORK/cfg" "$BENCH_RESULTS"
build_jars
CORPUS="$(ensure_corpus full "$MB")"
CONFIG="$BENCH_ROOT/config-examples/file-to-file.yaml"

# check_full LABEL: per type, [REDACTED:TYPE] count against the ground truth; then PHI values left verbatim
check_full() {
  local label="$1" out t truth got
  out="$(cat "$BENCH_WORK/run/$label/output-path")"
  for t in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["types"]))' "$CORPUS/truth.json"); do
    truth="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["values_per_type"].get(sys.argv[2], 0))' \
      "$CORPUS/truth.json" "$t")"
    got="$(cat_outputs "$out" | count_type - "$t")"
    echo "$label,$t,$truth,$got"
  done
  echo "$label,LEAKED_VALUES,0,$(cat_outputs "$out" | leaked_values - "$CORPUS/phi-values.txt")"
}

CSV="$BENCH_RESULTS/e2e.csv"
echo "round,$CSV_HEADER" >"$CSV"
echo "tool,type,truth,redacted" >"$BENCH_RESULTS/e2e-correctness.csv"
for round in $(seq 1 "$REPEATS"); do
  log "e2e round $round: file-to-file.yaml, full catalog, $MB MB"
  row="$(run_redactd e2e-full "$CONFIG" "$CORPUS")"
  echo "$round,$row" | tee -a "$CSV" >&2
  if [ "$round" = 1 ]; then check_full e2e-full | tee -a "$BENCH_RESULTS/e2e-correctness.csv" >&2; fi
  cleanup_output e2e-full
done

if [ "$SCALING" = 1 ]; then
  CORPUS="$(ensure_corpus full "${BENCH_SCALING_MB:-$MB}")"
  SCSV="$BENCH_RESULTS/scaling.csv"
  echo "workers,types,fsync,$CSV_HEADER" >"$SCSV"
  for workers in 1 2; do
    for types in 5 11 17; do
      case "$types" in 5) list="$TYPES_5" ;; 11) list="$TYPES_11" ;; *) list=all ;; esac
      label="scale-w$workers-t$types"
      redactd_config "$BENCH_WORK/cfg/$label.yaml" "$list" "$workers"
      log "scaling: $workers worker(s), $types types"
      row="$(run_redactd "$label" "$BENCH_WORK/cfg/$label.yaml" "$CORPUS")"
      echo "$workers,$types,batch,$row" | tee -a "$SCSV" >&2
      cleanup_output "$label"
    done
  done
  redactd_config "$BENCH_WORK/cfg/scale-nofsync.yaml" all "" never
  log "scaling: shipped config with fsync: never"
  row="$(run_redactd scale-w2-t17-nofsync "$BENCH_WORK/cfg/scale-nofsync.yaml" "$CORPUS")"
  echo "2,17,never,$row" | tee -a "$SCSV" >&2
  cleanup_output scale-w2-t17-nofsync
fi
"$(chart_python)" "$BENCH_ROOT/benchmarks/charts/report.py" "$BENCH_RESULTS"

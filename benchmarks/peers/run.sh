#!/usr/bin/env bash
# Peer comparison, one command on a fresh machine (Debian/Ubuntu with apt-get, Java 17, python3, curl):
#   benchmarks/peers/run.sh
# Builds redactd if needed, generates the 5-type corpus (BENCH_MB, default 500 MB), fetches syslog-ng 3.38 from
# Debian's packages into a scratch root (nothing installed), then runs every tool BENCH_REPEATS times (default 3),
# rotating the order each round so no tool always runs first or last:
#   syslog-ng-redact   syslog-ng, one subst() rewrite per type (benchmarks/peers/patterns.tsv)
#   syslog-ng-pass     syslog-ng, no rewrite
#   redactd-5          redactd, file-to-file.yaml restricted to the same 5 types
#   redactd-full       redactd, file-to-file.yaml unchanged (the whole catalog)
#   redactd-pass       redactd, every type disabled
#   redactd-full-portable  redactd-full with detectors.engine: portable (RE2/J-only engine; see RESULTS.md)
#   naive-java         one thread, java.util.regex, same 5 patterns (BENCH_NAIVE_REPEATS, default 1: it is slow)
# Correctness (first round): [REDACTED:TYPE] counts per type against the corpus's ground truth, and how many of the
# corpus's PHI values each output still contains.
# Then (each on by default) the syslog TLS comparison, the end-to-end and scaling runs, hash chain on/off and the
# alert-latency harness, so every table and chart of RESULTS.md comes from this one command.
# Results: benchmarks/results/peers.csv, peers-correctness.csv, tls.csv, e2e.csv, scaling.csv, chain-onoff.csv,
# alerts-latency.csv, machine.txt; summary.md and charts via benchmarks/charts/report.py.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../e2e/lib.sh
source "$HERE/../e2e/lib.sh"
# shellcheck source=syslog-ng.sh
source "$HERE/syslog-ng.sh"
# shellcheck source=tls.sh
source "$HERE/tls.sh"

MB="${BENCH_MB:-500}"
REPEATS="${BENCH_REPEATS:-3}"
NAIVE_REPEATS="${BENCH_NAIVE_REPEATS:-1}"
TOOLS="${BENCH_TOOLS:-syslog-ng-redact syslog-ng-pass redactd-5 redactd-full redactd-pass redactd-full-portable naive-java}"
PATTERNS="$HERE/patterns.tsv"
PEER_TYPES="SSN,CREDIT_CARD,EMAIL,PHONE,IPV4"

mkdir -p "$BENCH_WORK/cfg" "$BENCH_RESULTS"
build_jars
fetch_syslog_ng
CORPUS="$(ensure_corpus peer5 "$MB")"
redactd_config "$BENCH_WORK/cfg/redactd-5.yaml" "$PEER_TYPES" ""
redactd_config "$BENCH_WORK/cfg/redactd-full.yaml" all ""
redactd_config "$BENCH_WORK/cfg/redactd-pass.yaml" none ""
REDACTD_ENGINE=portable redactd_config "$BENCH_WORK/cfg/redactd-full-portable.yaml" all ""

run_tool() { # TOOL ROUND -> CSV row
  case "$1" in
    syslog-ng-redact) run_syslog_ng "$1" "$CORPUS" "$PATTERNS" ;;
    syslog-ng-pass) run_syslog_ng "$1" "$CORPUS" "" ;;
    redactd-5|redactd-full|redactd-pass|redactd-full-portable) run_redactd "$1" "$BENCH_WORK/cfg/$1.yaml" "$CORPUS" ;;
    naive-java) run_naive "$1" "$CORPUS" "$PATTERNS" ;;
    *) die "unknown tool $1" ;;
  esac
}

# check_output TOOL: one CSV row per type (tool,type,truth,redacted) plus a LEAKED row (values found verbatim).
# redactd's output rotates at 1 GiB (file-to-file.yaml), so rotated files OUT.1 ... are counted too.
check_output() {
  local tool="$1" out t truth got
  out="$(cat "$BENCH_WORK/run/$tool/output-path")"
  for t in ${PEER_TYPES//,/ }; do
    truth="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["values_per_type"].get(sys.argv[2], 0))' \
      "$CORPUS/truth.json" "$t")"
    got="$(cat_outputs "$out" | count_type - "$t")"
    echo "$tool,$t,$truth,$got"
  done
  echo "$tool,LEAKED_VALUES,0,$(cat_outputs "$out" | leaked_values - "$CORPUS/phi-values.txt")"
}

machine_info() {
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "uname -r: $(uname -r)"
    lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|L3)'
    grep -E '^(MemTotal)' /proc/meminfo
    echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
    echo "syslog-ng: $(syslog_ng_version) (Debian syslog-ng-core, extracted with dpkg -x)"
    echo "redactd: $(java -jar "$REDACTD_JAR" version 2>/dev/null | head -1)"
    echo "corpus: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["variant"], d["bytes"], "bytes", d["lines"], "lines", d["phi_lines"], "PHI lines", d["hard_negative_lines"], "hard-negative lines")' "$CORPUS/truth.json")"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  } >"$BENCH_RESULTS/machine.txt"
}

machine_info
CSV="$BENCH_RESULTS/peers.csv"
CHECK="$BENCH_RESULTS/peers-correctness.csv"
echo "round,$CSV_HEADER" >"$CSV"
echo "tool,type,truth,redacted" >"$CHECK"
read -r -a tools <<<"$TOOLS"
for round in $(seq 1 "$REPEATS"); do
  n=${#tools[@]}
  for i in $(seq 0 $((n - 1))); do
    tool="${tools[$(( (i + round - 1) % n ))]}"
    if [ "$tool" = naive-java ] && [ "$round" -gt "$NAIVE_REPEATS" ]; then continue; fi
    log "round $round: $tool"
    row="$(run_tool "$tool")"
    echo "$round,$row" | tee -a "$CSV" >&2
    if [ "$round" = 1 ]; then check_output "$tool" | tee -a "$CHECK" >&2; fi
    out="$(cat "$BENCH_WORK/run/$tool/output-path")"; rm -f "$out" "$out".*   # outputs are 0.5-1.3 GB each
  done
done
# Syslog over TLS -> file (BENCH_TLS=1, the default): BENCH_TLS_MB of the same corpus, BENCH_TLS_REPEATS rounds
# (also on its own: benchmarks/peers/tls-run.sh)
if [ "${BENCH_TLS:-1}" = 1 ]; then
  run_tls_rounds "${BENCH_TLS_MB:-50}" "${BENCH_TLS_REPEATS:-3}" "$PEER_TYPES" "$PATTERNS"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$BENCH_RESULTS/machine.txt"
# The rest of RESULTS.md's tables and charts, so this one command reproduces all of them (each can be turned off):
# BENCH_E2E=1: benchmarks/e2e/run.sh (whole catalog + scaling matrix, BENCH_E2E_MB, default 200);
# BENCH_CHAIN=1: benchmarks/e2e/chain-onoff.sh (BENCH_E2E_MB); BENCH_ALERTS=1: the alert-latency harness.
E2E_MB="${BENCH_E2E_MB:-200}"
if [ "${BENCH_E2E:-1}" = 1 ]; then
  log "end to end and scaling"
  BENCH_MB="$E2E_MB" BENCH_RESULTS="$BENCH_RESULTS" "$HERE/../e2e/run.sh" || die "benchmarks/e2e/run.sh failed"
fi
if [ "${BENCH_CHAIN:-1}" = 1 ]; then
  log "hash chain on vs off"
  BENCH_MB="$E2E_MB" BENCH_RESULTS="$BENCH_RESULTS" "$HERE/../e2e/chain-onoff.sh" || die "chain-onoff.sh failed"
fi
if [ "${BENCH_ALERTS:-1}" = 1 ]; then
  log "leak alert latency"
  java -cp "$BENCH_JAR" io.redactd.benchmarks.alerts.AlertLatencyHarness --jar "$REDACTD_JAR" --alerts 200 \
    --mb-per-s 50 --gap-ms 50 --probe-files 10 --csv "$BENCH_RESULTS/alerts-latency.csv" >&2 \
    || die "alert latency harness failed"
fi
"$(chart_python)" "$BENCH_ROOT/benchmarks/charts/report.py" "$BENCH_RESULTS"

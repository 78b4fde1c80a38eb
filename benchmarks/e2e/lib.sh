# Shared by benchmarks/e2e/run.sh and benchmarks/peers/run.sh (sourced, not run).
# Measures one process: wall time, CPU seconds (utime+stime from /proc/PID/stat) and peak RSS (VmHWM from
# /proc/PID/status, read just before the process is stopped).

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_WORK="${BENCH_WORK:-/tmp/redactd-bench}"          # corpora, outputs, scratch roots; never committed
BENCH_RESULTS="${BENCH_RESULTS:-$BENCH_ROOT/benchmarks/results}"
REDACTD_JAR="${REDACTD_JAR:-$BENCH_ROOT/daemon/target/redactd.jar}"
BENCH_JAR="$BENCH_ROOT/benchmarks/target/benchmarks.jar"
# The daemon runs through the packaged launcher (installed as /usr/bin/redactd) on $REDACTD_JAR, so its JVM defaults
# (heap bound, collector, exit on OutOfMemoryError) apply as for users, and REDACTD_JAVA_OPTS adds to them as for users.
REDACTD_LAUNCHER="$BENCH_ROOT/packaging/src/deb/redactd"
CLK_TCK="$(getconf CLK_TCK)"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Builds the daemon and benchmark jars when missing (BENCH_REBUILD=1 forces it).
build_jars() {
  if [ "${BENCH_REBUILD:-0}" = 1 ] || [ ! -f "$REDACTD_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
    log "building daemon and benchmarks jars"
    (cd "$BENCH_ROOT" && ./mvnw -B -q -o -pl daemon,benchmarks -am -DskipTests package) >&2 \
      || (cd "$BENCH_ROOT" && ./mvnw -B -q -pl daemon,benchmarks -am -DskipTests package) >&2 \
      || die "build failed"
  fi
}

# ensure_corpus VARIANT MB -> prints the corpus directory (corpus.log, truth.json, phi-values.txt), generated once.
ensure_corpus() {
  local variant="$1" mb="$2" dir="$BENCH_WORK/corpus/$1-$2"
  if [ ! -s "$dir/truth.json" ]; then
    log "generating $mb MB corpus ($variant) in $dir"
    rm -rf "$dir"
    java -cp "$BENCH_JAR" io.redactd.benchmarks.corpus.CorpusGenerator --mb "$mb" --types "$variant" \
      --out "$dir" >&2 || die "corpus generation failed"
  fi
  echo "$dir"
}

truth_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

proc_cpu_s() { # utime + stime of PID, in seconds
  awk -v t="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"
}
proc_hwm_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
now_s() { date +%s.%N; }

# wait_for TIMEOUT_S CMD... : polls CMD every 0.1 s until it succeeds; fails after TIMEOUT_S.
wait_for() {
  local deadline; deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Prometheus counter value (summed over label sets) from a /metrics URL. Only that family is asked for (name[]):
# a full scrape costs the daemon ~8 ms of CPU, a filtered one ~1 ms.
metric_sum() {
  curl -sf "$1?name%5B%5D=$2" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%d", s }'
}

# wait_events PORT TARGET PID TIMEOUT_S: polls redactd_output_events_total every 0.1 s over one kept-alive
# connection until it reaches TARGET; prints the wall-clock time (epoch seconds) at which it was seen there. Exits 1
# if PID dies, 2 on timeout (printing the last count). One process for the whole wait: a curl + awk per poll costs
# ~9 ms of CPU on a machine the daemon is using all of.
wait_events() {
  python3 - "$@" <<'EOF'
import http.client, os, sys, time
port, target, pid, timeout = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
name = "redactd_output_events_total"
deadline = time.time() + timeout
conn, n = None, 0
while True:
    try:
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/metrics?name%5B%5D=" + name)
        body = conn.getresponse().read().decode()
        n = int(sum(float(l.rsplit(" ", 1)[1]) for l in body.splitlines()
                    if l.startswith(name + " ") or l.startswith(name + "{")))
    except (OSError, http.client.HTTPException):
        conn = None
    if n >= target:
        print(f"{time.time():.6f}")
        sys.exit(0)
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    if time.time() > deadline:
        print(n)
        sys.exit(2)
    time.sleep(0.1)
EOF
}

# count_redactions FILE TYPES... -> "TYPE=N" per type: occurrences of [REDACTED:TYPE] in FILE.
count_redactions() {
  local file="$1"; shift
  local t
  for t in "$@"; do
    printf '%s=%s ' "$t" "$(count_type "$file" "$t")"
  done
}

# leaked_values FILE VALUES_FILE -> number of PHI values of the corpus that appear verbatim in FILE
# Whole words only (-w): a value inside a longer unrelated number (an order id) is not that value. Only the
# event's content is searched: redactd's chain hashes (hex) and log.offset numbers can contain a digit-only
# value by chance (a 9-digit SSN inside a SHA-256, seen), which is not a leak. UUIDs (hard negatives, never PHI) are
# blanked first: an 8-digit DOB can open one (request_id=19801119-2456-..., seen). Non-JSON lines are kept.
leaked_values() {
  if [ "$1" = - ]; then cat; else cat "$1"; fi | python3 -c '
import json, re, sys
uuid = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
for line in sys.stdin:
    line = uuid.sub("UUID", line)
    try:
        d = json.loads(line)
    except ValueError:
        sys.stdout.write(line)
        continue
    if isinstance(d, dict):
        d.pop("chain", None)
        if isinstance(d.get("log"), dict):
            d["log"].pop("offset", None)
        line = json.dumps(d, ensure_ascii=False) + "\n"
    sys.stdout.write(line)
' | { grep -o -w -F -f "$2" || true; } | sort -u | wc -l
}

# cat_outputs OUT: OUT and its rotated files (OUT.1, OUT.2 ...), oldest first
cat_outputs() {
  local f
  for f in $(ls -1 "$1".[0-9]* 2>/dev/null | sort -t. -k2 -rn) "$1"; do cat "$f"; done
}

# count_type FILE-or-- TYPE: occurrences of [REDACTED:TYPE]
count_type() { { grep -o -F "[REDACTED:$2]" "$1" || true; } | wc -l; }

# keygen_state_dir STATE_DIR: a checkpoint key in a fresh state dir (BENCH_PRE_START=keygen_state_dir), so runs with
# the chain on cut HMAC-sealed checkpoints as a keyed deployment does.
keygen_state_dir() { java -jar "$REDACTD_JAR" keygen --state-dir "$1"; }

# chain_off_config OUT: config-examples/file-to-file.yaml with the hash chain off (integrity disabled).
chain_off_config() {
  cp "$BENCH_ROOT/config-examples/file-to-file.yaml" "$1"
  printf '\nintegrity: {enabled: false}\n' >>"$1"
}

# cleanup_output LABEL: deletes the output files of run LABEL (they are 0.5-3 GB each).
cleanup_output() { local out; out="$(cat "$BENCH_WORK/run/$1/output-path")"; rm -f "$out" "$out".*; }

# run_redactd LABEL CONFIG CORPUS_DIR [extra env...] -> one CSV row on stdout:
#   label,tool,seconds,seconds_with_startup,mb_s,lines_s,cpu_s,peak_rss_mb,load1
# (cpu_s: CPU seconds from the corpus's arrival to the last event written; load1: 1-min load average before the run)
# The daemon starts on an empty input directory; once /readyz answers, the corpus is hard-linked into it and the
# clock starts; it stops when the output's events counter equals the corpus's line count.
run_redactd() {
  local label="$1" config="$2" corpus="$3"; shift 3
  local run="$BENCH_WORK/run/$label"
  rm -rf "$run"; mkdir -p "$run/in" "$run/state"
  # BENCH_PRE_START CMD: run as CMD STATE_DIR before the daemon starts (e.g. keygen), off the clock
  if [ -n "${BENCH_PRE_START:-}" ]; then $BENCH_PRE_START "$run/state" >"$run/pre-start.log" 2>&1 \
    || die "$label: pre-start command failed (see $run/pre-start.log)"; fi
  local port lines bytes
  port="$(free_port)"
  lines="$(truth_field "$corpus/truth.json" lines)"; bytes="$(truth_field "$corpus/truth.json" bytes)"
  local t0 t1 t2 pid load0
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  t0="$(now_s)"
  # shellcheck disable=SC2086
  env REDACTD_INPUT="$run/in/*.log" REDACTD_OUTPUT="$run/out.ndjson" REDACTD_STATE="$run/state" \
      REDACTD_ADMIN_PORT="$port" REDACTD_JAR="$REDACTD_JAR" REDACTD_JAVA_OPTS="${REDACTD_JAVA_OPTS:-}" "$@" \
      sh "$REDACTD_LAUNCHER" run --config "$config" >"$run/daemon.log" 2>&1 &
  pid=$!
  local ready_by=$(( $(date +%s) + 120 ))
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$label: daemon exited at start-up: $(head -c 400 "$run/daemon.log")"
    [ "$(date +%s)" -lt "$ready_by" ] || { kill "$pid"; die "$label: daemon not ready after 120 s (see $run/daemon.log)"; }
    sleep 0.1
  done
  local cpu0; cpu0="$(proc_cpu_s "$pid")"   # start-up CPU (JIT, pattern compilation) is not the run's
  ln "$corpus/corpus.log" "$run/in/corpus.log"
  t1="$(now_s)"
  local waited=0
  t2="$(wait_events "$port" "$lines" "$pid" 1800)" || waited=$?
  case "$waited" in
    0) ;;
    1) die "$label: daemon exited early (see $run/daemon.log)" ;;
    *) kill "$pid"; die "$label: timed out at ${t2:-?} of $lines events" ;;
  esac
  local cpu hwm
  cpu="$(awk -v a="$(proc_cpu_s "$pid")" -v b="$cpu0" 'BEGIN { printf "%.2f", a - b }')"; hwm="$(proc_hwm_mb "$pid")"
  kill -TERM "$pid"; wait "$pid" || log "$label: daemon exit status $? on SIGTERM"
  echo "$run/out.ndjson" >"$run/output-path"
  python3 - "$label" "$t0" "$t1" "$t2" "$bytes" "$lines" "$cpu" "$hwm" "$load0" <<'EOF'
import sys
label, t0, t1, t2, b, n, cpu, hwm, load0 = sys.argv[1:]
t0, t1, t2 = float(t0), float(t1), float(t2)
s = t2 - t1
print(f"{label},redactd,{s:.3f},{t2 - t0:.3f},{int(b) / 1e6 / s:.1f},{int(n) / s:.0f},{cpu},{hwm},{load0}")
EOF
}

CSV_HEADER="label,tool,seconds,seconds_with_startup,mb_s,lines_s,cpu_s,peak_rss_mb,load1"

# redactd_config OUT TYPES WORKERS [FSYNC]: config-examples/file-to-file.yaml (or REDACTD_BASE_CONFIG) with, appended, the types to detect
# (all = the whole catalog, none = every type disabled, i.e. pass-through, or a comma list) and the worker count
# (empty = the default, one per core). The base file is otherwise used unchanged.
redactd_config() {
  local out="$1" types="$2" workers="$3" fsync="${4:-}"
  cp "${REDACTD_BASE_CONFIG:-$BENCH_ROOT/config-examples/file-to-file.yaml}" "$out"
  # fsync=never: the output stops fsyncing each batch (syslog-ng's file destination does not fsync either)
  if [ -n "$fsync" ]; then sed -i "s/^\(    fsync:\) .*/\1 $fsync/" "$out"; fi
  # REDACTD_ENGINE=portable|hyperscan picks the detection engine (default: the config's, auto)
  if [ "$types" != all ] || [ -n "${REDACTD_ENGINE:-}" ]; then printf '\ndetectors:\n' >>"$out"; fi
  if [ -n "${REDACTD_ENGINE:-}" ]; then printf '  engine: %s\n' "$REDACTD_ENGINE" >>"$out"; fi
  case "$types" in
    all) ;;
    none) printf '  disable: [%s]\n' "$(catalog_types | paste -sd, | sed 's/,/, /g')" >>"$out" ;;
    *) printf '  enable: [%s]\n' "$(echo "$types" | sed 's/,/, /g')" >>"$out" ;;
  esac
  if [ -n "$workers" ]; then printf '\npipeline:\n  workers: %s\n' "$workers" >>"$out"; fi
}

# The built-in catalog's type names, one per line.
catalog_types() {
  java -jar "$REDACTD_JAR" detectors 2>/dev/null | awk 'NR > 1 && $2 ~ /^[A-Z][A-Z0-9_]*$/ { print $2 }' | sort -u
}

# run_naive LABEL CORPUS_DIR PATTERNS_TSV -> CSV row; the clock includes JVM start-up (~0.1 s).
run_naive() {
  local label="$1" corpus="$2" patterns="$3"
  local run="$BENCH_WORK/run/$label"
  rm -rf "$run"; mkdir -p "$run"
  local lines bytes load0 t0 t2 pid cpu hwm
  lines="$(truth_field "$corpus/truth.json" lines)"; bytes="$(truth_field "$corpus/truth.json" bytes)"
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  t0="$(now_s)"
  java -cp "$BENCH_JAR" io.redactd.benchmarks.naive.NaiveRedactor "$patterns" "$corpus/corpus.log" "$run/out.log" \
    2>"$run/naive.log" &
  pid=$!
  # CPU and peak RSS are read while the process still exists: sample until it is gone
  while kill -0 "$pid" 2>/dev/null; do
    # a zombie has no VmHWM line any more: keep the last value seen
    local c h; c="$(proc_cpu_s "$pid" 2>/dev/null || true)"; h="$(proc_hwm_mb "$pid" 2>/dev/null || true)"
    cpu="${c:-$cpu}"; hwm="${h:-$hwm}"
    sleep 0.1
  done
  wait "$pid" || die "$label: naive baseline failed (see $run/naive.log)"
  t2="$(now_s)"
  echo "$run/out.log" >"$run/output-path"
  python3 - "$label" "$t0" "$t2" "$bytes" "$lines" "$cpu" "$hwm" "$load0" <<'PY'
import sys
label, t0, t2, b, n, cpu, hwm, load0 = sys.argv[1:]
s = float(t2) - float(t0)
print(f"{label},naive-java,{s:.3f},{s:.3f},{int(b) / 1e6 / s:.1f},{int(n) / s:.0f},{cpu},{hwm},{load0}")
PY
}

# A python3 that has matplotlib (a pyenv shim on PATH may not; Debian's python3-matplotlib is in /usr/bin/python3).
# On a fresh Debian/Ubuntu machine (root, apt-get) it is installed, so one command gives the charts too.
chart_python() {
  local p
  for p in "${PYTHON:-python3}" python3 /usr/bin/python3; do
    if "$p" -c 'import matplotlib' 2>/dev/null; then echo "$p"; return; fi
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing python3-matplotlib for the charts"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-matplotlib; } >&2 2>&1 \
      && [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import matplotlib' 2>/dev/null && { echo /usr/bin/python3; return; }
  fi
  log "no python3 with matplotlib: summary.md only, no charts"
  echo python3
}

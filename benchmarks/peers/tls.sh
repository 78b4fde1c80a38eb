# Syslog over TLS -> file: redactd (config-examples/syslog-tls-to-file.yaml) against syslog-ng's network() TLS source.
# Both are fed the same byte stream by the same sender: the corpus wrapped in RFC 5424 headers, newline-framed (both
# servers accept non-transparent framing), over one TLS connection, as fast as the server reads. BENCH_TLS_FRAMING=octet
# (RFC 5425 octet counting) and BENCH_TLS_CONNS=N (N connections, each with a slice of the corpus) change that; see
# tls_setup. tls-ab.sh uses them to compare two redactd jars (syslog-ng's network() source expects newline framing).
#
# The sender is `openssl s_client` (BENCH_TLS_SENDER=s_client, the default), not syslog-ng's loggen: loggen never
# reads from its TLS connection, so the TLS 1.3 NewSessionTicket a server sends after the handshake stays unread in
# its socket, and its close() then sends a TCP reset instead of a FIN; a server still holding unread data (redactd
# paused by back-pressure) loses it, because Linux discards the receive queue on RST (confirmed with tcpdump on lo:
# 687 bytes server -> client after the handshake, which loggen never reads, then [R.] from loggen). s_client
# reads what the server sends, and at end of input sends close_notify and a FIN. -nocommands: otherwise a 16 KiB
# stdin chunk that happens to start with Q, R or K is taken as a command (quit, renegotiate, key update).
# BENCH_TLS_SENDER=loggen keeps the old sender (redactd then needs -Djdk.tls.server.newSessionTicketCount=0 in
# REDACTD_JAVA_OPTS, a JDK 17.0.21 property absent from 17.0.15, or it loses events).
# Each server first gets a 5 MB warm-up corpus off the clock (BENCH_TLS_WARMUP_MB, 0 = none): redactd is a
# long-running JVM daemon and is measured after its JIT has had some input, as in a deployment.
# Sourced by benchmarks/peers/run.sh and tls-run.sh after lib.sh and syslog-ng.sh.

# tls_setup DIR CORPUS_DIR [WARMUP_CORPUS_DIR]: a self-signed P-256 certificate for 127.0.0.1, the RFC 5424-wrapped
# corpus and, with a third argument, the wrapped warm-up corpus (DIR/warmup.log)
# BENCH_TLS_FRAMING=newline (default: non-transparent framing, what syslog-ng's flags(syslog-protocol) source takes
# too) or octet (RFC 5425 octet counting, `LEN SP MSG`). BENCH_TLS_CONNS=N (default 1): the corpus is cut into N
# slices of whole lines, each sent over its own TLS connection by its own s_client, all at once.
tls_setup() {
  local dir="$1" corpus="$2" warm="${3:-}"
  mkdir -p "$dir"
  if [ ! -s "$dir/cert.pem" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" \
      -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null || die "openssl failed"
  fi
  local conns="${BENCH_TLS_CONNS:-1}" k
  if [ "$conns" = 1 ]; then
    wrap_corpus "$corpus/corpus.log" "$(tls_corpus_file "$dir" 1)"
  elif [ ! -s "$(tls_corpus_file "$dir" "$conns")" ] || [ "$(tls_corpus_file "$dir" "$conns")" -ot "$corpus/corpus.log" ]; then
    log "cutting $corpus/corpus.log into $conns slices"
    rm -rf "$dir/slices-$conns"; mkdir -p "$dir/slices-$conns"
    split -n "l/$conns" -d -a 3 "$corpus/corpus.log" "$dir/slices-$conns/part."
    for k in $(seq 1 "$conns"); do
      wrap_corpus "$dir/slices-$conns/part.$(printf %03d $(( k - 1 )))" "$(tls_corpus_file "$dir" "$conns" "$k")"
    done
    rm -rf "$dir/slices-$conns"
  fi
  if [ -n "$warm" ]; then wrap_corpus "$warm/corpus.log" "$dir/warmup-$(basename "$warm")-$(tls_framing).log"; fi
}

tls_framing() { echo "${BENCH_TLS_FRAMING:-newline}"; }

# tls_corpus_file DIR CONNS [K]: the wrapped corpus (CONNS=1) or its K-th slice (CONNS>1; without K: the last one)
tls_corpus_file() {
  if [ "$2" = 1 ]; then
    if [ "$(tls_framing)" = newline ]; then echo "$1/syslog-corpus.log"; else echo "$1/syslog-corpus-$(tls_framing).log"; fi
  else
    echo "$1/syslog-corpus-$(tls_framing)-$2.${3:-$2}.log"
  fi
}

wrap_corpus() {
  if [ ! -s "$2" ] || [ "$2" -ot "$1" ]; then
    log "wrapping $1 in RFC 5424 headers ($(tls_framing) framing)"
    case "$(tls_framing)" in
      newline) awk '{ print "<134>1 2026-11-27T11:00:00.000Z web-01 app 4242 - - " $0 }' "$1" >"$2" ;;
      # LC_ALL=C: length() in bytes, as the octet count must be
      octet) LC_ALL=C awk '{ m = "<134>1 2026-11-27T11:00:00.000Z web-01 app 4242 - - " $0; printf "%d %s", length(m), m }' \
          "$1" >"$2" ;;
      *) die "BENCH_TLS_FRAMING must be newline or octet" ;;
    esac
  fi
}

# send_all PORT DIR LOG: sends the corpus over BENCH_TLS_CONNS connections at once; fails if any sender failed
send_all() {
  local conns="${BENCH_TLS_CONNS:-1}" k pids=() rc=0
  if [ "$conns" = 1 ]; then send_corpus "$1" "$(tls_corpus_file "$2" 1)" "$3"; return; fi
  for k in $(seq 1 "$conns"); do
    send_corpus "$1" "$(tls_corpus_file "$2" "$conns" "$k")" "$3.$k" &
    pids+=($!)
  done
  for k in "${pids[@]}"; do wait "$k" || rc=$?; done
  return "$rc"
}

# thread_cpu PID [raw]: "name cpu_s" per thread (digits in names folded to #, so pools add up; with raw: one line per
# thread, named name/tid), from /proc/PID/task/*/stat
thread_cpu() {
  local t
  for t in /proc/"$1"/task/*; do
    awk -v t="$CLK_TCK" -v raw="${2:-}" -v tid="${t##*/}" '{ match($0, /\(.*\)/); n = substr($0, RSTART + 1, RLENGTH - 2);
      rest = substr($0, RSTART + RLENGTH + 1); split(rest, f, " "); gsub(/ /, "_", n);
      if (raw != "") n = n "/" tid; else gsub(/[0-9]+/, "#", n); printf "%s %.2f\n", n, (f[12] + f[13]) / t }' "$t/stat" 2>/dev/null
  done | awk '{ s[$1] += $2 } END { for (n in s) printf "%s %.2f\n", n, s[n] }'
}

# thread_cpu_diff BEFORE AFTER: per thread group, CPU s spent between the snapshots, largest first
thread_cpu_diff() {
  awk 'NR == FNR { a[$1] = $2; next } { d = $2 - a[$1]; if (d >= 0.01) printf "%s %.2f\n", $1, d }' "$1" "$2" | sort -k2 -rn
}

loggen() {
  env SYSLOGNG_PREFIX="$SNG_ROOT/usr" \
    LD_LIBRARY_PATH="$SNG_ROOT/usr/lib/x86_64-linux-gnu:$SNG_ROOT/lib/x86_64-linux-gnu:$SNG_ROOT/usr/lib/syslog-ng" \
    "$SNG_ROOT/usr/bin/loggen" "$@"
}

# send_corpus PORT FILE LOG: replays FILE over TLS (certificate: cert.pem beside FILE), unthrottled
send_corpus() {
  case "${BENCH_TLS_SENDER:-s_client}" in
    s_client)
      openssl s_client -quiet -no_ign_eof -nocommands -connect "127.0.0.1:$1" \
        -CAfile "$(dirname "$2")/cert.pem" -verify_return_error <"$2" >"$3" 2>&1 ;;
    loggen)
      loggen --use-ssl --dont-parse --read-file="$2" --rate=1000000000 --interval=3600 \
        --active-connections=1 --quiet 127.0.0.1 "$1" >"$3" 2>&1 ;;
    *) die "BENCH_TLS_SENDER must be s_client or loggen" ;;
  esac
}

# run_tls LABEL TOOL(redactd|syslog-ng) CORPUS_DIR TLS_DIR PATTERNS|TYPES -> CSV row as run_redactd. The clock
# starts when the sender starts (the server is listening) and stops when the output holds every line.
run_tls() {
  local label="$1" tool="$2" corpus="$3" tls="$4" what="$5"
  local run="$BENCH_WORK/run/$label"
  rm -rf "$run"; mkdir -p "$run/state"
  local port lines bytes load0 t0 t1 t2 pid admin n=0 cpu0
  port="$(free_port)"; admin="$(free_port)"
  lines="$(truth_field "$corpus/truth.json" lines)"; bytes="$(truth_field "$corpus/truth.json" bytes)"
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  t0="$(now_s)"
  if [ "$tool" = redactd ]; then
    REDACTD_BASE_CONFIG="$BENCH_ROOT/config-examples/syslog-tls-to-file.yaml" redactd_config "$run/redactd.yaml" "$what" ""
    # The example keeps 5 rotated 100 MiB files; a 500 MB run writes ~3 GB of documents, and the correctness check
    # reads them all: keep every rotated file (rotation itself stays in the measurement).
    sed -i 's|^\(    path: ${REDACTD_OUTPUT}\)$|\1\n    max_files: 1000|' "$run/redactd.yaml"
    grep -q '^    max_files: 1000$' "$run/redactd.yaml" || die "$label: could not set the output's max_files"
    # BENCH_REDACTD_EXTRA_CONFIG: YAML appended at the top level, e.g. 'integrity: {enabled: false}'
    if [ -n "${BENCH_REDACTD_EXTRA_CONFIG:-}" ]; then printf '\n%s\n' "$BENCH_REDACTD_EXTRA_CONFIG" >>"$run/redactd.yaml"; fi
    env REDACTD_SYSLOG_PORT="$port" REDACTD_TLS_CERT="$tls/cert.pem" REDACTD_TLS_KEY="$tls/key.pem" \
        REDACTD_OUTPUT="$run/out.ndjson" REDACTD_STATE="$run/state" REDACTD_ADMIN_PORT="$admin" \
        REDACTD_JAR="$REDACTD_JAR" REDACTD_JAVA_OPTS="${REDACTD_JAVA_OPTS:-}" \
        sh "$REDACTD_LAUNCHER" run --config "$run/redactd.yaml" >"$run/daemon.log" 2>&1 &
    pid=$!
    local ready_by=$(( $(date +%s) + 120 ))
    until curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; do
      kill -0 "$pid" 2>/dev/null || die "$label: daemon exited at start-up: $(head -c 400 "$run/daemon.log")"
      [ "$(date +%s)" -lt "$ready_by" ] || { kill "$pid"; die "$label: not ready"; }
      sleep 0.1
    done
    echo "$run/out.ndjson" >"$run/output-path"
  else
    local names="" type regex
    {
      echo '@version: 3.38'
      echo 'options { threaded(yes); use-dns(no); use-fqdn(no); chain-hostnames(no); stats-level(1); log-fifo-size(100000); };'
      # Octet counting (RFC 5425) is what syslog-ng's syslog() source reads; network(flags(syslog-protocol)) wants
      # newline framing and never sees the end of an octet-counted frame.
      local driver='network' proto=' flags(syslog-protocol)'
      if [ "$(tls_framing)" = octet ]; then driver='syslog'; proto=''; fi
      echo "source s_in { $driver(ip(127.0.0.1) port($port) transport(\"tls\")$proto tls(key-file(\"$tls/key.pem\") cert-file(\"$tls/cert.pem\") peer-verify(optional-untrusted)) log-iw-size(10000) log-fetch-limit(1000)); };"
      echo "destination d_out { file(\"$run/out.log\" template(\"\${MESSAGE}\\n\") flush-lines(1000)); };"
      if [ -n "$what" ]; then
        while IFS=$'\t' read -r type regex; do
          case "$type" in ''|'#'*) continue ;; esac
          echo "rewrite r_$type { subst('$regex', '[REDACTED:$type]', value(\"MESSAGE\") type(\"pcre\") flags(\"global\")); };"
          names="$names rewrite(r_$type);"
        done <"$what"
      fi
      echo "log { source(s_in);$names destination(d_out); flags(flow-control); };"
    } >"$run/syslog-ng.conf"
    env LD_LIBRARY_PATH="$SNG_ROOT/usr/lib/x86_64-linux-gnu:$SNG_ROOT/lib/x86_64-linux-gnu:$SNG_ROOT/usr/lib/syslog-ng" \
      "$SNG_ROOT/usr/sbin/syslog-ng" -F -f "$run/syslog-ng.conf" -R "$run/persist" -c "$run/ctl" -p "$run/pid" \
      --module-path="$SNG_ROOT/usr/lib/syslog-ng/3.38" >"$run/syslog-ng.log" 2>&1 &
    pid=$!
    wait_for 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" || { kill "$pid"; die "$label: syslog-ng not listening"; }
    echo "$run/out.log" >"$run/output-path"
  fi
  # TLS_WARMUP (a corpus dir, its wrapped copy in $tls/warmup.log): sent first, off the clock, so a JIT-compiled
  # daemon is measured in its steady state (redactd's C2 compilation alone is ~7 CPU s after start-up)
  local warm=0
  if [ -n "${TLS_WARMUP:-}" ]; then
    warm="$(truth_field "$TLS_WARMUP/truth.json" lines)"
    send_corpus "$port" "$tls/warmup-$(basename "$TLS_WARMUP")-$(tls_framing).log" "$run/warmup-sender.log" || die "$label: warm-up sender failed"
    local warm_by=$(( $(date +%s) + 600 ))
    until n="$(written "$tool" "$run" "$admin")"; [ "${n:-0}" -ge "$warm" ]; do
      [ "$(date +%s)" -lt "$warm_by" ] || { kill "$pid"; die "$label: warm-up not written in 600 s"; }
      sleep 0.1
    done
    lines=$(( lines + warm ))
  fi
  cpu0="$(proc_cpu_s "$pid")"
  thread_cpu "$pid" >"$run/threads0.txt"; thread_cpu "$pid" raw >"$run/threads0-raw.txt"
  t1="$(now_s)"
  send_all "$port" "$tls" "$run/sender.log" &
  local gen=$!
  local deadline=$(( $(date +%s) + 1800 ))
  while :; do
    n="$(written "$tool" "$run" "$admin")"
    [ "${n:-0}" -ge "$lines" ] && break
    kill -0 "$pid" 2>/dev/null || die "$label: $tool exited early"
    # once the sender is done, an output that stops growing for 15 s has lost events: say so instead of waiting
    if ! kill -0 "$gen" 2>/dev/null; then
      if [ "${n:-0}" != "${last_n:-}" ]; then last_n="$n"; still_since="$(date +%s)"; fi
      if [ $(( $(date +%s) - ${still_since:-$(date +%s)} )) -ge 15 ]; then
        kill "$pid"; wait "$pid" 2>/dev/null || true
        die "$label: $tool wrote $n of $lines lines; the sender finished and nothing more came in 15 s (events lost)"
      fi
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { kill "$pid"; die "$label: timed out at $n of $lines"; }
    sleep 0.1
  done
  t2="$(now_s)"
  unset last_n still_since
  local cpu hwm
  cpu="$(awk -v a="$(proc_cpu_s "$pid")" -v b="$cpu0" 'BEGIN { printf "%.2f", a - b }')"; hwm="$(proc_hwm_mb "$pid")"
  thread_cpu "$pid" >"$run/threads1.txt"; thread_cpu "$pid" raw >"$run/threads1-raw.txt"
  thread_cpu_diff "$run/threads0-raw.txt" "$run/threads1-raw.txt" >"$run/threads-raw.txt"
  if [ "$tool" = redactd ]; then curl -sf "http://127.0.0.1:$admin/metrics" >"$run/metrics.txt" || true; fi
  thread_cpu_diff "$run/threads0.txt" "$run/threads1.txt" >"$run/threads.txt"
  kill -TERM "$pid"; wait "$pid" || true
  wait "$gen" || log "$label: sender exit status $? (see $run/sender.log)"
  python3 - "$label" "$tool" "$t0" "$t1" "$t2" "$bytes" "$(( lines - warm ))" "$cpu" "$hwm" "$load0" <<'PY'
import sys
label, tool, t0, t1, t2, b, n, cpu, hwm, load0 = sys.argv[1:]
s = float(t2) - float(t1)
print(f"{label},{tool},{s:.3f},{float(t2) - float(t0):.3f},{int(b) / 1e6 / s:.1f},{int(n) / s:.0f},{cpu},{hwm},{load0}")
PY
}

# written TOOL RUN_DIR ADMIN_PORT -> events the tool has written so far
written() {
  if [ "$1" = redactd ]; then
    metric_sum "http://127.0.0.1:$3/metrics" redactd_output_events_total || true
  else
    sng_ctl stats -c "$2/ctl" 2>/dev/null | awk -F';' '$1 ~ /^dst.file/ && $5 == "written" { s += $6 } END { printf "%d", s }' \
      || true
  fi
}

# check_tls_output LABEL CORPUS_DIR TYPES -> CSV rows label,type,truth,got: the output's line count against the
# corpus's, then [REDACTED:TYPE] per type against the ground truth
check_tls_output() {
  local label="$1" corpus="$2" types="$3" out t
  out="$(cat "$BENCH_WORK/run/$label/output-path")"
  # with a warm-up, the output holds both corpora: the truth is their sum
  local truths="$corpus/truth.json${TLS_WARMUP:+ $TLS_WARMUP/truth.json}"
  # shellcheck disable=SC2086
  echo "$label,LINES,$(python3 -c 'import json,sys; print(sum(json.load(open(f))["lines"] for f in sys.argv[1:]))' $truths),$(cat_outputs "$out" | wc -l)"
  for t in ${types//,/ }; do
    # shellcheck disable=SC2086
    echo "$label,$t,$(python3 -c 'import json,sys; print(sum(json.load(open(f))["values_per_type"].get(sys.argv[1], 0) for f in sys.argv[2:]))' \
      "$t" $truths),$(cat_outputs "$out" | count_type - "$t")"
  done
}

# run_tls_rounds MB REPEATS TYPES PATTERNS: syslog-ng and redactd alternately (who goes first swaps every round);
# results/tls.csv (one row per run) and results/tls-correctness.csv (every run)
run_tls_rounds() {
  local mb="$1" repeats="$2" types="$3" patterns="$4" corpus dir round tool row csv check
  corpus="$(ensure_corpus peer5 "$mb")"
  dir="$BENCH_WORK/tls-$mb"
  # BENCH_TLS_WARMUP_MB (default 5, 0 = none): a smaller corpus sent to each tool first, off the clock
  TLS_WARMUP=""
  if [ "${BENCH_TLS_WARMUP_MB:-5}" != 0 ]; then TLS_WARMUP="$(ensure_corpus peer5 "${BENCH_TLS_WARMUP_MB:-5}")"; fi
  tls_setup "$dir" "$corpus" "$TLS_WARMUP"
  csv="$BENCH_RESULTS/tls.csv"; check="$BENCH_RESULTS/tls-correctness.csv"
  echo "round,$CSV_HEADER,sender,warmup_mb" >"$csv"
  echo "round,label,type,truth,got" >"$check"
  for round in $(seq 1 "$repeats"); do
    for tool in syslog-ng redactd; do
      if [ $(( round % 2 )) = 0 ]; then tool=$([ "$tool" = redactd ] && echo syslog-ng || echo redactd); fi
      log "TLS round $round: $tool"
      if [ "$tool" = redactd ]; then
        row="$(run_tls tls-redactd-5 redactd "$corpus" "$dir" "$types")" \
          || { log "TLS round $round: redactd failed (above); no figure"; continue; }
        check_tls_output tls-redactd-5 "$corpus" "$types" | sed "s/^/$round,/" | tee -a "$check" >&2
      else
        row="$(run_tls tls-syslog-ng-redact syslog-ng "$corpus" "$dir" "$patterns")" \
          || { log "TLS round $round: syslog-ng failed (above); no figure"; continue; }
        check_tls_output tls-syslog-ng-redact "$corpus" "$types" | sed "s/^/$round,/" | tee -a "$check" >&2
      fi
      echo "$round,$row,${BENCH_TLS_SENDER:-s_client},${BENCH_TLS_WARMUP_MB:-5}" | tee -a "$csv" >&2
      out="$(cat "$BENCH_WORK/run/$([ "$tool" = redactd ] && echo tls-redactd-5 || echo tls-syslog-ng-redact)/output-path")"
      rm -f "$out" "$out".*
    done
  done
}

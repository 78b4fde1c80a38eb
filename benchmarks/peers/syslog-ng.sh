# syslog-ng 3.38 from Debian's packages, extracted into a scratch root (never installed system-wide), and the
# benchmark configurations for it. Sourced by benchmarks/peers/run.sh after benchmarks/e2e/lib.sh.

SYSLOG_NG_PACKAGES="syslog-ng-core libivykis0 libnet1 libpcre3 libjson-c5 libwrap0 libglib2.0-0"
SNG_ROOT="$BENCH_WORK/syslog-ng/root"

# Downloads the .debs with apt-get download (no root needed, nothing installed) and dpkg -x's them into SNG_ROOT.
fetch_syslog_ng() {
  [ -x "$SNG_ROOT/usr/sbin/syslog-ng" ] && return 0
  local debs="$BENCH_WORK/syslog-ng/debs"
  mkdir -p "$debs" "$SNG_ROOT"
  log "downloading syslog-ng packages: $SYSLOG_NG_PACKAGES"
  # shellcheck disable=SC2086
  (cd "$debs" && apt-get download $SYSLOG_NG_PACKAGES) >&2 || die "apt-get download failed (apt-get update first?)"
  local d
  for d in "$debs"/*.deb; do dpkg -x "$d" "$SNG_ROOT"; done
}

sng() {
  LD_LIBRARY_PATH="$SNG_ROOT/usr/lib/x86_64-linux-gnu:$SNG_ROOT/lib/x86_64-linux-gnu:$SNG_ROOT/usr/lib/syslog-ng" \
    "$SNG_ROOT/usr/sbin/syslog-ng" "$@"
}
sng_ctl() {
  LD_LIBRARY_PATH="$SNG_ROOT/usr/lib/x86_64-linux-gnu:$SNG_ROOT/lib/x86_64-linux-gnu:$SNG_ROOT/usr/lib/syslog-ng" \
    "$SNG_ROOT/usr/sbin/syslog-ng-ctl" "$@"
}
syslog_ng_version() { sng --version | awk 'NR == 1 { print $3 }' | tr -d '()'; }

# write_syslog_ng_conf FILE IN OUT PATTERNS_TSV|"" : one subst() rewrite per row of PATTERNS_TSV, none when empty.
# Tuned as an operator would for throughput: bigger fetch and window sizes than the defaults, flow control so
# nothing is dropped, output written as the bare message.
write_syslog_ng_conf() {
  local conf="$1" in="$2" out="$3" patterns="$4" names="" type regex
  {
    echo '@version: 3.38'
    echo 'options { threaded(yes); use-dns(no); use-fqdn(no); chain-hostnames(no); stats-level(1); log-fifo-size(100000); };'
    echo "source s_in { file(\"$in\" flags(no-parse) follow-freq(1) log-fetch-limit(1000) log-iw-size(10000)); };"
    echo "destination d_out { file(\"$out\" template(\"\${MESSAGE}\\n\") flush-lines(1000)); };"
    if [ -n "$patterns" ]; then
      while IFS=$'\t' read -r type regex; do
        case "$type" in ''|'#'*) continue ;; esac
        # single-quoted syslog-ng strings take the regex verbatim (no escape processing)
        echo "rewrite r_$type { subst('$regex', '[REDACTED:$type]', value(\"MESSAGE\") type(\"pcre\") flags(\"global\")); };"
        names="$names rewrite(r_$type);"
      done <"$patterns"
    fi
    echo "log { source(s_in);$names destination(d_out); flags(flow-control); };"
  } >"$conf"
}

# run_syslog_ng LABEL CORPUS_DIR PATTERNS_TSV|"" -> CSV row as run_redactd. syslog-ng starts in ~10 ms, so the
# clock starts at launch (the corpus is already in place); it stops when the destination's written counter
# reaches the corpus's line count.
run_syslog_ng() {
  local label="$1" corpus="$2" patterns="$3"
  local run="$BENCH_WORK/run/$label"
  rm -rf "$run"; mkdir -p "$run"
  ln "$corpus/corpus.log" "$run/in.log"
  write_syslog_ng_conf "$run/syslog-ng.conf" "$run/in.log" "$run/out.log" "$patterns"
  local lines bytes load0 t0 t2 pid
  lines="$(truth_field "$corpus/truth.json" lines)"; bytes="$(truth_field "$corpus/truth.json" bytes)"
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  t0="$(now_s)"
  # through env, so $! is syslog-ng itself (its /proc stat and status are read)
  env LD_LIBRARY_PATH="$SNG_ROOT/usr/lib/x86_64-linux-gnu:$SNG_ROOT/lib/x86_64-linux-gnu:$SNG_ROOT/usr/lib/syslog-ng" \
    "$SNG_ROOT/usr/sbin/syslog-ng" -F -f "$run/syslog-ng.conf" -R "$run/persist" -c "$run/ctl" -p "$run/pid" \
      --module-path="$SNG_ROOT/usr/lib/syslog-ng/3.38" >"$run/syslog-ng.log" 2>&1 &
  pid=$!
  local deadline=$(( $(date +%s) + 1800 )) n=0
  while :; do
    n="$(sng_ctl stats -c "$run/ctl" 2>/dev/null | awk -F';' '$1 ~ /^dst.file/ && $5 == "written" { s += $6 } END { printf "%d", s }' || true)"
    [ "${n:-0}" -ge "$lines" ] && break
    kill -0 "$pid" 2>/dev/null || die "$label: syslog-ng exited early (see $run/syslog-ng.log)"
    [ "$(date +%s)" -lt "$deadline" ] || { kill "$pid"; die "$label: timed out at $n of $lines lines"; }
    sleep 0.1
  done
  t2="$(now_s)"
  local cpu hwm
  cpu="$(proc_cpu_s "$pid")"; hwm="$(proc_hwm_mb "$pid")"
  kill -TERM "$pid"; wait "$pid" || true
  local got; got="$(wc -l <"$run/out.log")"
  [ "$got" -eq "$lines" ] || log "$label: output has $got lines, corpus $lines"
  echo "$run/out.log" >"$run/output-path"
  python3 - "$label" "$t0" "$t2" "$bytes" "$lines" "$cpu" "$hwm" "$load0" <<'PY'
import sys
label, t0, t2, b, n, cpu, hwm, load0 = sys.argv[1:]
s = float(t2) - float(t0)
print(f"{label},syslog-ng,{s:.3f},{s:.3f},{int(b) / 1e6 / s:.1f},{int(n) / s:.0f},{cpu},{hwm},{load0}")
PY
}

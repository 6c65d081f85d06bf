# Sourced by tests/integration/replicas.sh and bench/replicas_load.sh: two local `aras serve` replicas and nginx
# in front of them. The caller owns `tmp` (a scratch directory) and the associative arrays `pid` and `port`.
#
# replica_start NAME PORT TIMEOUT_S ARAS_BINARY SERVE_ARGS...
#   Starts `ARAS_BINARY serve --host 127.0.0.1 --port PORT SERVE_ARGS...` in the background (output in
#   TMP/rNAME.out and .err) and waits up to TIMEOUT_S for "listening on"; sets pid[NAME] and port[NAME] (PORT 0:
#   the port it chose). On failure returns 1 with the reason in replica_error.
replica_start() {
  local n=$1 p=$2 secs=$3 bin=$4
  shift 4
  replica_error=""
  "$bin" serve --host 127.0.0.1 --port "$p" "$@" >"$tmp/r$n.out" 2>"$tmp/r$n.err" &
  pid[$n]=$!
  for _ in $(seq 1 $((secs * 10))); do
    if grep -q '^listening on ' "$tmp/r$n.out" 2>/dev/null; then
      port[$n]=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$tmp/r$n.out")
      return 0
    fi
    kill -0 "${pid[$n]}" 2>/dev/null || { replica_error="replica $n exited: $(cat "$tmp/r$n.err")"; return 1; }
    sleep 0.1
  done
  replica_error="replica $n did not start in $secs s"
  return 1
}

# replicas_stop WAIT_S: SIGTERM to every replica in pid, SIGQUIT to nginx (nginx_pid, when set); then waits up
# to WAIT_S for each replica and 10 s for nginx to exit.
replicas_stop() {
  local wait_s=$1 n
  for n in "${!pid[@]}"; do kill -TERM "${pid[$n]}" 2>/dev/null; done
  [[ -n ${nginx_pid:-} ]] && kill -QUIT "$nginx_pid" 2>/dev/null
  for n in "${!pid[@]}"; do timeout "$wait_s" tail --pid="${pid[$n]}" -f /dev/null 2>/dev/null; done
  [[ -n ${nginx_pid:-} ]] && timeout 10 tail --pid="$nginx_pid" -f /dev/null 2>/dev/null
  return 0
}

#
# nginx_front_start TMP CONF PORT_A PORT_B [WORKERS] [CONNECTIONS]
#   Writes TMP/nginx/aras.conf from CONF (docs/nginx-aras.conf) with its replica addresses 127.0.0.1:8081/8082
#   replaced by PORT_A/PORT_B and its listen address by a free port, checks it with `nginx -t`, starts nginx in
#   the foreground (as a background job) and waits up to 10 s for /health through it.
#   Sets nginx_pid and nport. On failure returns 1 with the reason in nginx_error (the caller fails or skips).
nginx_front_start() {
  local tmp=$1 conf=$2 pa=$3 pb=$4 workers=${5:-1} connections=${6:-512} p user_line="" up=""
  nginx_pid="" nport="" nginx_error=""
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then nport=$p; break; fi
  done
  [[ -n $nport ]] || { nginx_error="no free port for nginx"; return 1; }
  mkdir -p "$tmp/nginx"
  sed -e "s/127\.0\.0\.1:8081 /127.0.0.1:$pa /" -e "s/127\.0\.0\.1:8082 /127.0.0.1:$pb /" \
    -e "s/listen 127\.0\.0\.1:8080;/listen 127.0.0.1:$nport;/" "$conf" >"$tmp/nginx/aras.conf"
  for p in "$pa" "$pb" "$nport"; do
    grep -q "127.0.0.1:${p}[ ;]" "$tmp/nginx/aras.conf" \
      || { nginx_error="$conf: no 127.0.0.1:8080/8081/8082 line to replace"; return 1; }
  done
  [[ $(id -u) == 0 ]] && user_line="user root;"
  cat >"$tmp/nginx/nginx.conf" <<NGINX
$user_line
worker_processes $workers;
error_log $tmp/nginx/error.log warn;
pid $tmp/nginx/nginx.pid;
events { worker_connections $connections; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  include $tmp/nginx/aras.conf;
}
NGINX
  nginx -t -q -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" 2>"$tmp/nginx/test.err" \
    || { nginx_error="nginx -t rejects the configuration: $(cat "$tmp/nginx/test.err")"; return 1; }
  nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" -g 'daemon off;' 2>"$tmp/nginx/stderr" &
  nginx_pid=$!
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$nport/health"; then up=1; break; fi
    kill -0 "$nginx_pid" 2>/dev/null \
      || { nginx_error="nginx could not start: $(cat "$tmp/nginx/stderr" "$tmp/nginx/error.log" 2>/dev/null)"; return 1; }
    sleep 0.1
  done
  [[ -n $up ]] || { nginx_error="nginx did not answer in 10 s: $(cat "$tmp/nginx/error.log" 2>/dev/null)"; return 1; }
}

# Starting and stopping the platform's processes by recorded pid. Sourced, never run.
# shellcheck shell=bash

# start_process RUN_DIR NAME COMMAND... : runs COMMAND in its own session, logging to
# logs/NAME.log (appending, so a restart keeps the story). The pid file records the pid and
# its kernel start time, so a stop never signals a process that merely reused the number;
# the command is kept so `ctl start` can run it again on the same ports and data.
start_process() {
  local run_dir=$1 name=$2; shift 2
  setsid "$@" >>"$run_dir/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid $(awk '{print $22}' "/proc/$pid/stat")" >"$run_dir/pids/$name.pid"
  printf '%q ' "$@" >"$run_dir/pids/$name.cmd"
  grep -qx "$name" "$run_dir/pids/order" 2>/dev/null || echo "$name" >>"$run_dir/pids/order"
  log "started $name (pid $pid, log $run_dir/logs/$name.log)"
}

# Still the process we started? Same pid and same kernel start time.
is_ours() { [[ -r /proc/$1/stat && "$(awk '{print $22}' "/proc/$1/stat")" == "$2" ]]; }

# stop_process RUN_DIR NAME : SIGTERM, then SIGKILL after 15 s; removes the pid file.
stop_process() {
  local run_dir=$1 name=$2 file=$1/pids/$2.pid pid start_time
  [[ -f $file ]] || return 0
  read -r pid start_time <"$file"
  if is_ours "$pid" "$start_time"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while is_ours "$pid" "$start_time" && ((SECONDS < deadline)); do sleep 0.1; done
    if is_ours "$pid" "$start_time"; then
      log "$name (pid $pid) ignored SIGTERM for 15s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

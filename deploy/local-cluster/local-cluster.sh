#!/usr/bin/env bash
# A Spark standalone cluster on this host, bound to 127.0.0.1: one master, N workers (separate JVMs)
# and optionally an HDFS namenode + datanode, all from the jars Maven resolved for this build
# (deploy/spark-runtime). No Spark or Hadoop distribution needed. Run "local-cluster.sh help" for usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SELF="$ROOT/deploy/local-cluster/local-cluster.sh"
SPARK_CP_FILE="$ROOT/deploy/spark-runtime/target/spark-classpath.txt"
HDFS_CP_FILE="$ROOT/deploy/spark-runtime/target/hdfs-classpath.txt"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OPENS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED)

usage() {
  cat <<'EOF'
Usage: local-cluster.sh start  [options]
       local-cluster.sh status [--run-dir DIR]
       local-cluster.sh stop   [--run-dir DIR]
       local-cluster.sh restart-worker N [--run-dir DIR] [--timeout SECONDS]

A Spark standalone master and N workers (separate JVMs, bound to 127.0.0.1), optionally an HDFS
namenode + datanode, from the Spark jars Maven resolved (build first: mvn -B -DskipTests package).

start options (defaults in brackets):
  --run-dir DIR           logs, PIDs, work dirs, spark-defaults.conf [./promptseg-cluster]
  --workers N             number of worker JVMs [2]
  --worker-cores N        cores each worker offers [1]
  --worker-memory SIZE    memory each worker offers to executors [2g]
  --executor-memory SIZE  spark.executor.memory written to spark-defaults.conf [1g]
  --daemon-heap SIZE      heap of the master, worker and HDFS JVMs [512m]
  --master-port PORT      master RPC port [7077]
  --master-ui-port PORT   master web UI port (status reads /json/ there) [8080]
  --worker-port PORT      first worker's RPC port, worker i gets PORT+i-1; 0 = any free port [0]
  --worker-ui-port PORT   first worker's web UI port, worker i gets PORT+i-1; 0 = any free port [8081]
  --hdfs                  also start an HDFS namenode + datanode (Hadoop minicluster, one JVM)
  --hdfs-port PORT        namenode RPC port; 0 = any free port [8020]
  --hdfs-http-port PORT   namenode web UI port; 0 = any free port [9870]
  --stop-when-gone PID    stop the cluster when process PID exits (for test harnesses)
  --timeout SECONDS       how long start waits for the master, the workers and HDFS [120]

status prints the master URL, the workers the master sees alive (from its web UI's JSON), each
PID's state and the HDFS URI; it exits 0 when everything started is running, 1 otherwise.
stop terminates only the processes this run folder records (and the executors those workers
started), waits for them, then kills what is left; logs stay in the run folder.
restart-worker starts worker N again (after it died or was killed) with its original settings and
waits until it registered with the master.

The daemons (not the executors) run with the JVM options in PROMPTSEG_CLUSTER_DAEMON_OPTS
[-XX:TieredStopAtLevel=1 -XX:+UseSerialGC: they start about twice as fast on a busy machine].

Submit to the cluster with the properties file start writes:
  bin/promptseg-submit --properties-file ./promptseg-cluster/spark-defaults.conf doctor
  SPARK_CONF_DIR=./promptseg-cluster bin/promptseg-submit doctor      (same thing)
EOF
}

die() { echo "local-cluster: $*" >&2; exit 2; }
fail() { echo "local-cluster: $*" >&2; exit 1; }
log() { echo "local-cluster: $*"; }

is_port() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 <= 65535 )); }
is_count() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }
is_size() { [[ "$1" =~ ^[1-9][0-9]*[kKmMgGtT]$ ]]; }
is_pid() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }

# A recorded PID is ours only while its command line still carries this run folder's marker (guards against PID reuse).
is_ours() {
  local pid="$1"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-Dpromptseg.local-cluster=$RUN_DIR "
}

alive() { kill -0 "$1" 2>/dev/null; }

# PIDs of all descendants of a process (executors are children of their worker).
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null || true); do
    echo "$child"
    descendants "$child"
  done
}

pid_files() { ls "$RUN_DIR"/pids/*.pid 2>/dev/null || true; }

# ---- option parsing ----------------------------------------------------------------------------
COMMAND="${1:-}"
[[ $# -gt 0 ]] && shift
RUN_DIR_ARG="./promptseg-cluster"
WORKERS=2 WORKER_CORES=1 WORKER_MEMORY=2g EXECUTOR_MEMORY=1g DAEMON_HEAP=512m
MASTER_PORT=7077 MASTER_UI_PORT=8080 WORKER_PORT=0 WORKER_UI_PORT=8081
HDFS=false HDFS_PORT=8020 HDFS_HTTP_PORT=9870 OWNER_PID="" TIMEOUT=120 WORKER_INDEX=""
DAEMON_OPTS="${PROMPTSEG_CLUSTER_DAEMON_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"

need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value (see: local-cluster.sh help)"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --run-dir) need_value "$@"; RUN_DIR_ARG="$2"; shift 2 ;;
    --workers) need_value "$@"; is_count "$2" || die "--workers wants a positive integer, got '$2'"; WORKERS="$2"; shift 2 ;;
    --worker-cores) need_value "$@"; is_count "$2" || die "--worker-cores wants a positive integer, got '$2'"; WORKER_CORES="$2"; shift 2 ;;
    --worker-memory) need_value "$@"; is_size "$2" || die "--worker-memory wants a size like 2g or 1536m, got '$2'"; WORKER_MEMORY="$2"; shift 2 ;;
    --executor-memory) need_value "$@"; is_size "$2" || die "--executor-memory wants a size like 1g, got '$2'"; EXECUTOR_MEMORY="$2"; shift 2 ;;
    --daemon-heap) need_value "$@"; is_size "$2" || die "--daemon-heap wants a size like 512m, got '$2'"; DAEMON_HEAP="$2"; shift 2 ;;
    --master-port) need_value "$@"; is_port "$2" && (( $2 > 0 )) || die "--master-port wants a port 1-65535, got '$2'"; MASTER_PORT="$2"; shift 2 ;;
    --master-ui-port) need_value "$@"; is_port "$2" && (( $2 > 0 )) || die "--master-ui-port wants a port 1-65535, got '$2'"; MASTER_UI_PORT="$2"; shift 2 ;;
    --worker-port) need_value "$@"; is_port "$2" || die "--worker-port wants a port (0 = any), got '$2'"; WORKER_PORT="$2"; shift 2 ;;
    --worker-ui-port) need_value "$@"; is_port "$2" || die "--worker-ui-port wants a port (0 = any), got '$2'"; WORKER_UI_PORT="$2"; shift 2 ;;
    --hdfs) HDFS=true; shift ;;
    --hdfs-port) need_value "$@"; is_port "$2" || die "--hdfs-port wants a port (0 = any), got '$2'"; HDFS_PORT="$2"; shift 2 ;;
    --hdfs-http-port) need_value "$@"; is_port "$2" || die "--hdfs-http-port wants a port (0 = any), got '$2'"; HDFS_HTTP_PORT="$2"; shift 2 ;;
    --stop-when-gone) need_value "$@"; is_pid "$2" && alive "$2" || die "--stop-when-gone wants the PID of a running process, got '$2'"; OWNER_PID="$2"; shift 2 ;;
    --timeout) need_value "$@"; is_count "$2" || die "--timeout wants seconds, got '$2'"; TIMEOUT="$2"; shift 2 ;;
    -h|--help|help) usage; exit 0 ;;
    [0-9]*) [[ "$COMMAND" == restart-worker ]] && is_count "$1" || die "unexpected argument '$1' (see: local-cluster.sh help)"
      WORKER_INDEX="$1"; shift ;;
    *) die "unknown option '$1' (see: local-cluster.sh help)" ;;
  esac
done
case "$COMMAND" in
  start) mkdir -p "$RUN_DIR_ARG" 2>/dev/null || die "cannot create the run folder $RUN_DIR_ARG" ;;
  status|stop|restart-worker) [[ -d "$RUN_DIR_ARG" ]] || fail "no run folder $RUN_DIR_ARG (nothing was started there)" ;;
  help|-h|--help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
  *) echo "local-cluster: unknown command '$COMMAND'" >&2; usage >&2; exit 2 ;;
esac
RUN_DIR="$(cd "$RUN_DIR_ARG" && pwd)"

# ---- stop --------------------------------------------------------------------------------------
stop_cluster() {
  local f pid name kids=() stopped=0 k
  # workers first (their executors with them), then the master, HDFS, and the watchdog last
  for f in "$RUN_DIR"/pids/worker-*.pid "$RUN_DIR/pids/master.pid" "$RUN_DIR/pids/hdfs.pid" "$RUN_DIR/pids/watchdog.pid"; do
    [[ -f "$f" ]] || continue
    name="$(basename "$f" .pid)"
    pid="$(cat "$f")"
    if [[ "$name" == watchdog ]]; then
      # the watchdog is a shell loop (no JVM marker): it is ours when its command line names this script and run folder
      if [[ "$pid" != "$$" && "$pid" != "$PPID" ]] && alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN_DIR"; then
        kill "$pid" 2>/dev/null || true
      fi
      rm -f "$f"; continue
    fi
    if ! is_ours "$pid"; then
      log "$name (pid $pid) is not running"; rm -f "$f"; continue
    fi
    mapfile -t kids < <(descendants "$pid")
    log "stopping $name (pid $pid${kids:+, child processes ${kids[*]}})"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then log "$name (pid $pid) ignored SIGTERM for 10 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    for k in "${kids[@]}"; do
      for _ in $(seq 1 50); do alive "$k" || break; sleep 0.1; done
      if alive "$k"; then log "child $k of $name still running: SIGKILL"; kill -KILL "$k" 2>/dev/null || true; fi
    done
    rm -f "$f"; stopped=$((stopped + 1))
  done
  log "stopped $stopped process(es); logs are in $RUN_DIR/logs"
}

# ---- status ------------------------------------------------------------------------------------
read_env() {
  [[ -f "$RUN_DIR/cluster.env" ]] || fail "no cluster in $RUN_DIR (cluster.env missing); start one with: local-cluster.sh start --run-dir $RUN_DIR"
  # shellcheck disable=SC1091
  source "$RUN_DIR/cluster.env"
}

status_cluster() {
  read_env
  local f pid name ok=0 json alive_workers
  echo "master URL:    $MASTER_URL"
  echo "master web UI: $MASTER_WEB_UI"
  echo "HDFS URI:      ${HDFS_URI:-(not started)}"
  echo "properties:    $RUN_DIR/spark-defaults.conf"
  if [[ -z "$(pid_files)" ]]; then echo "state:         stopped"; return 1; fi
  for f in $(pid_files); do
    name="$(basename "$f" .pid)"; pid="$(cat "$f")"
    [[ "$name" == watchdog ]] && continue
    if is_ours "$pid"; then echo "$name: running (pid $pid)"; else echo "$name: NOT running (pid $pid)"; ok=1; fi
  done
  if command -v curl >/dev/null 2>&1 && json="$(curl -sf --max-time 5 "$MASTER_WEB_UI/json/" 2>/dev/null)"; then
    alive_workers="$(grep -o '"aliveworkers" *: *[0-9]*' <<<"$json" | grep -o '[0-9]*$' || echo '?')"
    echo "workers alive: $alive_workers of $WORKERS (the master's view)"
    [[ "$alive_workers" == "$WORKERS" ]] || ok=1
  else
    echo "workers alive: master web UI not answering"; ok=1
  fi
  return "$ok"
}

# ---- start -------------------------------------------------------------------------------------
wait_for() { # description, seconds, pid, test command...
  local what="$1" seconds="$2" pid="$3"; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ! alive "$pid"; then
      echo "local-cluster: $what: the process (pid $pid) died. Last log lines:" >&2
      tail -n 30 "$LOG_OF_WAIT" >&2 || true
      return 1
    fi
    if (( SECONDS >= deadline )); then
      echo "local-cluster: $what: not ready after $seconds s. Last log lines of $LOG_OF_WAIT:" >&2
      tail -n 30 "$LOG_OF_WAIT" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

# Environment and JVM command prefix shared by all daemons of this run folder (sets COMMON and SPARK_CP).
daemon_setup() {
  # Workers need SPARK_HOME with a jars/ folder (empty: executors get their classpath from spark.executor.extraClassPath)
  # and the Scala version the launcher would otherwise read from a distribution.
  export SPARK_HOME="$RUN_DIR/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$RUN_DIR/local"
  unset SPARK_CONF_DIR SPARK_MASTER_HOST SPARK_WORKER_DIR
  SPARK_CP="$(cat "$SPARK_CP_FILE")"
  local opts=()
  read -r -a opts <<<"$DAEMON_OPTS"
  COMMON=("$JAVA" "-Dpromptseg.local-cluster=$RUN_DIR" -Xmx"$DAEMON_HEAP" "${opts[@]}" "${OPENS[@]}" -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$RUN_DIR/log4j2.properties" -Djava.io.tmpdir="$RUN_DIR/local")
}

launch_worker() { # index, master URL
  local i="$1" port=0 ui=0
  (( WORKER_PORT > 0 )) && port=$((WORKER_PORT + i - 1))
  (( WORKER_UI_PORT > 0 )) && ui=$((WORKER_UI_PORT + i - 1))
  mkdir -p "$RUN_DIR/executors/worker-$i"
  # a restarted worker keeps the log of its previous life
  [[ -f "$RUN_DIR/logs/worker-$i.log" ]] && mv "$RUN_DIR/logs/worker-$i.log" "$RUN_DIR/logs/worker-$i.log.$(date +%Y%m%d-%H%M%S)"
  launch "worker-$i" "$RUN_DIR/logs/worker-$i.log" "${COMMON[@]}" -cp "$SPARK_CP" \
    org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port "$port" --webui-port "$ui" \
    --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --work-dir "$RUN_DIR/executors/worker-$i" "$2"
}

await_worker() { # index
  LOG_OF_WAIT="$RUN_DIR/logs/worker-$1.log"
  wait_for "worker $1" "$TIMEOUT" "$(cat "$RUN_DIR/pids/worker-$1.pid")" grep -q "Successfully registered with master" "$LOG_OF_WAIT"
}

launch() { # name, log file, then the command; records the PID
  local name="$1" logfile="$2"; shift 2
  "$@" </dev/null >"$logfile" 2>&1 &
  echo $! >"$RUN_DIR/pids/$name.pid"
}

start_cluster() {
  [[ -f "$SPARK_CP_FILE" ]] || die "the Maven-resolved Spark classpath is missing ($SPARK_CP_FILE); run from $ROOT:  mvn -B -DskipTests package"
  if [[ "$HDFS" == true && ! -f "$HDFS_CP_FILE" ]]; then
    die "the HDFS classpath is missing ($HDFS_CP_FILE); run from $ROOT:  mvn -B -DskipTests package"
  fi
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA_HOME or put java on PATH)"
  local f
  for f in $(pid_files); do
    if [[ "$(basename "$f")" != watchdog.pid ]] && is_ours "$(cat "$f")"; then
      fail "a cluster is already running in $RUN_DIR ($(basename "$f" .pid), pid $(cat "$f")); stop it first: local-cluster.sh stop --run-dir $RUN_DIR"
    fi
  done
  rm -rf "$RUN_DIR/pids" "$RUN_DIR/spark-home" "$RUN_DIR/hdfs" "$RUN_DIR/cluster.env" "$RUN_DIR/spark-defaults.conf"
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs" "$RUN_DIR/spark-home/jars" "$RUN_DIR/executors" "$RUN_DIR/local"
  cat >"$RUN_DIR/log4j2.properties" <<'EOF'
# Logging of the local cluster's daemons (written by local-cluster.sh start).
rootLogger.level = info
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex
logger.jetty.name = org.sparkproject.jetty
logger.jetty.level = warn
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = warn
logger.hdfsstate.name = org.apache.hadoop.hdfs.StateChange
logger.hdfsstate.level = warn
EOF
  daemon_setup

  if [[ "$HDFS" == true ]]; then
    # HDFS first: it takes longest to come up, and the Spark daemons start meanwhile.
    mkdir -p "$RUN_DIR/hdfs"
    launch hdfs "$RUN_DIR/logs/hdfs.log" "${COMMON[@]}" -Dtest.build.data="$RUN_DIR/hdfs/data" -cp "$(cat "$HDFS_CP_FILE")" \
      org.apache.hadoop.mapreduce.MiniHadoopClusterManager -nomr -format -datanodes 1 \
      -nnport "$HDFS_PORT" -nnhttpport "$HDFS_HTTP_PORT" \
      -D hdfs.minidfs.basedir="$RUN_DIR/hdfs/data" -D dfs.replication=1 \
      -D dfs.namenode.rpc-bind-host=127.0.0.1 -D dfs.namenode.http-bind-host=127.0.0.1 -D dfs.namenode.servicerpc-bind-host=127.0.0.1 \
      -D dfs.datanode.address=127.0.0.1:0 -D dfs.datanode.http.address=127.0.0.1:0 -D dfs.datanode.ipc.address=127.0.0.1:0 \
      -D dfs.datanode.hostname=127.0.0.1 -D dfs.permissions.enabled=false \
      -writeDetails "$RUN_DIR/hdfs/details.json" -writeConfig "$RUN_DIR/hdfs/core-site.xml"
  fi

  launch master "$RUN_DIR/logs/master.log" "${COMMON[@]}" -Dspark.master.rest.enabled=false -cp "$SPARK_CP" \
    org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$MASTER_UI_PORT"
  local master_pid; master_pid="$(cat "$RUN_DIR/pids/master.pid")"
  local master_url="spark://127.0.0.1:$MASTER_PORT"
  LOG_OF_WAIT="$RUN_DIR/logs/master.log"
  if ! wait_for "master" "$TIMEOUT" "$master_pid" grep -q "New state: ALIVE" "$RUN_DIR/logs/master.log"; then
    stop_cluster >&2; fail "the master did not start (is port $MASTER_PORT or $MASTER_UI_PORT in use?)"
  fi

  local i
  for ((i = 1; i <= WORKERS; i++)); do
    launch_worker "$i" "$master_url"
  done
  for ((i = 1; i <= WORKERS; i++)); do
    if ! await_worker "$i"; then
      stop_cluster >&2; fail "worker $i did not register with the master"
    fi
  done

  local hdfs_uri=""
  if [[ "$HDFS" == true ]]; then
    LOG_OF_WAIT="$RUN_DIR/logs/hdfs.log"
    if ! wait_for "HDFS" "$TIMEOUT" "$(cat "$RUN_DIR/pids/hdfs.pid")" test -s "$RUN_DIR/hdfs/details.json"; then
      stop_cluster >&2; fail "HDFS did not start (is port $HDFS_PORT or $HDFS_HTTP_PORT in use?)"
    fi
    local nn_port; nn_port="$(grep -o '"namenode_port" *: *[0-9]*' "$RUN_DIR/hdfs/details.json" | grep -o '[0-9]*$')"
    hdfs_uri="hdfs://127.0.0.1:$nn_port"
  fi

  if [[ -n "$OWNER_PID" ]]; then
    # stops the cluster when the owner (e.g. a test JVM) is gone, however it ended
    nohup bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec "$2" stop --run-dir "$3"' \
      watchdog "$OWNER_PID" "$SELF" "$RUN_DIR" </dev/null >>"$RUN_DIR/logs/watchdog.log" 2>&1 &
    echo $! >"$RUN_DIR/pids/watchdog.pid"
  fi

  {
    echo "# Spark properties for applications on the local cluster in this folder (written by local-cluster.sh start)."
    echo "# Use: bin/promptseg-submit --properties-file $RUN_DIR/spark-defaults.conf COMMAND ..."
    echo "spark.master                                 $master_url"
    echo "spark.driver.host                            127.0.0.1"
    echo "spark.driver.bindAddress                     127.0.0.1"
    echo "# executors start from an empty SPARK_HOME/jars: Spark itself comes from the Maven-resolved classpath"
    echo "spark.executor.extraClassPath                $SPARK_CP"
    echo "spark.executor.memory                        $EXECUTOR_MEMORY"
    echo "# wait until every worker's executor registered before scheduling the first task (at most 30 s)"
    echo "spark.cores.max                              $((WORKERS * WORKER_CORES))"
    echo "spark.scheduler.minRegisteredResourcesRatio  1.0"
  } >"$RUN_DIR/spark-defaults.conf"
  {
    printf 'MASTER_URL=%q\n' "$master_url"
    printf 'MASTER_WEB_UI=%q\n' "http://127.0.0.1:$MASTER_UI_PORT"
    printf 'WORKERS=%q\n' "$WORKERS"
    printf 'HDFS_URI=%q\n' "$hdfs_uri"
    printf 'SPARK_DEFAULTS=%q\n' "$RUN_DIR/spark-defaults.conf"
    # what restart-worker needs to start a worker exactly as start did
    printf 'WORKER_CORES=%q\nWORKER_MEMORY=%q\nWORKER_PORT=%q\nWORKER_UI_PORT=%q\nDAEMON_HEAP=%q\nDAEMON_OPTS=%q\n' \
      "$WORKER_CORES" "$WORKER_MEMORY" "$WORKER_PORT" "$WORKER_UI_PORT" "$DAEMON_HEAP" "$DAEMON_OPTS"
  } >"$RUN_DIR/cluster.env"

  log "master $master_url (web UI http://127.0.0.1:$MASTER_UI_PORT, pid $master_pid)"
  for ((i = 1; i <= WORKERS; i++)); do
    log "worker $i registered ($WORKER_CORES cores, $WORKER_MEMORY, pid $(cat "$RUN_DIR/pids/worker-$i.pid"))"
  done
  [[ -n "$hdfs_uri" ]] && log "HDFS $hdfs_uri (pid $(cat "$RUN_DIR/pids/hdfs.pid"))"
  log "properties file: $RUN_DIR/spark-defaults.conf"
  log "stop with: $SELF stop --run-dir $RUN_DIR"
}

# ---- restart-worker ----------------------------------------------------------------------------
restart_worker() {
  [[ -n "$WORKER_INDEX" ]] || die "restart-worker needs the worker number, e.g. local-cluster.sh restart-worker 1 --run-dir $RUN_DIR"
  local timeout="$TIMEOUT"
  read_env
  TIMEOUT="$timeout"
  (( WORKER_INDEX <= WORKERS )) || die "worker $WORKER_INDEX does not exist: this cluster has workers 1..$WORKERS"
  local f="$RUN_DIR/pids/worker-$WORKER_INDEX.pid"
  if [[ -f "$f" ]] && is_ours "$(cat "$f")"; then
    fail "worker $WORKER_INDEX is running (pid $(cat "$f")); nothing to restart"
  fi
  is_ours "$(cat "$RUN_DIR/pids/master.pid" 2>/dev/null || echo 0)" || fail "the master of $RUN_DIR is not running; start the cluster again"
  daemon_setup
  launch_worker "$WORKER_INDEX" "$MASTER_URL"
  if ! await_worker "$WORKER_INDEX"; then
    fail "worker $WORKER_INDEX did not register with the master again"
  fi
  log "worker $WORKER_INDEX registered again ($WORKER_CORES cores, $WORKER_MEMORY, pid $(cat "$f"))"
}

case "$COMMAND" in
  start) start_cluster ;;
  status) status_cluster ;;
  stop) stop_cluster ;;
  restart-worker) restart_worker ;;
esac

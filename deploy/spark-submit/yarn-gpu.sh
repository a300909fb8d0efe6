#!/usr/bin/env bash
# promptseg on YARN with NVIDIA GPU executors and a Kerberos-secured HDFS (cluster mode: the driver
# runs in the YARN application master).
#
#   deploy/spark-submit/yarn-gpu.sh COMMAND [promptseg options]
#   PRINCIPAL=promptseg@HOSPITAL.ORG KEYTAB=/etc/security/keytabs/promptseg.keytab QUEUE=gpu \
#     deploy/spark-submit/yarn-gpu.sh tune --store hdfs://nameservice1/promptseg/store \
#       --patches hdfs://nameservice1/promptseg/patches --centers c7
#
# Every UPPER_CASE setting below can be set from the environment. See README.md beside this file.
#
# YARN side (once, by the cluster admins): GPU scheduling and isolation enabled in the
# NodeManagers (resource type yarn.io/gpu); Spark maps spark.executor.resource.gpu.amount onto it.
# YARN does not tell an executor which GPU it got, so the executor runs the discovery script, shipped
# here with --files. HADOOP_CONF_DIR (or YARN_CONF_DIR) must point at the cluster's client configuration.
set -euo pipefail

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}
if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage >&2; exit 2
fi
[[ -n "${SPARK_HOME:-}" ]] || { echo "yarn-gpu: set SPARK_HOME to a Spark 4.1 (Scala 2.13) installation" >&2; exit 2; }
[[ -n "${HADOOP_CONF_DIR:-}" ]] || { echo "yarn-gpu: set HADOOP_CONF_DIR to the cluster client configuration (core-site.xml, yarn-site.xml)" >&2; exit 2; }
[[ -x "$SPARK_HOME/bin/spark-submit" ]] || { echo "yarn-gpu: $SPARK_HOME/bin/spark-submit not found or not executable" >&2; exit 2; }
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Secured HDFS: Spark logs in with the keytab, obtains delegation tokens for HDFS and renews them
# for the whole run (a tune job can outlive a ticket). Leave both empty on an unsecured cluster.
PRINCIPAL="${PRINCIPAL:-}"
KEYTAB="${KEYTAB:-}"
QUEUE="${QUEUE:-default}"
# the assembly jar built with:  mvn -B -DskipTests -Pcuda package   (nd4j-cuda-11.6 inside, no Spark)
PROMPTSEG_JAR="${PROMPTSEG_JAR:-$(ls "$ROOT"/spark-jobs/target/promptseg-spark-jobs-*-assembly.jar 2>/dev/null | head -n 1 || true)}"
[[ -f "$PROMPTSEG_JAR" ]] || { echo "yarn-gpu: no assembly jar (set PROMPTSEG_JAR, or build: mvn -B -DskipTests -Pcuda package)" >&2; exit 2; }
DISCOVERY_SCRIPT="${DISCOVERY_SCRIPT:-$ROOT/deploy/gpu/discover-gpus.sh}"
EXECUTORS="${EXECUTORS:-4}"              # executors = GPUs used (one GPU per executor, DESIGN §11)
EXECUTOR_CORES="${EXECUTOR_CORES:-4}"    # = promptseg.spark.threads-per-task: one task (one GPU) per executor at a time
EXECUTOR_HEAP_GB="${EXECUTOR_HEAP_GB:-8}"
NATIVE_MAX_GB="${NATIVE_MAX_GB:-12}"     # promptseg.native.max-bytes: ND4J's off-heap host memory per executor
NATIVE_MARGIN_GB="${NATIVE_MARGIN_GB:-2}" # promptseg.native.overhead-margin: netty buffers, CUDA context, libraries

OVERHEAD_GB=$((NATIVE_MAX_GB + NATIVE_MARGIN_GB))   # YARN kills a container that exceeds heap + overhead
PHYSICAL_GB=$((EXECUTOR_HEAP_GB + OVERHEAD_GB))
# The CUDA build has no platform extension (the CPU default is -onednn-avx2): the empty value is deliberate.
# JavaCPP unpacks its libraries into the container's working directory (./javacpp), cleaned by YARN.
NATIVE_OPTS="-Dorg.bytedeco.javacpp.platform.extension= -Dorg.bytedeco.javacpp.maxbytes=${NATIVE_MAX_GB}g"
NATIVE_OPTS+=" -Dorg.bytedeco.javacpp.maxphysicalbytes=${PHYSICAL_GB}g -Dorg.bytedeco.javacpp.cachedir=./javacpp"

KERBEROS=()
if [[ -n "$PRINCIPAL" || -n "$KEYTAB" ]]; then
  [[ -n "$PRINCIPAL" && -f "$KEYTAB" ]] || { echo "yarn-gpu: set both PRINCIPAL and KEYTAB (a readable file), or neither" >&2; exit 2; }
  KERBEROS=(--principal "$PRINCIPAL" --keytab "$KEYTAB")
fi

# Java 17: Spark adds its own --add-opens to driver and executors; promptseg needs nothing more.
exec "$SPARK_HOME/bin/spark-submit" \
  --master yarn \
  --deploy-mode cluster \
  --queue "$QUEUE" \
  "${KERBEROS[@]}" \
  --class org.promptseg.jobs.cli.PromptsegCli \
  --name "promptseg $1" \
  --files "$DISCOVERY_SCRIPT" \
  --driver-memory 4g \
  --conf spark.driver.memoryOverhead=2g \
  --conf spark.driver.extraJavaOptions="$NATIVE_OPTS -Djava.awt.headless=true" \
  --num-executors "$EXECUTORS" \
  --executor-memory "${EXECUTOR_HEAP_GB}g" \
  --executor-cores "$EXECUTOR_CORES" \
  --conf spark.executor.memoryOverhead="${OVERHEAD_GB}g" \
  --conf spark.executor.extraJavaOptions="$NATIVE_OPTS" \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.executor.resource.gpu.discoveryScript="./$(basename "$DISCOVERY_SCRIPT")" \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.task.cpus="$EXECUTOR_CORES" \
  --conf spark.executorEnv.OMP_NUM_THREADS="$EXECUTOR_CORES" \
  --conf spark.yarn.maxAppAttempts=1 \
  "$PROMPTSEG_JAR" \
  "$@" \
  --set promptseg.spark.threads-per-task="$EXECUTOR_CORES" \
  --set promptseg.native.platform-extension= \
  --set promptseg.native.max-bytes="${NATIVE_MAX_GB}g" \
  --set promptseg.native.max-physical-bytes="${PHYSICAL_GB}g" \
  --set promptseg.native.overhead-margin="${NATIVE_MARGIN_GB}g"

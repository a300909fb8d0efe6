#!/usr/bin/env bash
# promptseg on a Spark standalone cluster with NVIDIA GPU executors (client mode: the driver runs here).
#
#   deploy/spark-submit/standalone-gpu.sh COMMAND [promptseg options]
#   MASTER=spark://gpu-head:7077 EXECUTORS=4 deploy/spark-submit/standalone-gpu.sh \
#       tune --store hdfs://namenode:8020/promptseg/store --patches hdfs://namenode:8020/promptseg/patches --centers c7
#
# Every UPPER_CASE setting below can be set from the environment. See README.md beside this file.
#
# The workers must offer their GPUs to Spark (once per worker host, in conf/spark-env.sh of the
# Spark installation there), e.g. for a host with 4 GPUs:
#   SPARK_WORKER_OPTS="-Dspark.worker.resource.gpu.amount=4 \
#     -Dspark.worker.resource.gpu.discoveryScript=/opt/promptseg/discover-gpus.sh"
# The worker runs the discovery script and hands each executor the addresses it was given; the
# executors themselves need no discovery script in standalone mode.
set -euo pipefail

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}
if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage >&2; exit 2
fi
[[ -n "${SPARK_HOME:-}" ]] || { echo "standalone-gpu: set SPARK_HOME to a Spark 4.1 (Scala 2.13) installation" >&2; exit 2; }
[[ -x "$SPARK_HOME/bin/spark-submit" ]] || { echo "standalone-gpu: $SPARK_HOME/bin/spark-submit not found or not executable" >&2; exit 2; }
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

MASTER="${MASTER:-spark://spark-master:7077}"
# the assembly jar built with:  mvn -B -DskipTests -Pcuda package   (nd4j-cuda-11.6 inside, no Spark)
PROMPTSEG_JAR="${PROMPTSEG_JAR:-$(ls "$ROOT"/spark-jobs/target/promptseg-spark-jobs-*-assembly.jar 2>/dev/null | head -n 1 || true)}"
[[ -f "$PROMPTSEG_JAR" ]] || { echo "standalone-gpu: no assembly jar (set PROMPTSEG_JAR, or build: mvn -B -DskipTests -Pcuda package)" >&2; exit 2; }
EXECUTORS="${EXECUTORS:-4}"              # executors = GPUs used (one GPU per executor, DESIGN §11)
EXECUTOR_CORES="${EXECUTOR_CORES:-4}"    # = promptseg.spark.threads-per-task: one task (one GPU) per executor at a time
EXECUTOR_HEAP_GB="${EXECUTOR_HEAP_GB:-8}"
NATIVE_MAX_GB="${NATIVE_MAX_GB:-12}"     # promptseg.native.max-bytes: ND4J's off-heap host memory per executor
NATIVE_MARGIN_GB="${NATIVE_MARGIN_GB:-2}" # promptseg.native.overhead-margin: netty buffers, CUDA context, libraries
JAVACPP_CACHE="${JAVACPP_CACHE:-/tmp/promptseg-javacpp}"   # where JavaCPP unpacks the native libraries

OVERHEAD_GB=$((NATIVE_MAX_GB + NATIVE_MARGIN_GB))
PHYSICAL_GB=$((EXECUTOR_HEAP_GB + OVERHEAD_GB))
# The CUDA build has no platform extension (the CPU default is -onednn-avx2): the empty value is deliberate.
NATIVE_OPTS="-Dorg.bytedeco.javacpp.platform.extension= -Dorg.bytedeco.javacpp.maxbytes=${NATIVE_MAX_GB}g"
NATIVE_OPTS+=" -Dorg.bytedeco.javacpp.maxphysicalbytes=${PHYSICAL_GB}g -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE"

# Java 17: Spark adds its own --add-opens to driver and executors; promptseg needs nothing more.
exec "$SPARK_HOME/bin/spark-submit" \
  --master "$MASTER" \
  --deploy-mode client \
  --class org.promptseg.jobs.cli.PromptsegCli \
  --name "promptseg $1" \
  --driver-memory 4g \
  --driver-java-options "$NATIVE_OPTS -Djava.awt.headless=true" \
  --executor-memory "${EXECUTOR_HEAP_GB}g" \
  --executor-cores "$EXECUTOR_CORES" \
  --total-executor-cores $((EXECUTORS * EXECUTOR_CORES)) \
  --conf spark.executor.memoryOverhead="${OVERHEAD_GB}g" \
  --conf spark.executor.extraJavaOptions="$NATIVE_OPTS" \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.task.cpus="$EXECUTOR_CORES" \
  --conf spark.executorEnv.OMP_NUM_THREADS="$EXECUTOR_CORES" \
  "$PROMPTSEG_JAR" \
  "$@" \
  --set promptseg.spark.threads-per-task="$EXECUTOR_CORES" \
  --set promptseg.native.platform-extension= \
  --set promptseg.native.max-bytes="${NATIVE_MAX_GB}g" \
  --set promptseg.native.max-physical-bytes="${PHYSICAL_GB}g" \
  --set promptseg.native.overhead-margin="${NATIVE_MARGIN_GB}g"

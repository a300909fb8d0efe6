#!/usr/bin/env bash
# promptseg on Kubernetes with NVIDIA GPU executors (cluster mode: the driver runs in a pod).
#
#   deploy/spark-submit/k8s-gpu.sh COMMAND [promptseg options]
#   K8S_API=https://k8s-api.hospital.org:6443 IMAGE=REGISTRY/promptseg:0.1.0-cuda NAMESPACE=promptseg \
#     deploy/spark-submit/k8s-gpu.sh tune --store hdfs://namenode:8020/promptseg/store \
#       --patches hdfs://namenode:8020/promptseg/patches --centers c7
#
# Every UPPER_CASE setting below can be set from the environment. See README.md beside this file.
#
# The image is deploy/container/Dockerfile (Spark 4.1 + the -Pcuda assembly jar + the discovery
# script). The cluster needs the NVIDIA device plugin (resource nvidia.com/gpu), a namespace and a
# service account allowed to create pods, services and config maps in it.
set -euo pipefail

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}
if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage >&2; exit 2
fi
[[ -n "${SPARK_HOME:-}" ]] || { echo "k8s-gpu: set SPARK_HOME to a Spark 4.1 (Scala 2.13) installation (only spark-submit runs here)" >&2; exit 2; }
[[ -n "${K8S_API:-}" ]] || { echo "k8s-gpu: set K8S_API to the Kubernetes API server URL, e.g. https://k8s-api.hospital.org:6443" >&2; exit 2; }
[[ -n "${IMAGE:-}" ]] || { echo "k8s-gpu: set IMAGE to the promptseg image built from deploy/container/Dockerfile" >&2; exit 2; }
[[ -x "$SPARK_HOME/bin/spark-submit" ]] || { echo "k8s-gpu: $SPARK_HOME/bin/spark-submit not found or not executable" >&2; exit 2; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

NAMESPACE="${NAMESPACE:-promptseg}"
SERVICE_ACCOUNT="${SERVICE_ACCOUNT:-promptseg-spark}"
POD_TEMPLATE="${POD_TEMPLATE:-$HERE/k8s/executor-gpu-pod-template.yaml}"
# inside the image (deploy/container/Dockerfile); local:// = read from the container's own filesystem
APP_JAR="${APP_JAR:-local:///opt/promptseg/promptseg-spark-jobs-assembly.jar}"
DISCOVERY_SCRIPT="${DISCOVERY_SCRIPT:-/opt/promptseg/discover-gpus.sh}"
EXECUTORS="${EXECUTORS:-4}"              # executors = GPUs used (one GPU per executor pod, DESIGN §11)
EXECUTOR_CORES="${EXECUTOR_CORES:-4}"    # = promptseg.spark.threads-per-task: one task (one GPU) per executor at a time
EXECUTOR_HEAP_GB="${EXECUTOR_HEAP_GB:-8}"
NATIVE_MAX_GB="${NATIVE_MAX_GB:-12}"     # promptseg.native.max-bytes: ND4J's off-heap host memory per executor
NATIVE_MARGIN_GB="${NATIVE_MARGIN_GB:-4}" # promptseg.native.overhead-margin: netty, CUDA context, and the 2 GiB /dev/shm of the pod template
# Kerberos-secured HDFS: a secret holding the keytab, mounted into driver and executors.
# Leave empty on an unsecured HDFS. (Alternatively: spark-submit --principal/--keytab, which uploads
# the keytab through spark.kubernetes.file.upload.path.)
KEYTAB_SECRET="${KEYTAB_SECRET:-}"       # e.g. promptseg-keytab (key: promptseg.keytab)
PRINCIPAL="${PRINCIPAL:-}"               # e.g. promptseg@HOSPITAL.ORG

OVERHEAD_GB=$((NATIVE_MAX_GB + NATIVE_MARGIN_GB))   # the pod memory limit = heap + overhead; the kernel kills beyond it
PHYSICAL_GB=$((EXECUTOR_HEAP_GB + OVERHEAD_GB))
# The CUDA build has no platform extension (the CPU default is -onednn-avx2): the empty value is deliberate.
NATIVE_OPTS="-Dorg.bytedeco.javacpp.platform.extension= -Dorg.bytedeco.javacpp.maxbytes=${NATIVE_MAX_GB}g"
NATIVE_OPTS+=" -Dorg.bytedeco.javacpp.maxphysicalbytes=${PHYSICAL_GB}g -Dorg.bytedeco.javacpp.cachedir=/opt/promptseg/javacpp-cache"

KERBEROS=()
if [[ -n "$KEYTAB_SECRET" || -n "$PRINCIPAL" ]]; then
  [[ -n "$KEYTAB_SECRET" && -n "$PRINCIPAL" ]] || { echo "k8s-gpu: set both KEYTAB_SECRET and PRINCIPAL, or neither" >&2; exit 2; }
  KERBEROS=(
    --conf "spark.kubernetes.driver.secrets.$KEYTAB_SECRET=/mnt/secrets/kerberos"
    --conf "spark.kubernetes.executor.secrets.$KEYTAB_SECRET=/mnt/secrets/kerberos"
    --conf spark.kerberos.principal="$PRINCIPAL"
    --conf spark.kerberos.keytab=/mnt/secrets/kerberos/promptseg.keytab
  )
fi

# Java 17: Spark adds its own --add-opens to driver and executors; promptseg needs nothing more.
exec "$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" \
  --deploy-mode cluster \
  --class org.promptseg.jobs.cli.PromptsegCli \
  --name "promptseg-$1" \
  "${KERBEROS[@]}" \
  --conf spark.kubernetes.namespace="$NAMESPACE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="$SERVICE_ACCOUNT" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.container.image.pullPolicy=IfNotPresent \
  --conf spark.kubernetes.executor.podTemplateFile="$POD_TEMPLATE" \
  --conf spark.kubernetes.executor.podTemplateContainerName=spark-kubernetes-executor \
  --driver-memory 4g \
  --conf spark.driver.memoryOverhead=2g \
  --conf spark.driver.extraJavaOptions="$NATIVE_OPTS -Djava.awt.headless=true" \
  --conf spark.executor.instances="$EXECUTORS" \
  --executor-memory "${EXECUTOR_HEAP_GB}g" \
  --executor-cores "$EXECUTOR_CORES" \
  --conf spark.executor.memoryOverhead="${OVERHEAD_GB}g" \
  --conf spark.executor.extraJavaOptions="$NATIVE_OPTS" \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.executor.resource.gpu.discoveryScript="$DISCOVERY_SCRIPT" \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.task.cpus="$EXECUTOR_CORES" \
  --conf spark.executorEnv.OMP_NUM_THREADS="$EXECUTOR_CORES" \
  "$APP_JAR" \
  "$@" \
  --set promptseg.spark.threads-per-task="$EXECUTOR_CORES" \
  --set promptseg.native.platform-extension= \
  --set promptseg.native.max-bytes="${NATIVE_MAX_GB}g" \
  --set promptseg.native.max-physical-bytes="${PHYSICAL_GB}g" \
  --set promptseg.native.overhead-margin="${NATIVE_MARGIN_GB}g"

#!/usr/bin/env bash
# Spark GPU resource discovery for promptseg executors (and drivers) on NVIDIA nodes.
#
# Spark runs this script once when an executor starts, with no arguments, and reads one JSON object
# from its stdout:   {"name": "gpu", "addresses": ["0", "1"]}
# Point Spark at it with
#   --conf spark.executor.resource.gpu.discoveryScript=/path/to/discover-gpus.sh
# (the file must exist on every GPU node, or be shipped with --files and named by its file name).
#
# Addresses are the GPU indices nvidia-smi reports, as the CUDA runtime of the executor numbers them
# (in a container that sees only its own GPUs, they start at 0). Behaviour:
#   GPUs found           -> their indices, exit 0
#   no GPU on the node   -> {"name": "gpu", "addresses": []}, exit 0 (Spark then refuses the executor:
#                           it asked for GPUs the node does not have)
#   nvidia-smi missing or failing (driver not loaded, ...) -> a message on stderr, exit 1, nothing on
#                           stdout: the executor fails to start and its log says why
# Needs bash and nvidia-smi only.
set -euo pipefail

if [[ $# -gt 0 ]]; then
  case "$1" in
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "discover-gpus: takes no arguments (Spark calls it without any); got '$1'. See --help." >&2; exit 2 ;;
  esac
fi

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "discover-gpus: nvidia-smi not found on PATH ($PATH): this node has no NVIDIA driver utilities; install them or do not request GPUs for its executors" >&2
  exit 1
fi

# stderr of nvidia-smi passes through to ours (Spark puts it in the executor log)
if out="$(nvidia-smi --query-gpu=index --format=csv,noheader)"; then
  rc=0
else
  rc=$?
fi
if (( rc != 0 )); then
  if [[ "$out" == *"No devices were found"* ]]; then
    out=""
  else
    echo "discover-gpus: nvidia-smi failed with exit code $rc${out:+: $out}" >&2
    exit 1
  fi
fi

addresses=()
while IFS= read -r line; do
  [[ "$line" == *"No devices were found"* ]] && continue
  line="${line//[$'\r\t ']/}"
  [[ -z "$line" ]] && continue
  if [[ ! "$line" =~ ^[0-9]+$ ]]; then
    echo "discover-gpus: unexpected line in the output of nvidia-smi --query-gpu=index: '$line' (expected a GPU index)" >&2
    exit 1
  fi
  addresses+=("\"$line\"")
done <<<"$out"

joined=""
for a in "${addresses[@]}"; do
  joined+="${joined:+, }$a"
done
printf '{"name": "gpu", "addresses": [%s]}\n' "$joined"

#!/usr/bin/env bash
# Scheduled re-tuning, the way cron (or any scheduler that runs a command) should call it.
#
#   deploy/schedule/retune.sh --collection URI --store URI [more options of promptseg retune]
#
# Runs `promptseg retune` with the given options, keeps its whole output in one log file per run, and
# prints something only when a person should look, so that cron mails only then:
#   exit 0  nothing to do, candidates promoted, or centers skipped because another run holds them: silent
#   exit 3  a candidate was not promoted (gate refused it, or production moved meanwhile): the results and the report
#   other   a failure (bad data, store, Spark, usage): the last lines of the log
# and exits with promptseg's exit code. A copy started while another runs on this host exits 0 at once
# (flock); the store's per-center locks keep runs on different hosts apart.
#
# Environment (all optional):
#   PROMPTSEG_HOME         promptseg checkout or installation (default: two folders above this script)
#   PROMPTSEG_SUBMIT_ARGS  spark-submit options; when set, the job goes through bin/promptseg-submit with them,
#                          e.g. "--properties-file /etc/promptseg/spark-defaults.conf"; when unset, bin/promptseg (local mode)
#   PROMPTSEG_BIN          the launcher to run instead of bin/promptseg or bin/promptseg-submit
#   PROMPTSEG_LOG_DIR      where the per-run logs go (default: $XDG_STATE_HOME/promptseg/retune or ~/.local/state/...)
#   PROMPTSEG_LOG_KEEP     newest logs kept (default 60)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOME_DIR="${PROMPTSEG_HOME:-$(cd "$HERE/../.." && pwd)}"
LOG_DIR="${PROMPTSEG_LOG_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/promptseg/retune}"
KEEP="${PROMPTSEG_LOG_KEEP:-60}"

if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

LAUNCHER=()
if [[ -n "${PROMPTSEG_BIN:-}" ]]; then
  LAUNCHER=("$PROMPTSEG_BIN")
elif [[ -n "${PROMPTSEG_SUBMIT_ARGS:-}" ]]; then
  LAUNCHER=("$HOME_DIR/bin/promptseg-submit")
else
  LAUNCHER=("$HOME_DIR/bin/promptseg")
fi
if [[ -n "${PROMPTSEG_SUBMIT_ARGS:-}" ]]; then
  # word splitting is intended: spark-submit options, space separated
  # shellcheck disable=SC2206
  LAUNCHER+=($PROMPTSEG_SUBMIT_ARGS)
fi

mkdir -p "$LOG_DIR" || { echo "retune.sh: cannot create the log folder $LOG_DIR" >&2; exit 4; }

# one run per host at a time; an overlapping start is not news
if command -v flock >/dev/null 2>&1; then
  exec 9>"$LOG_DIR/.lock"
  flock -n 9 || exit 0
fi

LOG="$LOG_DIR/retune-$(date -u +%Y%m%d-%H%M%S)-$$.log"
"${LAUNCHER[@]}" retune "$@" >"$LOG" 2>&1
CODE=$?

case "$CODE" in
  0) ;;
  3)
    echo "promptseg retune: a candidate was not promoted (exit 3); production is unchanged. Log: $LOG"
    # the result lines of the command's output (progress lines start with "[")
    awk '/^results:/ {p = 1} p && !/^\[/' "$LOG"
    ;;
  *)
    echo "promptseg retune FAILED (exit $CODE). Log: $LOG"
    tail -n 40 "$LOG"
    ;;
esac

# keep the newest logs only
ls -1t "$LOG_DIR"/retune-*.log 2>/dev/null | tail -n +"$((KEEP + 1))" | while read -r old; do rm -f -- "$old"; done
exit "$CODE"

"""Airflow DAG: nightly ``promptseg retune``, with its exit codes mapped onto task states.

Copy this file into the DAG folder of an Airflow 2.6+ (or 3.x) installation whose workers can run
``bin/promptseg-submit`` (a promptseg installation, Java 17 and a Spark client set up for the cluster).
Settings come from Airflow Variables, read when the task runs (not when the DAG file is parsed):
``promptseg_home``, ``promptseg_submit_args``, ``promptseg_collection``, ``promptseg_store``.

Exit codes of ``promptseg retune`` and what they become here:

* 0  nothing to do, candidates promoted, or centers skipped because another run holds their lock:
     ``retune`` succeeds.
* 3  a candidate was not promoted (the gate refused it, or production moved meanwhile); production is
     unchanged: ``retune`` ends *skipped* and ``candidate_refused`` runs, so the refusal is visible
     without looking like a broken pipeline. Replace its callable with your notification.
* 2, 4, anything else  usage error or failure: ``retune`` fails (Airflow's failure alerts apply).
  No retries: promptseg's verdicts are final, and a run killed halfway is picked up by the next one
  (its center locks go stale after ``promptseg.store.stale-lock-age``).
"""
from __future__ import annotations

import pendulum

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.6+
    from airflow import DAG
    from airflow.operators.bash import BashOperator
    from airflow.operators.python import PythonOperator

SETTINGS = {
    "PROMPTSEG_HOME": "{{ var.value.get('promptseg_home', '/opt/promptseg') }}",
    "PROMPTSEG_SUBMIT_ARGS": "{{ var.value.get('promptseg_submit_args', '--properties-file /etc/promptseg/spark-defaults.conf') }}",
    "PROMPTSEG_COLLECTION": "{{ var.value.get('promptseg_collection', 'hdfs://namenode:8020/promptseg/collection/centers.json') }}",
    "PROMPTSEG_STORE": "{{ var.value.get('promptseg_store', 'hdfs://namenode:8020/promptseg/store') }}",
    # one run folder per try: a cleared and re-run task must not collide with the folder of its first try
    "PROMPTSEG_RUN_ID": "retune-airflow-{{ ts_nodash | lower }}-{{ ti.try_number }}",
}

RETUNE = (
    '"$PROMPTSEG_HOME/bin/promptseg-submit" $PROMPTSEG_SUBMIT_ARGS retune'
    ' --collection "$PROMPTSEG_COLLECTION" --store "$PROMPTSEG_STORE" --run-id "$PROMPTSEG_RUN_ID"'
)


def candidate_refused(templates_dict, **_):
    """Runs only when retune exited 3: say where the report is (replace with your notification)."""
    print(
        "promptseg retune refused a candidate; production is unchanged. Report: "
        f"{templates_dict['store']}/runs/{templates_dict['run_prefix']}-<try>/index.html"
    )


with DAG(
    dag_id="promptseg_retune",
    description="Re-tune promptseg prompts for new or changed centers; promote only through the gate",
    schedule="17 2 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,          # retune looks at the data as it is now: missed nights need no replay
    max_active_runs=1,      # never two runs at once (the store's per-center locks guard the rest)
    default_args={"retries": 0},
    tags=["promptseg"],
) as dag:
    retune = BashOperator(
        task_id="retune",
        bash_command=RETUNE,
        env=SETTINGS,
        append_env=True,        # keep the worker's PATH, JAVA_HOME, SPARK_HOME, HADOOP_CONF_DIR
        skip_on_exit_code=[3],
        execution_timeout=pendulum.duration(hours=12),
    )
    refused = PythonOperator(
        task_id="candidate_refused",
        python_callable=candidate_refused,
        templates_dict={"store": SETTINGS["PROMPTSEG_STORE"], "run_prefix": "retune-airflow-{{ ts_nodash | lower }}"},
        trigger_rule="all_skipped",
    )
    retune >> refused

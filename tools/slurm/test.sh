#!/usr/bin/env bash
# ImbLab on a real Slurm: brings up a single-node Slurm cluster on this machine (Debian's slurmctld, slurmd and munge;
# configuration generated for this host in a temporary folder, daemons on loopback ports), then
#   1. runs a small study in one process, the reference;
#   2. writes its scripts with `imblab slurm --shards 4 --submit`, waits for the array and the merge job, and checks
#      that the merged store equals the reference (every table, floats bit for bit) and that the report was written;
#   3. the failure path: submits again into a fresh folder with the printed sbatch command, cancels one array task
#      midway, shows the merge job does not run, asks `imblab status` which shard to resubmit, resubmits that task
#      alone with the merge after it, and checks the result equals the reference again;
# and prints the timings: the array's wall time against the one process, the merge, and each shard's overhead (its
# wall time minus its runs' training time: process start, planning, store writes).
# Run it as root (the daemons run as root); it installs the packages with apt-get when they are missing, stops every
# daemon it started and removes its folder on exit. Usage: tools/slurm/test.sh (from anywhere). About 3-5 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
say() { printf '%s slurm-test: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { say "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

[[ $(id -u) -eq 0 ]] || fail "run as root: slurmd starts jobs as their user and munged, slurmctld and slurmd run as root here"

# --- packages: Debian's, installed when missing (CI starts from a fresh Debian 12) ---------------------------------
missing=()
for pair in slurmctld:slurmctld slurmd:slurmd munged:munge sbatch:slurm-client sqlite3:sqlite3; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [[ -x "/usr/sbin/${pair%%:*}" ]] || missing+=("${pair#*:}")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"

# --- the ImbLab build the scripts run: built once here, never by the array tasks ---------------------------------------
"$root/imblab" --version >/dev/null

# --- a cluster of one node, all state in a temporary folder -------------------------------------------------------------
tmp="$(mktemp -d /tmp/imblab-slurm.XXXXXX)"
chmod 755 "$tmp" # munged refuses a socket in a folder others cannot reach
pids=()
cleanup() {
  local code=$?
  # Only the daemons this script started, by their pids; then their folder.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ $code -ne 0 && -d "$tmp/log" ]]; then
    say "logs of the cluster (last lines):"
    for f in "$tmp"/log/*.log; do echo "== $f"; tail -n 15 "$f"; done
  fi
  rm -rf "$tmp"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp"/{munge,state,spool,log,run}
chmod 700 "$tmp/state" "$tmp/spool"
chmod 755 "$tmp/munge"
mungekey --create --keyfile="$tmp/munge/munge.key" --bits=1024
chmod 600 "$tmp/munge/munge.key"
socket="$tmp/munge/munge.socket"
munged --foreground --force --socket="$socket" --key-file="$tmp/munge/munge.key" --pid-file="$tmp/run/munged.pid" \
  --seed-file="$tmp/munge/seed" --log-file="$tmp/log/munged.log" 2>>"$tmp/log/munged.log" &
pids+=($!)
for _ in $(seq 50); do [[ -S "$socket" ]] && break; sleep 0.1; done
[[ -S "$socket" ]] || fail "munged did not start (see $tmp/log/munged.log)"

host="$(hostname -s)"
# Slurm's daemons bind to the address their host name resolves to (CommunicationParameters=NoInAddrAny), or to every
# interface. Loopback only when the name resolves to a loopback address (Debian's /etc/hosts says 127.0.1.1); otherwise
# (a container whose name is its network address) every interface, on random ports, with the munge key made here
# as the only way in.
addr="$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }')"
if [[ "$addr" == 127.* ]]; then
  bind="CommunicationParameters=NoCtldInAddrAny,NoInAddrAny" where="loopback only"
else
  addr=127.0.0.1 bind="# $host does not resolve to a loopback address: the daemons listen on every interface" where="every interface"
fi
# Two free ports: a port that answers is taken.
port_free() { ! (exec 3<>"/dev/tcp/$addr/$1") 2>/dev/null; }
for _ in $(seq 100); do
  ctld_port=$((20000 + RANDOM % 20000)); slurmd_port=$((ctld_port + 1))
  port_free "$ctld_port" && port_free "$slurmd_port" && break
done

cpus="$(nproc)"
# Slurm drains a node that has less memory than it is said to have: 90% of what the kernel reports.
mem_mb="$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)"
export SLURM_CONF="$tmp/slurm.conf"
cat > "$SLURM_CONF" <<CONF
# A single-node test cluster written by tools/slurm/test.sh; everything lives in $tmp.
ClusterName=imblabtest
SlurmctldHost=$host($addr)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
$bind
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
# No systemd and no cgroups in a container: processes tracked through /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
# CPUs are consumable; memory is checked against the node but not reserved (a job without --mem would take it all).
SelectTypeParameters=CR_Core
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 minutes (there is no accounting database here).
MinJobAge=600
NodeName=$host NodeAddr=$addr CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -f "$SLURM_CONF" >>"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  [[ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" == idle ]] && break
  sleep 0.5
done
[[ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" == idle ]] || fail "the node did not come up idle: $(sinfo 2>&1 | tail -n 2)"
say "cluster up: node $host, $cpus CPUs, ${mem_mb} MB, slurmctld on $addr:$ctld_port, slurmd on $addr:$slurmd_port ($where)"

# --- the study: synthetic data and a small KEEL set, 2 protocols x 2 IRs x 2 seeds = 16 runs ------------------------------
# Its data paths are relative to the repository root, where every command here runs (and where the tasks run).
cd "$root"
study="$tmp/study.json"
cat > "$study" <<'JSON'
{
  "name": "slurm-test",
  "data": ["synthetic:rows=1200,d=8", "data/keel/pima/pima.dat"],
  "protocols": ["subsample-minority", "fixed-n"],
  "irs": [2, 5],
  "seeds": 2,
  "model": { "hidden": [32, 32], "epochs": 100 }
}
JSON

say "reference: the study in one process ($cpus threads)"
t0=$(now)
"$root/imblab" study --config "$study" --out "$tmp/one/one.db" --threads "$cpus" > "$tmp/one.log" 2>&1 || { tail -n 20 "$tmp/one.log"; fail "the one-process study failed"; }
one_seconds=$(elapsed "$t0" "$(now)")
[[ -s "$tmp/one/report.html" ]] || fail "the one-process study wrote no report"

# Helpers on jobs. scontrol shows finished jobs (MinJobAge) without an accounting database.
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p"; }
job_state() { scontrol -o show job "$1" | field JobState | head -n 1; }
wait_gone() { # wait_gone JOB...: until squeue lists none of them
  for _ in $(seq 1800); do
    [[ -z "$(squeue -h -j "$(IFS=,; echo "$*")" 2>/dev/null)" ]] && return 0
    sleep 0.5
  done
  fail "jobs $* still queued after 15 minutes: $(squeue 2>&1)"
}
epoch_of() { date -d "$1" +%s; }
finished_runs() { sqlite3 "$1" "SELECT count(*) FROM runs WHERE status = 'finished'" 2>/dev/null || echo 0; }

# --- the happy path: imblab slurm --submit ---------------------------------------------------------------------------------
a="$tmp/cluster a"   # a space in the path: every path in the scripts is quoted
say "imblab slurm --submit into '$a'"
t0=$(now)
"$root/imblab" slurm --config "$study" --shards 4 --out "$a" --partition test --time 30:00 --cpus-per-task 1 --mem 1G --submit > "$tmp/slurm-a.txt"
cat "$tmp/slurm-a.txt"
read -r array_a merge_a < <(sed -n 's/^submitted: array job \([0-9]*\) .*merge job \([0-9]*\) .*/\1 \2/p' "$tmp/slurm-a.txt")
[[ -n "${array_a:-}" && -n "${merge_a:-}" ]] || fail "imblab slurm --submit printed no job ids"
wait_gone "$array_a"
array_seconds=$(elapsed "$t0" "$(now)")
wait_gone "$merge_a"
for k in 1 2 3 4; do
  state=$(job_state "${array_a}_$k")
  [[ "$state" == COMPLETED ]] || { cat "$a"/logs/*_"$k".out 2>/dev/null | tail -n 20; fail "array task $k ended $state"; }
done
[[ "$(job_state "$merge_a")" == COMPLETED ]] || { cat "$a"/logs/merge-*.out | tail -n 20; fail "the merge job ended $(job_state "$merge_a")"; }
grep -q "shards to resubmit: none" "$a"/logs/merge-"$merge_a".out || { tail -n 20 "$a"/logs/merge-*.out; fail "the merge log does not say 'shards to resubmit: none'"; }
[[ -s "$a/report.html" ]] || fail "the merge wrote no report at $a/report.html"
say "array job $array_a and merge job $merge_a completed; merged store against the one-process store:"
"$root/tools/slurm/compare-stores.sh" "$tmp/one/one.db" "$a/study.db" || fail "the merged store differs from the one-process store"

# The command the scripts run (the .NET host and this build's dll), as array.sbatch names it.
eval "$(grep -m1 '^imblab=(' "$a/array.sbatch")"

# Timings: each task's wall time from scontrol (whole seconds), minus its runs' training time from its store.
merge_job_seconds=$(( $(epoch_of "$(scontrol -o show job "$merge_a" | field EndTime)") - $(epoch_of "$(scontrol -o show job "$merge_a" | field StartTime)") ))
overheads=()
for k in 1 2 3 4; do
  line=$(scontrol -o show job "${array_a}_$k")
  wall=$(( $(epoch_of "$(field EndTime <<<"$line")") - $(epoch_of "$(field StartTime <<<"$line")") ))
  train=$(sqlite3 "$a/shards/shard-$k.db" "SELECT printf('%.1f', sum(train_seconds)) FROM runs")
  runs=$(sqlite3 "$a/shards/shard-$k.db" "SELECT count(*) FROM runs")
  overheads+=("shard $k: $runs runs, wall ${wall} s, training ${train} s, overhead $(awk -v w="$wall" -v t="$train" 'BEGIN { printf "%.1f", w - t }') s")
done
# The merge again, timed to the millisecond, into a scratch store (the job's own time above is in whole seconds).
t0=$(now)
"$root/imblab" merge "$tmp/merge-timed.db" "$a"/shards/shard-{1..4}.db > "$tmp/merge-timed.log" 2>&1 || { tail -n 5 "$tmp/merge-timed.log"; fail "merge (timed) failed"; }
merge_seconds=$(elapsed "$t0" "$(now)")
# One shard outside Slurm, timed to the millisecond: its process start, planning and store writes beyond training.
t0=$(now)
"$root/imblab" study --config "$a/study.json" --shard 1/4 --out "$tmp/shard-timed.db" --threads 1 --no-report > "$tmp/shard-timed.log" 2>&1 || { tail -n 5 "$tmp/shard-timed.log"; fail "shard 1/4 (timed) failed"; }
shard_seconds=$(elapsed "$t0" "$(now)")
shard_train=$(sqlite3 "$tmp/shard-timed.db" "SELECT printf('%.2f', sum(train_seconds)) FROM runs")
# Of that overhead, what the .NET process costs before ImbLab does anything.
t0=$(now)
"${imblab[@]}" --version >/dev/null
start_seconds=$(elapsed "$t0" "$(now)")

# --- the failure path: a task cancelled midway, resubmitted alone ----------------------------------------------------------
b="$tmp/cluster-b"
say "failure path: imblab slurm into $b, submitted with the printed command"
"$root/imblab" slurm --config "$study" --shards 4 --out "$b" --cpus-per-task 1 > "$tmp/slurm-b.txt"
submit=$(grep -m1 '^  jobid=\$(sbatch --parsable ' "$tmp/slurm-b.txt" | sed 's/^  //')
resubmit=$(grep -m1 '^  jobid=\$(sbatch --parsable --array=' "$tmp/slurm-b.txt" | sed 's/^  //')
status_command=$(grep -m1 ' status ' "$tmp/slurm-b.txt" | sed 's/^  //')
[[ -n "$submit" && -n "$resubmit" && -n "$status_command" ]] || fail "imblab slurm printed no submit, resubmit or status command"
# As a user types it: in this shell, so that $jobid is the array's id; the merge's id is what sbatch printed.
jobid=""
eval "$submit" > "$tmp/submit-b.txt"
merge_b=$(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' "$tmp/submit-b.txt")
array_b="$jobid"
[[ -n "$array_b" && -n "$merge_b" ]] || fail "the printed submit command gave no job ids"
victim=2
victim_runs=$("$root/imblab" study --config "$study" --shard "$victim/4" --dry-run --json | sed -n 's/^  "runs": \([0-9]*\),\{0,1\}$/\1/p' | head -n 1)
[[ "${victim_runs:-0}" -ge 2 ]] || fail "shard $victim/4 plans ${victim_runs:-no} runs; the failure path needs at least 2"
say "array job $array_b, merge job $merge_b; waiting for task $victim to finish its first of $victim_runs runs, then stopping and cancelling it"
# The task's imblab process is frozen (SIGSTOP) as soon as it runs, then let go in slices of a fiftieth of a second
# until a run is stored: on a quiet machine a run takes a tenth to a fifth of a second, and a task cancelled a moment after its
# first run could already have finished them all. The signals go straight to the process (this is its node): sent
# through scancel, each slice was an RPC to slurmctld, and a burst of them left squeue unanswered.
victim_pids() { pgrep -f -- "--shard $victim/4" || true; }
for _ in $(seq 6000); do
  [[ -n "$(victim_pids)" ]] && break
  sleep 0.02
done
[[ -n "$(victim_pids)" ]] || fail "task $victim never started imblab"
signal_victim() { local p; for p in $(victim_pids); do kill "-$1" "$p" 2>/dev/null || true; done; }
signal_victim STOP
slices=0
for _ in $(seq 6000); do
  (( $(finished_runs "$b/shards/shard-$victim.db") >= 1 )) && break
  slices=$((slices + 1))
  signal_victim CONT
  sleep 0.02
  signal_victim STOP
done
state=$(squeue -h -j "${array_b}_$victim" -o %T 2>&1)
[[ "$state" == RUNNING ]] || fail "task $victim was not running when it was to be cancelled (squeue: $state)"
frozen_with=$(finished_runs "$b/shards/shard-$victim.db")
done_before=$frozen_with
(( done_before < victim_runs )) || fail "task $victim had finished all $victim_runs runs before it could be stopped"
scancel "${array_b}_$victim"   # while frozen: Slurm sends SIGCONT then SIGTERM, so it wakes only to be stopped (SIGKILL after KillWait)
wait_gone "$array_b" "$merge_b"
[[ "$(job_state "${array_b}_$victim")" == CANCELLED ]] || fail "task $victim ended $(job_state "${array_b}_$victim"), not CANCELLED"
done_before=$(finished_runs "$b/shards/shard-$victim.db")
say "task $victim frozen with $frozen_with of its $victim_runs runs stored (after $slices slices), then cancelled with $done_before finished; merge job $merge_b: $(job_state "$merge_b") ($(scontrol -o show job "$merge_b" | field Reason))"
[[ "$(job_state "$merge_b")" != COMPLETED && ! -e "$b/study.db" ]] || fail "the merge ran although a task failed"
eval "$status_command" > "$tmp/status-b.txt" || { cat "$tmp/status-b.txt"; fail "imblab status failed"; }
cat "$tmp/status-b.txt"
grep -qx "shards to resubmit: $victim" "$tmp/status-b.txt" || fail "imblab status does not say 'shards to resubmit: $victim'"
say "resubmitting task $victim alone, with the merge after it"
jobid=""
eval "${resubmit/--array=2,4/--array=$victim}" > "$tmp/resubmit-b.txt"
merge_b2=$(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' "$tmp/resubmit-b.txt")
array_b2="$jobid"
[[ -n "$array_b2" && -n "$merge_b2" ]] || fail "the printed resubmit command gave no job ids"
wait_gone "$array_b2" "$merge_b2"
[[ "$(job_state "${array_b2}_$victim")" == COMPLETED ]] || fail "the resubmitted task ended $(job_state "${array_b2}_$victim")"
[[ "$(job_state "$merge_b2")" == COMPLETED ]] || { tail -n 20 "$b"/logs/merge-"$merge_b2".out; fail "the merge after the resubmission ended $(job_state "$merge_b2")"; }
[[ -s "$b/report.html" ]] || fail "the merge wrote no report at $b/report.html"
[[ $(ls "$b"/logs/"${array_b2}"_*.out | wc -l) -eq 1 ]] || fail "the resubmission ran more than task $victim"
say "resubmitted task and merge completed; merged store against the one-process store:"
"$root/tools/slurm/compare-stores.sh" "$tmp/one/one.db" "$b/study.db" || fail "the merged store after the resubmission differs from the one-process store"

# --- timings ------------------------------------------------------------------------------------------------------------
runs_total=$(sqlite3 "$tmp/one/one.db" "SELECT count(*) FROM runs")
train_total=$(sqlite3 "$tmp/one/one.db" "SELECT printf('%.1f', sum(train_seconds)) FROM runs")
echo
echo "timings ($runs_total runs, $cpus CPUs; the one process trains with $cpus threads, each array task with 1):"
echo "  one process (train, findings, report):      ${one_seconds} s (its runs' training: ${train_total} s of CPU)"
echo "  array of 4 tasks, submit to last task end:  ${array_seconds} s"
echo "  merge job (merge, findings, report, status): ${merge_job_seconds} s (scontrol, whole seconds)"
echo "  imblab merge of the 4 shards, timed:        ${merge_seconds} s"
echo "  shard 1/4 outside Slurm:                    ${shard_seconds} s, of which training ${shard_train} s"
echo "  process start (imblab --version):           ${start_seconds} s"
echo "  per task under Slurm (scontrol, whole seconds; overhead = wall - training: start, planning, store writes):"
for o in "${overheads[@]}"; do echo "    $o"; done
say "passed: the merged store equals the one-process store, after a clean run and after a cancelled task was resubmitted"

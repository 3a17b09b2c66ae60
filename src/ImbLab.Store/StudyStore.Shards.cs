using ImbLab.Core;
using ImbLab.Core.Specs;

namespace ImbLab.Store;

/// <summary>
/// Which shards of a study a store holds, as a meta row per study (<c>shards:&lt;study_id&gt;</c> = "K/N" for a shard
/// store, "K1,K2,.../N" for a store merged from shard stores). A meta row rather than a column: the shard is not part
/// of a run (its id and records are the ones the whole study gives it), only of where it was trained.
/// </summary>
public sealed partial class StudyStore
{
    public static string ShardKey(string studyId) => "shards:" + studyId;

    /// <summary>The meta row holding the run ids of the whole study's plan, in plan order (see <see cref="RecordShard"/>).</summary>
    public static string PlanKey(string studyId) => "plan:" + studyId;

    /// <summary>The run ids of the study's whole plan in plan order, as a shard store recorded them; empty when not recorded.</summary>
    public IReadOnlyList<string> PlanOrder(string studyId) =>
        Query("SELECT value FROM meta WHERE key = $k", r => r.GetString(0), ("$k", PlanKey(studyId))).SingleOrDefault()?.Split(',') ?? [];

    /// <summary>The shards of the study this store holds, or null when it is not a shard store (nor merged from them).</summary>
    public ShardSet? ShardsOf(string studyId) =>
        ShardSet.TryParse(Query("SELECT value FROM meta WHERE key = $k", r => r.GetString(0), ("$k", ShardKey(studyId))).SingleOrDefault());

    /// <summary>The ImbLab versions that made the study's finished and diverged runs (one, unless stores were mixed).</summary>
    public IReadOnlyList<string> RunVersions(string studyId) => Query(
        "SELECT DISTINCT imblab_version FROM runs WHERE study_id = $s AND status IN ('finished', 'diverged') ORDER BY imblab_version",
        r => r.GetString(0), ("$s", studyId));

    /// <summary>Every run of a study the store holds, with its status and, while in flight, its owner and last heartbeat.</summary>
    public IReadOnlyList<RunState> RunStates(string studyId) => Query(
        "SELECT run_id, status, owner_host, owner_pid, owner_token, heartbeat_at FROM runs WHERE study_id = $s ORDER BY rowid",
        r => new RunState(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : Heartbeat(r.GetString(5))),
        ("$s", studyId));

    /// <summary>
    /// Records that this store trains shard <paramref name="shard"/> of the study, and the run ids of the whole plan in
    /// plan order: one process writes its runs in plan order, so a merge that puts the shards' runs back in that order
    /// gives a store whose runs read back in the order one process would have written them, and so the same findings
    /// to the last bit (a mean over a seed's folds depends on the order it adds them). One store per shard: a store that
    /// holds another shard of the study, or runs of it trained without shards, is refused before anything is written.
    /// </summary>
    public void RecordShard(string studyId, Shard shard, IReadOnlyList<string> planOrder)
    {
        lock (_gate) Guard(() =>
        {
            using var tx = _connection.BeginTransaction();
            using (var cmd = Command("SELECT value FROM meta WHERE key = $k", tx))
            {
                cmd.Parameters.AddWithValue("$k", ShardKey(studyId));
                var existing = cmd.ExecuteScalar() as string;
                if (existing is not null && existing != shard.ToString())
                    throw new ImbLabException($"{Settings.Mention(Settings.Shard)}: {Path} holds shard(s) {existing} of study {studyId}, not {shard}; one store per shard: give shard {shard} a store of its own");
                cmd.CommandText = "SELECT count(*) FROM runs WHERE study_id = $s";
                cmd.Parameters.AddWithValue("$s", studyId);
                if (existing is null && Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
                    throw new ImbLabException($"{Settings.Mention(Settings.Shard)}: {Path} holds runs of study {studyId} trained without shards; one store per shard: give shard {shard} a store of its own");
            }
            NonQuery(tx, "INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)", ("$k", ShardKey(studyId)), ("$v", shard.ToString()));
            NonQuery(tx, "INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)", ("$k", PlanKey(studyId)), ("$v", string.Join(",", planOrder)));
            tx.Commit();
        });
    }
}

/// <summary>A run as a store holds it: finished, diverged, or running (in flight, with its owner and heartbeat).</summary>
public sealed record RunState(string RunId, string Status, string? OwnerHost, long? OwnerPid, string? OwnerToken, DateTimeOffset? Heartbeat);

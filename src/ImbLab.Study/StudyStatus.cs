using System.Text.Json;
using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Store;
using ImbLab.Study.Planning;

namespace ImbLab.Study;

/// <summary>Where a run of the plan stands across the stores given.</summary>
public enum RunStanding
{
    Finished,
    Diverged,

    /// <summary>Claimed by a live process (its heartbeat is fresh): being trained now.</summary>
    InFlight,

    /// <summary>Claimed by a process that is gone (killed, crashed): the next study process on its store redoes it.</summary>
    Abandoned,

    /// <summary>In no store given.</summary>
    Missing,
}

/// <summary>A run of the plan not finished yet, with its shard, and the owner it had when it was in flight.</summary>
public sealed record PendingRun(string RunId, string Dataset, string Protocol, string Level, int SeedIndex, int? Shard, RunStanding Standing,
    string? Store, string? OwnerHost, long? OwnerPid, double? HeartbeatAgeSeconds)
{
    /// <summary>The run's remedy (canonical text; "none" for plain training).</summary>
    public string Remedy { get; init; } = "none";
}

/// <summary>The runs of one shard of the plan by standing.</summary>
public sealed record ShardStanding(int Shard, int Planned, int Finished, int Diverged, int InFlight, int Abandoned, int Missing)
{
    /// <summary>A shard with runs that nobody is training: run it again (it resumes).</summary>
    public bool Resubmit => Abandoned + Missing > 0;
}

/// <summary>One store given to status: which shards it holds and its runs of the study.</summary>
public sealed record StoreStanding(string Path, string? Shards, int Finished, int Diverged, int Running, string? Note);

/// <summary>
/// Which runs of a study's plan are finished, diverged, in flight or missing across the stores given; with shard stores,
/// by shard, and the shards to run again.
/// </summary>
public sealed record StudyStatusReport(string StudyId, string Name, int Planned, int Finished, int Diverged, int InFlight, int Abandoned, int Missing,
    int NotInPlan, int? ShardCount, IReadOnlyList<ShardStanding> Shards, IReadOnlyList<StoreStanding> Stores, IReadOnlyList<PendingRun> Pending)
{
    public bool Complete => Finished + Diverged == Planned;

    /// <summary>The shards with runs nobody is training (missing, or abandoned by a process that is gone).</summary>
    public IReadOnlyList<int> Resubmit => [.. Shards.Where(s => s.Resubmit).Select(s => s.Shard)];
}

/// <summary>
/// Computes a study's status from its stores. The runs a study should have come from its plan, made again from the spec
/// stored with the study (or a study file): that reads the data files, as the study did (on a cluster they are on the
/// shared file system). The shard of every run comes from the same partition the shard processes computed.
/// </summary>
public static class StudyStatus
{
    public static StudyStatusReport Compute(IReadOnlyList<string> storePaths, StudySpec? spec, string? studyId, TimeProvider? clock = null,
        CancellationToken cancellationToken = default)
    {
        clock ??= TimeProvider.System;
        var stores = new List<(string Path, StudyStore? Store)>();
        try
        {
            foreach (var path in storePaths)
                stores.Add((path, File.Exists(path) ? StudyStore.OpenForReading(path) : Directory.Exists(path) ? StudyStore.OpenForReading(path) : null));
            return Compute(stores, spec, studyId, clock, cancellationToken);
        }
        finally
        {
            foreach (var (_, store) in stores) store?.Dispose();
        }
    }

    private static StudyStatusReport Compute(List<(string Path, StudyStore? Store)> stores, StudySpec? spec, string? studyId, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var studies = stores.Where(s => s.Store is not null).SelectMany(s => s.Store!.Studies().Select(x => (s.Path, Study: x))).ToList();
        StudyPlan plan;
        if (spec is not null)
        {
            plan = StudyPlan.Create(spec, cancellationToken);
        }
        else
        {
            var ids = studies.Select(s => s.Study.StudyId).Distinct(StringComparer.Ordinal).ToList();
            if (studyId is not null) ids = [.. ids.Where(i => i.StartsWith(studyId, StringComparison.Ordinal))];
            var id = ids.Count switch
            {
                1 => ids[0],
                0 when studyId is not null => throw new ImbLabException($"{Settings.Mention(Settings.Study)}: no study '{studyId}' in the stores given; their studies: {string.Join(", ", studies.Select(s => s.Study.StudyId).Distinct())}"),
                0 => throw new ImbLabException($"no study in the stores given ({string.Join(", ", stores.Select(s => s.Path))}); give the study file with {Settings.Mention(Settings.Config)}"),
                _ => throw new ImbLabException($"the stores given hold {ids.Count} studies ({string.Join(", ", ids)}); name one with {Settings.Mention(Settings.Study)}"),
            };
            var stored = studies.First(s => s.Study.StudyId == id);
            plan = Replan(stored.Path, stored.Study.StudyId, stored.Study.ConfigJson, cancellationToken);
        }

        var shardSets = stores.Where(s => s.Store is not null).Select(s => (s.Path, Set: s.Store!.ShardsOf(plan.StudyId))).Where(s => s.Set is not null).ToList();
        var counts = shardSets.Select(s => s.Set!.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw new ImbLabException($"stores of different shardings of study {plan.StudyId}: {string.Join(", ", shardSets.Select(s => $"{s.Path} holds {s.Set}"))}; give the stores of one sharding");
        int? shardCount = counts.Count == 1 ? counts[0] : null;
        var assignment = shardCount is { } n ? StudyShards.Assign(plan.Runs, plan.Spec.Model, n, out _) : null;

        // The best standing of each run over the stores: finished anywhere counts, a live claim beats an abandoned one.
        var owner = RunOwner.ThisProcess();
        var now = clock.GetUtcNow();
        var best = new Dictionary<string, (RunStanding Standing, string Store, RunState State)>(StringComparer.Ordinal);
        var standings = new List<StoreStanding>();
        var planned = plan.Runs.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        var notInPlan = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, store) in stores)
        {
            if (store is null)
            {
                standings.Add(new StoreStanding(path, null, 0, 0, 0, "no such store yet: its runs count as missing"));
                continue;
            }
            var states = store.RunStates(plan.StudyId);
            standings.Add(new StoreStanding(path, store.ShardsOf(plan.StudyId)?.ToString(), states.Count(s => s.Status == "finished"),
                states.Count(s => s.Status == StudyStore.DivergedStatus), states.Count(s => s.Status == "running"),
                store.Studies().Any(s => s.StudyId == plan.StudyId) ? null : "holds no run of this study"));
            foreach (var state in states)
            {
                if (!planned.Contains(state.RunId))
                {
                    notInPlan.Add(state.RunId);
                    continue;
                }
                var standing = state.Status switch
                {
                    "finished" => RunStanding.Finished,
                    StudyStore.DivergedStatus => RunStanding.Diverged,
                    _ => owner.IsGone(state.OwnerHost, state.OwnerPid, state.OwnerToken, state.Heartbeat, now) ? RunStanding.Abandoned : RunStanding.InFlight,
                };
                if (!best.TryGetValue(state.RunId, out var seen) || standing < seen.Standing) best[state.RunId] = (standing, path, state);
            }
        }

        var pending = new List<PendingRun>();
        var shardTotals = new Dictionary<int, int[]>();
        foreach (var run in plan.Runs)
        {
            var standing = best.TryGetValue(run.RunId, out var b) ? b.Standing : RunStanding.Missing;
            int? shard = assignment is null ? null : assignment[run.RunId] + 1;
            if (shard is { } k)
            {
                if (!shardTotals.TryGetValue(k, out var totals)) shardTotals[k] = totals = new int[5];
                totals[(int)standing]++;
            }
            if (standing is RunStanding.Finished or RunStanding.Diverged) continue;
            var state = standing == RunStanding.Missing ? null : b.State;
            pending.Add(new PendingRun(run.RunId, run.Dataset.Name, run.Config.Protocol, run.Config.Level, run.Config.SeedIndex, shard, standing,
                state is null ? null : b.Store, state?.OwnerHost, state?.OwnerPid, state?.Heartbeat is { } beat ? Math.Round((now - beat).TotalSeconds, 1) : null)
            {
                Remedy = run.Remedy.Canonical,
            });
        }
        var shards = shardCount is { } count
            ? Enumerable.Range(1, count).Select(k => shardTotals.GetValueOrDefault(k) ?? new int[5])
                .Select((t, i) => new ShardStanding(i + 1, t.Sum(), t[0], t[1], t[2], t[3], t[4])).ToList()
            : [];
        int Count(RunStanding s) => plan.Runs.Count(r => (best.TryGetValue(r.RunId, out var x) ? x.Standing : RunStanding.Missing) == s);
        return new StudyStatusReport(plan.StudyId, plan.Spec.Name, plan.Runs.Count, Count(RunStanding.Finished), Count(RunStanding.Diverged),
            Count(RunStanding.InFlight), Count(RunStanding.Abandoned), Count(RunStanding.Missing), notInPlan.Count, shardCount, shards, standings, pending);
    }

    /// <summary>
    /// The plan of a stored study, from its stored spec. Planning reads the data files; when that fails the message says
    /// why status needs them and where their paths are resolved.
    /// </summary>
    private static StudyPlan Replan(string storePath, string studyId, string configJson, CancellationToken cancellationToken)
    {
        StudySpec spec;
        try
        {
            spec = JsonSerializer.Deserialize<StudySpec>(configJson, StudySpec.Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new ImbLabException($"{storePath}: the spec of study {studyId} cannot be read by this ImbLab ({e.Message.ReplaceLineEndings(" ")}); give the study file with {Settings.Mention(Settings.Config)}", e);
        }
        StudyPlan plan;
        try
        {
            plan = StudyPlan.Create(spec, cancellationToken);
        }
        catch (ImbLabException e) when (e is not UsageException)
        {
            throw new ImbLabException($"status plans study {studyId} again from the spec in {storePath}, which reads its data, and cannot: {e.Template}; " +
                "run it where the study's data paths resolve as they did for the study (relative paths from the folder it ran in; on a cluster, the shared file system)", e);
        }
        if (plan.StudyId != studyId)
            throw new ImbLabException($"{storePath}: the spec of study {studyId} plans as study {plan.StudyId} with this ImbLab (another version, or its data files changed); " +
                $"give the study file with {Settings.Mention(Settings.Config)} or use the ImbLab that ran it");
        return plan;
    }
}

using ImbLab.Core.Results;

namespace ImbLab.Study.Running;

/// <summary>Keeps the finished runs in memory, for a command that shows a run right after training it.</summary>
internal sealed class MemorySink : IRunSink
{
    private readonly Dictionary<string, RunRow> _begun = [];
    private readonly List<(RunRow Run, RunRecords Records)> _completed = [];
    private readonly Lock _lock = new();

    /// <summary>The finished runs, in the order they finished.</summary>
    public IReadOnlyList<(RunRow Run, RunRecords Records)> Completed
    {
        get
        {
            lock (_lock) return [.. _completed];
        }
    }

    public void Begin(RunRow run)
    {
        lock (_lock) _begun[run.RunId] = run;
    }

    public void Complete(string runId, RunRecords records, double seconds)
    {
        lock (_lock) _completed.Add((_begun[runId], records));
    }
}

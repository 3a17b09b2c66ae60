using ImbLab.Core.Results;

namespace ImbLab.Study.Running;

/// <summary>Hands every run to each sink in turn (memory for showing it, the store for keeping it).</summary>
internal sealed class TeeSink(params IRunSink[] sinks) : IRunSink
{
    public void Begin(RunRow run)
    {
        foreach (var sink in sinks) sink.Begin(run);
    }

    public void Complete(string runId, RunRecords records, double seconds)
    {
        foreach (var sink in sinks) sink.Complete(runId, records, seconds);
    }
}

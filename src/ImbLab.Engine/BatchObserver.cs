namespace ImbLab.Engine;

/// <summary>
/// One mini-batch as training presents it, before its update: what the forgetting (Toneva et al.) and
/// cartography (Swayamdipta et al.) analyses record per sample. Valid only during the call that receives it.
/// </summary>
public readonly ref struct BatchView
{
    public BatchView(int step, int epoch, ReadOnlySpan<int> rows, ReadOnlySpan<float> logits)
    {
        Step = step;
        Epoch = epoch;
        Rows = rows;
        Logits = logits;
    }

    /// <summary>Updates done before this batch.</summary>
    public int Step { get; }

    /// <summary>The 0-based epoch the batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>Indices into the job's Features/Labels, in batch order.</summary>
    public ReadOnlySpan<int> Rows { get; }

    /// <summary>Rows.Length x Classes logits from this step's forward pass, at the parameters before its update.</summary>
    public ReadOnlySpan<float> Logits { get; }
}

/// <summary>
/// Implemented by a job's <see cref="ITrainingObserver"/> that also wants every training step's batch. Called on the
/// job's worker thread, between the step's forward/backward pass and its update; must not keep the spans. Not called for
/// mixed batches (<see cref="TrainingJob.Mixing"/>): a mixed row is not a sample, and its logits belong to neither of its rows.
/// </summary>
public interface IBatchObserver
{
    void OnBatch(in BatchView batch);
}

using System.Runtime.CompilerServices;
using ImbLab.Core;

namespace ImbLab.Engine;

public enum MixingKind
{
    /// <summary>Zhang et al. 2018: the mixed row's label is lambda e_yi + (1 - lambda) e_yj.</summary>
    Mixup,

    /// <summary>Chou et al. 2020: mixup inputs; the label leans wholly to the minority of an imbalanced pair (see <see cref="BatchMixing"/>).</summary>
    Remix,
}

/// <summary>
/// Mixing of every training batch (<see cref="TrainingJob.Mixing"/>). Per batch one lambda ~ Beta(Alpha, Alpha) and a shuffled copy of
/// the batch as partners j of the rows i; the trainer sees x~ = lambda x_i + (1 - lambda) x_j and a mixed <see cref="LossBatch"/>
/// with labels y_i, mix labels y_j and the share of y_i: lambda for mixup; for remix, with n_c the job's training rows of class c,
/// 0 when n_yi / n_yj &gt;= Kappa and lambda &lt; Tau, 1 when n_yi / n_yj &lt;= 1 / Kappa and 1 - lambda &lt; Tau, lambda otherwise.
/// </summary>
public sealed record BatchMixing(MixingKind Kind, double Alpha = 1, double Kappa = 3, double Tau = 0.5)
{
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Kind)) problems.Add($"Mixing.Kind is {(int)Kind}; accepted: Mixup, Remix");
        if (!(Alpha > 0) || double.IsInfinity(Alpha)) problems.Add($"Mixing.Alpha is {Alpha}; a finite value > 0 is required");
        if (!(Kappa >= 1) || double.IsInfinity(Kappa)) problems.Add($"Mixing.Kappa is {Kappa}; a finite value >= 1 is required");
        if (!(Tau >= 0 && Tau <= 1)) problems.Add($"Mixing.Tau is {Tau}; accepted: [0, 1]");
        return problems;
    }
}

/// <summary>
/// Draws one batch's mixing: lambda, then the partner permutation, both from the job's shuffle seed's "mix" stream of the step
/// (so a step's mixing depends on nothing but the seed and the step: no thread, no earlier batch). Owned by one job.
/// </summary>
internal sealed class BatchMixer
{
    private readonly BatchMixing _settings;
    private readonly ulong _seed;
    private readonly int[] _classCounts;
    private int[] _partners = [];
    private float[] _shares = [];
    private int _rows;

    public BatchMixer(BatchMixing settings, ulong shuffleSeed, ReadOnlySpan<int> classCounts)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(settings));
        _settings = settings;
        _seed = shuffleSeed;
        _classCounts = classCounts.ToArray();
    }

    public double Lambda { get; private set; }

    /// <summary>The partner row (an index into the job's rows) of each batch position, from the last <see cref="Draw"/>.</summary>
    public ReadOnlySpan<int> Partners => _partners.AsSpan(0, _rows);

    /// <summary>Each batch position's share of its own label, from the last <see cref="Draw"/>.</summary>
    public ReadOnlySpan<float> Shares => _shares.AsSpan(0, _rows);

    /// <summary>Draws the mixing of the batch <paramref name="rows"/> at training step <paramref name="step"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Draw(int step, ReadOnlySpan<int> rows, ReadOnlySpan<int> labels)
    {
        var n = rows.Length;
        if (_partners.Length < n)
        {
            _partners = new int[n];
            _shares = new float[n];
        }
        _rows = n;
        var partners = _partners.AsSpan(0, n);
        var rng = new Rng(Rng.Derive(_seed, "mix", step));
        var lambda = rng.NextBeta(_settings.Alpha, _settings.Alpha);
        Lambda = lambda;
        for (var r = 0; r < n; r++) partners[r] = r;
        rng.Shuffle(partners);
        for (var r = 0; r < n; r++) partners[r] = rows[partners[r]];
        for (var r = 0; r < n; r++) _shares[r] = (float)Share(_settings, _classCounts, lambda, labels[rows[r]], labels[partners[r]]);
    }

    /// <summary>The share of the row's own label <paramref name="own"/> when mixed with a row of label <paramref name="partner"/> at <paramref name="lambda"/>.</summary>
    internal static double Share(BatchMixing settings, ReadOnlySpan<int> classCounts, double lambda, int own, int partner)
    {
        if (settings.Kind == MixingKind.Mixup) return lambda;
        var ratio = (double)classCounts[own] / classCounts[partner];
        if (ratio >= settings.Kappa && lambda < settings.Tau) return 0;
        if (ratio <= 1 / settings.Kappa && 1 - lambda < settings.Tau) return 1;
        return lambda;
    }
}

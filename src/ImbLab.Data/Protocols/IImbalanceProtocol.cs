namespace ImbLab.Data.Protocols;

/// <summary>
/// How the training part of a split is cut down to a target imbalance; the test part is never touched.
/// Protocols other than natural are binary: with two classes the minority is Core's <c>Minority()</c> and the
/// majority the other class (so a tie gives class 1 the minority role, class 0 the majority).
/// </summary>
public interface IImbalanceProtocol
{
    /// <summary>The stable name stores and study files use, e.g. <c>fixed-n</c>.</summary>
    string Name { get; }

    /// <summary>
    /// One target per level the protocol reads from <paramref name="levels"/>, or an <see cref="InfeasibleException"/>
    /// that says what the training part can reach. <paramref name="trainCounts"/> is the training part's count per class.
    /// </summary>
    IReadOnlyList<ImbalanceTarget> Plan(IReadOnlyList<int> trainCounts, ImbalanceLevels levels);

    /// <summary>The training rows that realise <paramref name="target"/>; every protocol samples them the same way.</summary>
    int[] Apply(ImbalanceTarget target, IReadOnlyList<int> trainRows, IReadOnlyList<int> labels, ulong seed) =>
        TargetSampler.Sample(target, trainRows, labels, seed);
}

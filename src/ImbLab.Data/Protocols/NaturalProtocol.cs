using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>The training part as it is, with any number of classes; it reads no levels.</summary>
public sealed class NaturalProtocol : IImbalanceProtocol
{
    public string Name => "natural";

    public IReadOnlyList<ImbalanceTarget> Plan(IReadOnlyList<int> trainCounts, ImbalanceLevels levels)
    {
        BinaryTrainingPart.RequireCounts(trainCounts);
        levels.RefuseCells(Name);
        return Plan(trainCounts);
    }

    public static IReadOnlyList<ImbalanceTarget> Plan(IReadOnlyList<int> trainCounts)
    {
        BinaryTrainingPart.RequireCounts(trainCounts);
        return [new ImbalanceTarget("natural", null, trainCounts[trainCounts.Minority()], trainCounts[trainCounts.Majority()])];
    }
}

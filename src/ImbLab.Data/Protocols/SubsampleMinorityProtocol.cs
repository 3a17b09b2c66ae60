using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>Keep every majority row, drop minority rows until n_maj / n_min = IR; N shrinks as IR grows.</summary>
public sealed class SubsampleMinorityProtocol : IrProtocol
{
    public override string Name => "subsample-minority";

    protected override IReadOnlyList<ImbalanceTarget> PlanBinary(IReadOnlyList<double> irs, int aMin, int aMaj)
    {
        var targets = new List<ImbalanceTarget>(irs.Count);
        var unreachable = new List<double>();
        foreach (var ir in irs)
        {
            var nMin = Round(aMaj / ir);
            if (nMin < 1 || nMin > aMin) unreachable.Add(ir);
            else targets.Add(new ImbalanceTarget(ProtocolText.IrLevel(ir), ir, (int)nMin, aMaj));
        }
        if (unreachable.Count > 0)
        {
            // round(n_maj / IR) <= n_min  <=>  IR > n_maj / (n_min + 0.5);  round(n_maj / IR) >= 1  <=>  IR <= 2 n_maj.
            var low = aMaj / (aMin + 0.5);
            throw new InfeasibleException(
                $"{Name} cannot reach IR {ProtocolText.JoinIrs(unreachable)} on {ProtocolText.Describe(aMin, aMaj)}; " +
                $"feasible: {ProtocolText.Num(low)} < IR <= {ProtocolText.Num(2.0 * aMaj)}");
        }
        return targets;
    }
}

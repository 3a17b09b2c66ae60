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
            var (above, atMost) = FeasibleIrs(aMin, aMaj);
            throw new InfeasibleException(
                $"{Name} cannot reach IR {ProtocolText.JoinIrs(unreachable)} on {ProtocolText.Describe(aMin, aMaj)}; " +
                $"feasible: {ProtocolText.Num(above)} < IR <= {ProtocolText.Num(atMost)}");
        }
        return targets;
    }

    /// <summary>
    /// The IRs this protocol reaches on aMin minority / aMaj majority rows: above <c>Above</c>, up to <c>AtMost</c>
    /// (the last IR that leaves one minority row). round(n_maj / IR) &lt;= n_min  &lt;=&gt;  IR &gt; n_maj / (n_min + 0.5);
    /// round(n_maj / IR) &gt;= 1  &lt;=&gt;  IR &lt;= 2 n_maj.
    /// </summary>
    public static (double Above, double AtMost) FeasibleIrs(int aMin, int aMaj) => (aMaj / (aMin + 0.5), 2.0 * aMaj);
}

using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>
/// The fixed-* controls: one quantity (N, n_min or n_maj) is held at the same value for every IR, so the levels
/// differ in ratio and not in that quantity. The value is the largest that every IR can realise.
/// </summary>
public abstract class HeldQuantityProtocol : IrProtocol
{
    /// <summary>The held quantity's name in messages: N, n_min or n_maj.</summary>
    protected abstract string Held { get; }

    /// <summary>The largest value the held quantity can take on aMin minority / aMaj majority rows.</summary>
    protected abstract int Upper(int aMin, int aMaj);

    /// <summary>(n_min, n_maj) for one IR at one value of the held quantity, as doubles so huge IRs cannot overflow.</summary>
    protected abstract (double Min, double Maj) CountsAt(int held, double ir);

    /// <summary>An exact integer scan downwards from the upper bound, then one target per IR at the value found.</summary>
    protected sealed override IReadOnlyList<ImbalanceTarget> PlanBinary(IReadOnlyList<double> irs, int aMin, int aMaj)
    {
        bool Fits(int v, double ir)
        {
            var (m, M) = CountsAt(v, ir);
            return m >= 1 && M >= 1 && m <= aMin && M <= aMaj;
        }

        var upper = Upper(aMin, aMaj);
        for (var v = upper; v >= 1; v--)
        {
            var all = true;
            foreach (var ir in irs)
                if (!Fits(v, ir)) { all = false; break; }
            if (!all) continue;
            return [.. irs.Select(ir =>
            {
                var (m, M) = CountsAt(v, ir);
                return new ImbalanceTarget(ProtocolText.IrLevel(ir), ir, (int)m, (int)M);
            })];
        }

        var perIr = irs.Select(ir =>
        {
            int? lo = null, hi = null;
            for (var v = 1; v <= upper; v++)
            {
                if (!Fits(v, ir)) continue;
                lo ??= v;
                hi = v;
            }
            return lo is null ? $"IR {ProtocolText.Num(ir)}: none" : $"IR {ProtocolText.Num(ir)}: {Held} {lo}..{hi}";
        });
        throw new InfeasibleException(
            $"{Name} cannot hold {Held} fixed over IR {ProtocolText.JoinIrs(irs)} on {ProtocolText.Describe(aMin, aMaj)}; " +
            $"no {Held} suits them all; feasible {Held} per IR: {string.Join(", ", perIr)}");
    }
}

namespace ImbLab.Data.Protocols;

/// <summary>The same n_min at every IR; n_maj grows with IR.</summary>
public sealed class FixedMinorityProtocol : HeldQuantityProtocol
{
    public override string Name => "fixed-minority";

    protected override string Held => "n_min";

    protected override int Upper(int aMin, int aMaj) => aMin;

    protected override (double Min, double Maj) CountsAt(int held, double ir) => (held, Round(ir * held));
}

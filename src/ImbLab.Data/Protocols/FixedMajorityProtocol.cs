namespace ImbLab.Data.Protocols;

/// <summary>The same n_maj at every IR; n_min shrinks with IR.</summary>
public sealed class FixedMajorityProtocol : HeldQuantityProtocol
{
    public override string Name => "fixed-majority";

    protected override string Held => "n_maj";

    protected override int Upper(int aMin, int aMaj) => aMaj;

    protected override (double Min, double Maj) CountsAt(int held, double ir) => (Round(held / ir), held);
}

namespace ImbLab.Data.Protocols;

/// <summary>The same total N at every IR, so size and ratio are not confounded.</summary>
public sealed class FixedNProtocol : HeldQuantityProtocol
{
    public override string Name => "fixed-n";

    protected override string Held => "N";

    protected override int Upper(int aMin, int aMaj) => aMin + aMaj;

    protected override (double Min, double Maj) CountsAt(int held, double ir)
    {
        var nMin = Round(held / (1 + ir));
        return (nMin, held - nMin);
    }
}

namespace ImbLab.Data.Protocols;

/// <summary>The study-file fields protocol errors are about; the CLI maps them to its options.</summary>
internal static class ProtocolSettings
{
    public const string Protocols = "protocols";
    public const string Irs = "irs";
    public const string Grid = "grid";
}

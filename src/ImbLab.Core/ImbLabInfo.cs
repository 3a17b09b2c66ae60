using System.Reflection;

namespace ImbLab.Core;

public static class ImbLabInfo
{
    /// <summary>The informational version of the build, stored with every study and run.</summary>
    public static string Version { get; } =
        typeof(ImbLabInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}

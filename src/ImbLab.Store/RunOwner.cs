using System.Diagnostics;
using System.Security.Cryptography;

namespace ImbLab.Store;

/// <summary>
/// The process that has a run in flight: its host, its pid and a random token (a pid can be reused after the process
/// ends; the token tells two processes with the same pid apart, and two stores opened in one process).
/// </summary>
public sealed record RunOwner(string Host, int Pid, string Token)
{
    /// <summary>How often an owner refreshes the heartbeat of its runs in flight.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A heartbeat older than this marks its owner gone. Twelve missed beats: long enough that a live worker on a
    /// loaded machine (2 cores saturated by training, a GC pause, a writer holding the store's lock for seconds) is never
    /// taken for dead, short enough that a run of a crashed worker on another host is redone within a minute. On the
    /// same host a dead owner is seen at once from its pid.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    public static RunOwner ThisProcess() =>
        new(Environment.MachineName, Environment.ProcessId, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));

    public bool Owns(string? token) => token == Token;

    /// <summary>
    /// Whether the owner recorded on a 'running' row is gone, so the run may be redone: a row without an owner (written
    /// by schema version 2, which had none), an owner on this host whose pid is not alive, or a stale heartbeat.
    /// </summary>
    public bool IsGone(string? host, long? pid, string? token, DateTimeOffset? heartbeat, DateTimeOffset now)
    {
        if (Owns(token)) return false;
        if (token is null || heartbeat is not { } beat) return true;
        if (host == Host && pid is { } p && !ProcessAlive(p)) return true;
        return now - beat > StaleAfter;
    }

    private static bool ProcessAlive(long pid)
    {
        if (pid is <= 0 or > int.MaxValue) return false;
        try
        {
            using var process = Process.GetProcessById((int)pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false; // exited while being looked at
        }
    }
}

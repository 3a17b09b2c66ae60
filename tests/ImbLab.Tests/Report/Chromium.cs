using System.Diagnostics;
using System.Text.RegularExpressions;
using SkiaSharp;
using Xunit;

namespace ImbLab.Tests.Report;

/// <summary>
/// Loads a page in headless Chromium and reports what it logged. The report carries a content-security policy that
/// allows nothing to load (no script, font, image or stylesheet from anywhere); Chromium blocks any such attempt and
/// logs it as a console message, which --enable-logging=stderr prints as an "INFO:CONSOLE" line. So one run tells
/// us both: a console line means a console error or a blocked network request. A control test feeds it a page that
/// tries to load an image and a stylesheet, to prove the check can fail.
/// <para>
/// Finding the browser: the environment variable IMBLAB_CHROMIUM, when set, is the browser's path and nothing else is
/// tried (set it to a path that does not exist, e.g. IMBLAB_CHROMIUM=/nonexistent, to see how the tests behave on a
/// machine without a browser); otherwise `chromium` or `chromium-browser` on PATH. When no browser is found, a test
/// that needs one (a [SkippableFact]) is skipped with <see cref="InstallHint"/>, except when IMBLAB_REQUIRE_BROWSER=1
/// (.ci/run sets it): then it fails.
/// </para>
/// </summary>
internal static partial class Chromium
{
    public const string InstallHint = "headless Chromium (chromium) is not installed; install it with: apt-get install chromium";

    public sealed record Load(TimeSpan Elapsed, IReadOnlyList<string> ConsoleLines, IReadOnlyList<string> NetworkErrors, string ScreenshotPath);

    /// <summary>The browser's path, or null when there is none (see the class summary for where it looks).</summary>
    public static string? Find()
    {
        var given = Environment.GetEnvironmentVariable("IMBLAB_CHROMIUM");
        if (!string.IsNullOrEmpty(given)) return File.Exists(given) ? given : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            foreach (var name in new[] { "chromium", "chromium-browser" })
                if (dir.Length > 0 && File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    /// <summary>The browser's path; without one, skips the calling [SkippableFact], or fails it under IMBLAB_REQUIRE_BROWSER=1.</summary>
    public static string Executable()
    {
        var path = Find();
        var given = Environment.GetEnvironmentVariable("IMBLAB_CHROMIUM");
        var why = string.IsNullOrEmpty(given) ? InstallHint : $"IMBLAB_CHROMIUM={given} is not a file; " + InstallHint;
        if (path is null && Environment.GetEnvironmentVariable("IMBLAB_REQUIRE_BROWSER") == "1")
            Assert.Fail($"browser test required (IMBLAB_REQUIRE_BROWSER=1), but {why}");
        Skip.If(path is null, $"browser test skipped: {why}");
        return path!;
    }

    public static Load Screenshot(string htmlPath, string screenshotPath, int width = 1400, int height = 1000)
    {
        var profile = Directory.CreateTempSubdirectory("imblab-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Executable())
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                         "--hide-scrollbars", $"--window-size={width},{height}", $"--screenshot={screenshotPath}", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
                     })
                psi.ArgumentList.Add(a);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 60 s");
            }
            clock.Stop();
            var lines = (stderr.Result + "\n" + stdout.Result).Split('\n');
            return new Load(clock.Elapsed, lines.Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList(),
                lines.Where(l => NetError().IsMatch(l)).ToList(), screenshotPath);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>Share of pixels that are not (near) white.</summary>
    public static double InkShare(string pngPath)
    {
        using var bitmap = SKBitmap.Decode(pngPath);
        Assert.NotNull(bitmap);
        long ink = 0;
        for (var y = 0; y < bitmap.Height; y += 2)
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 235 || c.Green < 235 || c.Blue < 235) ink++;
            }
        return ink / (double)((bitmap.Height + 1) / 2 * ((bitmap.Width + 1) / 2));
    }

    [GeneratedRegex(@"net::ERR_(?!ABORTED)")]
    private static partial Regex NetError();
}

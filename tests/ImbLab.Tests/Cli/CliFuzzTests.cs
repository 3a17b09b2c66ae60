using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using ImbLab.Cli;
using Spectre.Console;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>
/// Random and mutated option values and study files, through the whole CLI in process: parsing, the spec, its
/// validation and planning up to the data, which is a missing file so that nothing trains. Every outcome is a success
/// or one line "error: ..." with a usage or data exit code; never an internal error or a stack trace.
/// </summary>
public sealed partial class CliFuzzTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] ValueOptions =
    [
        "--epochs", "--batch-size", "--lr", "--hidden", "--seed", "--seeds", "--ir", "--grid", "--protocol", "--split", "--momentum",
        "--weight-decay", "--early-epochs", "--representation-rows", "--threads", "--activation", "--optimizer", "--gradient-schedule",
        "--dynamics-from", "--name", "--label-column", "--every", "--epoch", "--hiden",
    ];

    private static readonly string[] Flags = ["--impute", "--no-samples", "--no-gradients", "--no-representations", "--record-activations", "--json", "--no-report"];

    private static readonly string[] Values =
    [
        "1e9", "NaN", "abc", "", " ", "-1", "0", "1", "10", "2147483647", "2147483648", "-2147483648", "18446744073709551616", "1,,2", ",", "64,64",
        "65536,65536", "65536", "1.5", "-0", "Infinity", "1e-3", "1e400", "10x100", "0x0", "x", "natural", "grid", "natural,grid", "subsample-minority",
        "holdout:2", "holdout:0.3", "kfold:0", "kfold:x", "repeated-kfold:5x2", "repeated-kfold:0x99999", "keel", "relu", "sgd", "every",
        "training", "[red]", "--", "-",
    ];

    private const string Alphabet = "0123456789,.-+eExX:naNIfy[] ";

    private static Gen<T> Any<T>(T[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    private static Gen<T> Either<T>(Gen<T> a, Gen<T> b) => Gen.Bool.SelectMany(first => first ? a : b);

    private static readonly Gen<string> Value = Either(Any(Values), Gen.Char[Alphabet].Array[0, 12].Select(c => new string(c)));

    private static readonly Gen<string[]> Options = Either(
        Gen.Select(Any(ValueOptions), Value, (o, v) => new[] { o, v }),
        Any(Flags).Select(f => new[] { f })).Array[0, 6].Select(parts => parts.SelectMany(p => p).ToArray());

    [Fact]
    public void Given_random_option_values_When_study_or_train_parses_them_Then_success_or_one_clean_error_line() =>
        Gen.Select(Any(["study", "train"]), Options).Sample((command, options) =>
        {
            string[] args = [command, .. options, "--data", Path.Combine(_dir, "no-such.dat"), "--out", _dir];
            AssertCleanOutcome(args);
        }, iter: 400, threads: 1);

    [Theory]
    [InlineData("--=5")]
    [InlineData("--:")]
    [InlineData("--:6:4")]
    public void Given_a_long_option_with_no_name_Then_one_usage_error_line_not_an_internal_error(string option)
    {
        // Found by the fuzz test above: Spectre's tokenizer threw IndexOutOfRangeException on these.
        var (exit, stderr) = Run(["study", option]);

        Assert.Equal(2, exit);
        AssertCleanOutcome(["study", option]);
        Assert.Contains("the option name is missing", stderr, StringComparison.Ordinal);
    }

    private const string StudyFile = """
        {
          "name": "fuzz",
          "data": ["synthetic"],
          "protocols": ["subsample-minority", "fixed-n"],
          "irs": [1, 10, 50],
          "grid": [],
          "seeds": 2,
          "seed": 0,
          "split": "holdout",
          "impute": false,
          "model": { "hidden": [64, 64], "epochs": 5, "batch_size": 32, "learning_rate": 0.001, "optimizer": "adam", "activation": "relu" },
          "diagnostics": { "gradients": true, "representation_rows": 400, "dynamics_from": "eval" }
        }
        """;

    private static readonly string[] JsonTokens =
    [
        "null", "[null]", "[]", "{}", "\"\"", "\"x\"", "-1", "0", "1e400", "1e9", "\"NaN\"", "true", "[1,,2]", "[65536, 65536]", "2147483648",
        "[{\"minority\": 0, \"majority\": null}]", "[\"natural\"]", "[\"grid\"]", "\"kfold:0\"", "[\"\"]", ",", "]", "}", "\"",
    ];

    /// <summary>A field's value replaced by a token, or a character inserted or deleted anywhere.</summary>
    private static Gen<string> StudyFiles()
    {
        var values = ValuePattern().Matches(StudyFile).Select(m => m.Groups[1]).ToArray();
        var edit = Gen.Select(Gen.Int[0, 2], Gen.Int[0, values.Length - 1], Any(JsonTokens), Gen.Int[0, StudyFile.Length - 1]);
        return edit.Array[1, 3].Select(edits =>
        {
            var text = StudyFile;
            foreach (var (op, field, token, at) in edits)
            {
                var i = Math.Min(at, text.Length - 1);
                var g = ValuePattern().Matches(text).ElementAtOrDefault(field)?.Groups[1];
                text = op switch
                {
                    0 when g is not null => text[..g.Index] + token + text[(g.Index + g.Length)..],
                    1 => text.Insert(i, token),
                    _ when text.Length > 1 => text.Remove(i, 1),
                    _ => text,
                };
            }
            return text;
        });
    }

    [Fact]
    public void Given_mutated_study_files_When_read_and_validated_Then_success_or_one_clean_error_line()
    {
        var file = Path.Combine(_dir, "study.json");
        StudyFiles().Sample(json =>
        {
            File.WriteAllText(file, json, new UTF8Encoding(false));
            AssertCleanOutcome(["study", "--config", file, "--data", Path.Combine(_dir, "no-such.dat"), "--out", _dir]);
        }, iter: 400, threads: 1);
    }

    private static void AssertCleanOutcome(string[] args)
    {
        var (exit, stderr) = Run(args);
        var what = string.Join(' ', args.Select(a => $"'{a}'"));
        if (exit == 0) return;
        Assert.True(exit is 1 or 2, $"exit {exit} for {what}: {stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{lines.Length} lines for {what}: {stderr}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        // A setting mentioned below the CLI and left unrendered would show as {field}.
        Assert.False(MentionPattern().IsMatch(lines[0]), $"unrendered setting for {what}: {stderr}");
    }

    /// <summary>As the program runs with stderr redirected: errors are never folded, so a line is a line.</summary>
    private static (int Exit, string Err) Run(string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = ImbLabApp.RunAsync(args, Console(output), Console(errors), CancellationToken.None).GetAwaiter().GetResult();
        return (exit, errors.ToString());
    }

    private static IAnsiConsole Console(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 4096;
        return console;
    }

    [GeneratedRegex("""(?m):\s*(\[[^\[\]{}]*\]|"[^"]*"|-?[0-9.e]+|true|false)""")]
    private static partial Regex ValuePattern();

    [GeneratedRegex(@"\{[a-z_]+(\.[a-z_]+)?\}")]
    private static partial Regex MentionPattern();
}

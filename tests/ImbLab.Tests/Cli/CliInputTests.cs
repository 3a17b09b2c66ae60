using ImbLab.Cli;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>Inputs that used to end in "internal error": each is one line naming the option or field, the value and what is accepted.</summary>
public sealed class CliInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Missing => Path.Combine(_dir, "no-such.dat");

    private static void AssertOneLine(int expectedExit, (int Exit, string Out, string Err) result, params string[] mentions)
    {
        Assert.True(result.Exit == expectedExit, $"exit {result.Exit}: {result.Err}");
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", line, StringComparison.Ordinal);
        foreach (var m in mentions) Assert.Contains(m, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--batch-size", "2147483647", "1..1000000")]
    [InlineData("--hidden", "65536,65536", "at most 10000000")]
    [InlineData("--epochs", "1e9", "1..1000000")]
    [InlineData("--epochs", "NaN", "1..1000000")]
    [InlineData("--epochs", "abc", "1..1000000")]
    [InlineData("--batch-size", "1e9", "1..1000000")]
    [InlineData("--batch-size", "NaN", "1..1000000")]
    [InlineData("--batch-size", "abc", "1..1000000")]
    [InlineData("--lr", "NaN", "positive number")]
    [InlineData("--lr", "abc", "positive number")]
    [InlineData("--lr", "1e400", "positive number")]
    [InlineData("--seed", "18446744073709551616", "0..2147483647")]
    [InlineData("--seeds", "1e9", "1..10000")]
    [InlineData("--hidden", "1,,2", "without empty items")]
    [InlineData("--ir", "10,", "without empty items")]
    [InlineData("--threads", "two", ">= 1")]
    public void Given_a_bad_option_value_When_study_runs_Then_exit_2_naming_option_value_and_what_is_accepted(string option, string value, string accepted)
    {
        foreach (var command in new[] { "study", "train" })
        {
            if (command == "train" && option == "--seeds") continue;
            AssertOneLine(2, CliHarness.Run(command, option, value, "--data", Missing, "--out", _dir), option, $"{value}", "accepted", accepted);
        }
    }

    [Theory]
    [InlineData("\"data\": null", "data: null is not accepted")]
    [InlineData("\"model\": null", "model: null is not accepted")]
    [InlineData("\"protocols\": [null]", "protocols: null is not accepted")]
    [InlineData("\"diagnostics\": null", "diagnostics: null is not accepted")]
    [InlineData("\"split\": null", "split: null is not accepted")]
    [InlineData("\"model\": { \"hidden\": null }", "model.hidden: null is not accepted")]
    public void Given_a_study_file_with_a_null_field_When_run_Then_exit_2_naming_the_field_and_what_is_expected(string field, string message)
    {
        var file = Path.Combine(_dir, "study.json");
        File.WriteAllText(file, "{ " + field + " }");
        var result = CliHarness.Run("study", "--config", file, "--out", _dir);
        AssertOneLine(2, result, "--config", "study.json", message, "expected");
    }

    [Theory]
    [InlineData("study")]
    [InlineData("train")]
    public void Given_protocol_natural_with_an_ir_When_run_Then_it_is_refused_saying_natural_has_no_levels(string command)
    {
        var result = CliHarness.Run(command, "--protocol", "natural", "--ir", "10", "--data", "synthetic:rows=300,d=2", "--epochs", "1", "--out", _dir);
        AssertOneLine(2, result, "--ir", "10", "natural has no levels", "accepted");
        Assert.False(File.Exists(Path.Combine(_dir, "imblab.db")));
    }

    [Fact]
    public void Given_a_study_file_with_irs_and_only_protocol_natural_When_run_Then_it_is_refused_naming_the_file_and_its_field()
    {
        // Was accepted without a word: the file's irs were silently not applied.
        var file = Path.Combine(_dir, "natural.json");
        File.WriteAllText(file, """{ "data": ["synthetic:rows=300,d=2"], "protocols": ["natural"], "irs": [10, 20], "model": { "epochs": 1 } }""");

        var result = CliHarness.Run("study", "--config", file, "--out", _dir);

        AssertOneLine(2, result, "natural.json: irs: 10,20 given", "protocols [natural] read no imbalance ratio", "accepted: no irs");
        Assert.False(File.Exists(Path.Combine(_dir, "imblab.db")));
    }

    [Fact]
    public void Given_a_study_file_with_only_protocol_natural_and_no_irs_When_planned_Then_it_is_not_refused()
    {
        var file = Path.Combine(_dir, "natural.json");
        File.WriteAllText(file, """{ "data": ["synthetic:rows=300,d=2"], "protocols": ["natural"], "model": { "epochs": 1 } }""");

        var result = CliHarness.Run("study", "--config", file, "--dry-run", "--out", _dir);

        Assert.Equal(0, result.Exit);
    }

    [Fact]
    public void Given_natural_next_to_a_protocol_that_reads_irs_When_planned_Then_the_irs_are_used_and_not_refused()
    {
        var result = CliHarness.Run("study", "--protocol", "natural,fixed-n", "--ir", "10", "--data", Missing, "--out", _dir);
        AssertOneLine(2, result, "no-such.dat");
    }

    [Theory]
    [InlineData("study", "--epoch", "--epochs")]
    [InlineData("study", "--batchsize", "--batch-size")]
    [InlineData("train", "--hiden", "--hidden")]
    [InlineData("study", "--no-reprot", "--no-report")]
    public void Given_a_mistyped_option_When_run_Then_the_error_suggests_the_closest_option(string command, string typo, string meant)
    {
        var result = CliHarness.Run(command, typo, "3");
        AssertOneLine(2, result, $"did you mean {meant}?", $"{command} --help");
    }

    [Fact]
    public void Given_an_option_far_from_every_option_When_run_Then_no_guess_is_offered() =>
        Assert.Null(OptionSuggestions.Closest("xyzzyplugh", ["study"]));

    [Fact]
    public void Given_IMBLAB_COMMAND_When_a_hint_is_printed_Then_it_names_the_tool_that_way()
    {
        var before = Environment.GetEnvironmentVariable(CliText.CommandVariable);
        try
        {
            Environment.SetEnvironmentVariable(CliText.CommandVariable, "./imblab");
            var result = CliHarness.Run("study", "--epoch", "3");
            Assert.Contains("(see './imblab study --help')", result.Err, StringComparison.Ordinal);
            var store = CliHarness.Run("findings", Path.Combine(_dir, "none.db"));
            Assert.Contains("'./imblab study'", store.Err, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CliText.CommandVariable, before);
        }
    }
}

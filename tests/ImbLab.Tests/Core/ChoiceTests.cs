using System.Text.Json;
using ImbLab.Core;
using ImbLab.Core.Specs;
using Xunit;

namespace ImbLab.Tests.Core;

public sealed class ChoiceTests
{
    [Theory]
    [InlineData("relu", "Relu")]
    [InlineData(" TANH ", "Tanh")]
    public void Given_a_known_name_in_any_case_When_parsed_Then_its_value(string text, string expected) =>
        Assert.Equal(expected, Choice<Activation>.Parse(text, Settings.Activation).ToString());

    [Fact]
    public void Given_an_unknown_name_When_parsed_Then_a_usage_error_names_the_setting_and_what_is_accepted()
    {
        var e = Assert.Throws<UsageException>(() => Choice<OptimizerKind>.Parse("rmsprop", Settings.Optimizer));
        Assert.Equal("model.optimizer: 'rmsprop' is not known; accepted: adam, sgd", e.Message);
        Assert.Equal("--optimizer: 'rmsprop' is not known; accepted: adam, sgd", ImbLab.Cli.OptionNames.Render(e));
    }

    [Fact]
    public void Given_a_spec_When_serialised_Then_choices_are_written_as_their_names_as_before_they_were_typed()
    {
        // Study and run ids are hashes of this JSON: the typed spec must write exactly what the string spec wrote.
        var json = new StudySpec().ToJson();
        Assert.Contains("\"activation\":\"relu\"", json, StringComparison.Ordinal);
        Assert.Contains("\"optimizer\":\"adam\"", json, StringComparison.Ordinal);
        Assert.Contains("\"gradient_schedule\":\"log\"", json, StringComparison.Ordinal);
        Assert.Contains("\"dynamics_from\":\"eval\"", json, StringComparison.Ordinal);
        Assert.Equal(json, JsonSerializer.Deserialize<StudySpec>(json, StudySpec.Json)!.ToJson());
    }

    [Fact]
    public void Given_a_study_file_with_an_unknown_choice_When_read_Then_the_error_names_the_file_line_and_what_is_accepted()
    {
        var path = Path.Combine(Path.GetTempPath(), $"imblab-choice-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\n  \"model\": { \"activation\": \"gelu\" }\n}");
        try
        {
            var e = Assert.Throws<UsageException>(() => StudySpec.FromJsonFile(path));
            Assert.Contains($"{path}:2:", e.Message, StringComparison.Ordinal);
            Assert.Contains("'gelu' is not known; accepted: relu, tanh", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

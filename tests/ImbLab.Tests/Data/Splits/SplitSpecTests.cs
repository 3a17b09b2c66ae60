using CsCheck;
using ImbLab.Core;
using ImbLab.Data;
using Xunit;

namespace ImbLab.Tests.Protocols;

public sealed class SplitSpecTests
{
    public static TheoryData<string, string, double, int, int> Accepted() => new()
    {
        { "holdout", nameof(SplitKind.HoldOut), 0.2, 1, 1 },
        { "holdout:0.3", nameof(SplitKind.HoldOut), 0.3, 1, 1 },
        { " HoldOut:0.25 ", nameof(SplitKind.HoldOut), 0.25, 1, 1 },
        { "kfold", nameof(SplitKind.KFold), 0.2, 5, 1 },
        { "kfold:10", nameof(SplitKind.KFold), 0.1, 10, 1 },
        { "repeated-kfold:5x2", nameof(SplitKind.RepeatedKFold), 0.2, 5, 2 },
        { "keel", nameof(SplitKind.Keel), 0.2, 5, 1 },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Given_an_accepted_form_When_parsed_Then_fields_are_set_and_text_round_trips(
        string text, string kindName, double fraction, int folds, int repeats)
    {
        var kind = Enum.Parse<SplitKind>(kindName);
        var spec = SplitSpec.Parse(text);
        Assert.Equal(new SplitSpec(kind, fraction, folds, repeats), spec);
        Assert.Equal(spec, SplitSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("holdout", "holdout")]
    [InlineData("holdout:0.2", "holdout")]
    [InlineData("kfold:5", "kfold")]
    [InlineData("kfold:7", "kfold:7")]
    [InlineData("repeated-kfold:10x3", "repeated-kfold:10x3")]
    [InlineData("KEEL", "keel")]
    public void Given_a_spec_When_printed_Then_the_shortest_form_is_used(string text, string printed) =>
        Assert.Equal(printed, SplitSpec.Parse(text).ToString());

    [Fact]
    public void Given_any_valid_spec_When_printed_and_parsed_Then_it_is_unchanged()
    {
        var specs = Gen.OneOf(
            Gen.Double[0.001, 0.999].Select(SplitSpec.HoldOut),
            Gen.Int[2, 100].Select(SplitSpec.KFold),
            Gen.Select(Gen.Int[2, 50], Gen.Int[1, 20], SplitSpec.RepeatedKFold),
            Gen.Const(SplitSpec.Keel()));
        specs.Sample(spec => Assert.Equal(spec, SplitSpec.Parse(spec.ToString())), iter: 500);
    }

    [Theory]
    [InlineData("")]
    [InlineData("holdout:0")]
    [InlineData("holdout:1")]
    [InlineData("holdout:abc")]
    [InlineData("kfold:1")]
    [InlineData("kfold:-3")]
    [InlineData("kfold:2.5")]
    [InlineData("repeated-kfold")]
    [InlineData("repeated-kfold:5")]
    [InlineData("repeated-kfold:5x0")]
    [InlineData("repeated-kfold:1x3")]
    [InlineData("keel:3")]
    [InlineData("cv")]
    public void Given_bad_text_When_parsed_Then_usage_error_names_option_value_and_accepted_forms(string text)
    {
        var ex = Assert.Throws<UsageException>(() => SplitSpec.Parse(text));
        Assert.StartsWith("split: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Settings.Split, ex.Setting);
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(SplitSpec.AcceptedForms, ex.Message, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using ImbLab.Data;
using Xunit;

namespace ImbLab.Tests.Protocols;

/// <summary>
/// Per-class test-fold sizes against scikit-learn's StratifiedKFold(shuffle=True)
/// (tools/reference/split_goldens.py). Only sizes are compared: the RNGs differ, so the rows do too.
/// </summary>
public sealed class SplitGoldenTests
{
    private sealed record GoldenCase(string Name, int K, int[] Labels, int[][] FoldClassSizes);

    private sealed record Goldens(string Generator, GoldenCase[] Cases);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    public static TheoryData<string> CaseNames() => [.. Load().Cases.Select(c => c.Name)];

    private static Goldens Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Protocols", "split_goldens.json");
        return JsonSerializer.Deserialize<Goldens>(File.ReadAllText(path), JsonOptions)!;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Given_a_label_vector_When_k_fold_Then_per_class_fold_sizes_match_scikit_learn(string name)
    {
        var golden = Load().Cases.Single(c => c.Name == name);
        var classes = golden.Labels.Max() + 1;
        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            var splits = Splitter.StratifiedKFold(golden.Labels, golden.K, seed);
            var sizes = splits.Select(s =>
            {
                var counts = new int[classes];
                foreach (var r in s.TestRows) counts[golden.Labels[r]]++;
                return counts;
            }).ToArray();
            Assert.Equal(golden.FoldClassSizes, sizes);
        }
    }
}

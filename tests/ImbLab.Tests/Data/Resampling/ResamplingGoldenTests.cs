using System.Text.Json;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;
using ImbLab.Data.Resampling;
using ImbLab.Tests.Readers;
using Xunit;

namespace ImbLab.Tests.Data;

/// <summary>
/// Re-sampling against scikit-learn and imbalanced-learn (tools/reference/resampling_goldens.py): SMOTE's k nearest
/// neighbours against NearestNeighbors, per-class counts against RandomOverSampler, RandomUnderSampler and SMOTE
/// (sampling_strategy='auto'), and the synthetic rows' geometry on the same data. The RNGs differ, so rows are checked by
/// what they must satisfy, not by value.
/// </summary>
public sealed class ResamplingGoldenTests
{
    internal sealed record Neighbour(int Row, int[] Neighbours, double[] Distances, double? BoundaryGap);

    internal sealed record ClassNeighbours(int Class, Neighbour[] Rows);

    internal sealed record Counts(
        Dictionary<string, int> Before, Dictionary<string, int> Ros, Dictionary<string, int> Rus, Dictionary<string, int> Smote,
        Dictionary<string, int>? Smotenc);

    internal sealed record DataSet(
        string Name, string? Source, int Columns, int[][] OneHotGroups, float[] Features, int[] Labels, int K, ClassNeighbours[] Neighbours, Counts Counts)
    {
        public IReadOnlyList<(int Start, int Length)> Groups => [.. OneHotGroups.Select(g => (g[0], g[1]))];
    }

    internal sealed record LabelCase(string Name, int Columns, float[] Features, int[] Labels, Counts Counts);

    internal sealed record Goldens(string Generator, int K, DataSet[] DataSets, LabelCase[] LabelCases);

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly Lazy<Goldens> Golden = new(() =>
        JsonSerializer.Deserialize<Goldens>(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Resampling", "resampling_goldens.json")), SnakeCase)!);

    internal static DataSet Set(string name) => Golden.Value.DataSets.Single(d => d.Name == name);

    public static TheoryData<string> DataSetNames() => [.. Golden.Value.DataSets.Select(d => d.Name)];

    public static TheoryData<string> LabelCaseNames() => [.. Golden.Value.LabelCases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(DataSetNames))]
    public void Given_a_golden_set_When_the_nearest_neighbours_of_each_minority_row_are_searched_Then_they_are_scikit_learns(string name)
    {
        var set = Set(name);
        Assert.NotEmpty(set.Neighbours);
        foreach (var cls in set.Neighbours)
        {
            var members = Enumerable.Range(0, set.Labels.Length).Where(i => set.Labels[i] == cls.Class).ToArray();
            Assert.Equal(cls.Rows.Select(r => r.Row), members);
            var found = NearestNeighbours.Within(set.Features, set.Columns, members, set.K);
            for (var i = 0; i < members.Length; i++)
            {
                var golden = cls.Rows[i];
                // The script asserted a clear gap after the k-th neighbour, so the sets must agree exactly.
                Assert.True(golden.BoundaryGap is null or > 1e-6, $"{name}: row {golden.Row} has a near tie at the boundary");
                var ours = found.AsSpan(i * set.K, set.K).ToArray().Select(j => members[j]).ToArray();
                Assert.Equal(golden.Neighbours.Order(), ours.Order());
                for (var n = 0; n < set.K; n++)
                {
                    var d = Math.Sqrt(NearestNeighbours.SquaredDistance(Row(set.Features, set.Columns, golden.Row), Row(set.Features, set.Columns, ours[n])));
                    Assert.Equal(golden.Distances[n], d, 1e-9 * Math.Max(1, golden.Distances[n]));
                }
            }
        }
    }

    [Fact]
    public void Given_the_KEEL_file_When_encoded_by_TableEncoder_Then_the_rows_and_one_hot_groups_are_the_fixtures()
    {
        foreach (var set in Golden.Value.DataSets.Where(d => d.Source is not null))
        {
            var table = TableReader.Read(Path.Combine(ReaderFixtures.RepositoryRoot(), set.Source!));
            var rows = Enumerable.Range(0, table.Rows).ToArray();
            var encoder = TableEncoder.Fit(table, rows, MissingPolicy.Error);
            var encoded = encoder.Transform(table, rows);

            Assert.Equal(set.Columns, encoded.FeatureCount);
            Assert.Equal(set.Labels, encoded.Labels);
            Assert.Equal(set.Groups, encoder.OneHotGroups);
            for (var i = 0; i < encoded.Features.Length; i++) Assert.Equal(set.Features[i], encoded.Features[i], 1e-5f);
        }
    }

    [Theory]
    [MemberData(nameof(DataSetNames))]
    public void Given_a_golden_set_When_resampled_Then_the_class_counts_are_imbalanced_learns(string name)
    {
        var set = Set(name);
        AssertCounts(set.Counts, set.Features, set.Columns, set.Labels, set.Groups, set.K);
        if (set.Counts.Smotenc is { } nc) Assert.Equal(nc, set.Counts.Smote);
    }

    [Theory]
    [MemberData(nameof(LabelCaseNames))]
    public void Given_a_label_vector_When_resampled_Then_the_class_counts_are_imbalanced_learns(string name)
    {
        var c = Golden.Value.LabelCases.Single(l => l.Name == name);
        AssertCounts(c.Counts, c.Features, c.Columns, c.Labels, [], Golden.Value.K);
    }

    [Theory]
    [MemberData(nameof(DataSetNames))]
    public void Given_a_golden_set_When_SMOTE_runs_Then_every_synthetic_row_lies_between_a_class_row_and_one_of_its_neighbours_with_their_category(string name)
    {
        var set = Set(name);
        var result = Resampling.Smote(set.Features, set.Columns, set.Labels, set.K, set.Groups, 20261202);
        ResamplingAssert.OriginalsFirst(result, set.Features, set.Columns, set.Labels);
        ResamplingAssert.SyntheticOnSegments(result, set.Features, set.Columns, set.Labels, set.K, set.Groups);
    }

    private static void AssertCounts(Counts golden, float[] features, int columns, int[] labels, IReadOnlyList<(int, int)> groups, int k)
    {
        Assert.Equal(golden.Before, CountsOf(labels));
        Assert.Equal(golden.Ros, CountsOf(Resampling.RandomOver(features, columns, labels, 3).Labels));
        Assert.Equal(golden.Rus, CountsOf(Resampling.RandomUnder(features, columns, labels, 3).Labels));
        Assert.Equal(golden.Smote, CountsOf(Resampling.Smote(features, columns, labels, k, groups, 3).Labels));
    }

    private static Dictionary<string, int> CountsOf(int[] labels) =>
        labels.GroupBy(y => y).ToDictionary(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Count());

    private static float[] Row(float[] features, int columns, int row) => features.AsSpan(row * columns, columns).ToArray();
}

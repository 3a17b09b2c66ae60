using ImbLab.Core;
using ImbLab.Data.Encoding;
using ImbLab.Data.Resampling;
using Xunit;

namespace ImbLab.Tests.Data;

public sealed class ResamplingTests
{
    /// <summary>One column whose value is the row index, so a copy shows which row it copies.</summary>
    private static float[] IndexColumn(int rows) => [.. Enumerable.Range(0, rows).Select(i => (float)i)];

    [Fact]
    public void Given_5_vs_2_rows_When_randomly_over_sampled_Then_the_minority_gets_3_copies_of_its_own_rows_after_the_originals()
    {
        int[] labels = [0, 1, 0, 0, 1, 0, 0];
        var x = IndexColumn(labels.Length);

        var result = Resampling.RandomOver(x, 1, labels, 11);

        Assert.Equal(10, result.Rows);
        ResamplingAssert.OriginalsFirst(result, x, 1, labels);
        ResamplingAssert.CopiesOfTheirOrigin(result, x, 1, labels);
        Assert.All(result.Origin.Skip(7), o => Assert.Contains(o, new[] { 1, 4 }));
    }

    [Fact]
    public void Given_6_2_3_rows_When_randomly_under_sampled_Then_each_class_keeps_2_distinct_rows_in_input_order()
    {
        int[] labels = [0, 0, 2, 0, 1, 0, 2, 0, 1, 0, 2];
        var x = IndexColumn(labels.Length);

        var result = Resampling.RandomUnder(x, 1, labels, 5);

        Assert.Equal(6, result.Rows);
        ResamplingAssert.CopiesOfTheirOrigin(result, x, 1, labels);
        Assert.Equal(result.Origin.Order(), result.Origin);
        Assert.Equal(result.Origin.Length, result.Origin.Distinct().Count());
        Assert.Equal([4, 8], result.Origin.Where(o => labels[o] == 1)); // the minority is kept whole
        Assert.Equal([2, 2, 2], result.Labels.GroupBy(y => y).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    /// <summary>Each of 6 majority rows kept 2 times in 6 over many seeds: a biased partial shuffle would show.</summary>
    [Fact]
    public void Given_many_seeds_When_under_sampled_Then_every_majority_row_is_kept_equally_often()
    {
        int[] labels = [0, 0, 0, 0, 0, 0, 1, 1];
        var x = IndexColumn(labels.Length);
        const int seeds = 6000;
        var kept = new int[6];
        for (var s = 0; s < seeds; s++)
            foreach (var o in Resampling.RandomUnder(x, 1, labels, (ulong)s).Origin)
                if (o < 6) kept[o]++;

        var expected = seeds * 2.0 / 6;
        var sd = Math.Sqrt(seeds * (2.0 / 6) * (4.0 / 6));
        Assert.All(kept, k => Assert.InRange(k, expected - 4.5 * sd, expected + 4.5 * sd));
    }

    [Fact]
    public void Given_a_seed_When_resampled_twice_Then_the_results_are_the_same_and_another_seed_gives_others()
    {
        var set = ResamplingGoldenTests.Set("handmade");
        var groups = set.Groups;
        ResampledSet[] Run(ulong seed) =>
        [
            Resampling.RandomOver(set.Features, set.Columns, set.Labels, seed),
            Resampling.RandomUnder(set.Features, set.Columns, set.Labels, seed),
            Resampling.Smote(set.Features, set.Columns, set.Labels, 5, groups, seed),
        ];

        var a = Run(42);
        var b = Run(42);
        var c = Run(43);
        for (var m = 0; m < a.Length; m++)
        {
            Assert.Equal(a[m].Features, b[m].Features);
            Assert.Equal(a[m].Labels, b[m].Labels);
            Assert.Equal(a[m].Origin, b[m].Origin);
            Assert.False(a[m].Features.SequenceEqual(c[m].Features) && a[m].Origin.SequenceEqual(c[m].Origin), $"method {m}: seeds 42 and 43 agree");
        }
    }

    /// <summary>
    /// Minority A, B (red) and C, D (blue) at the corners of a 1 x 3 rectangle, k = 3: every other minority row is a
    /// neighbour, so A's and B's neighbours vote blue (2 to 1) and C's and D's vote red. A synthetic row on the segment
    /// AB (y = 0) is blue whichever end it started from, one on CD (y = 3) red.
    /// </summary>
    [Fact]
    public void Given_a_nominal_attribute_When_SMOTE_interpolates_Then_the_group_takes_the_neighbours_most_frequent_category()
    {
        var rows = new List<float[]> { new[] { 0f, 0f, 1f, 0f }, new[] { 1f, 0f, 1f, 0f }, new[] { 0f, 3f, 0f, 1f }, new[] { 1f, 3f, 0f, 1f } };
        var labels = new List<int> { 1, 1, 1, 1 };
        for (var i = 0; i < 60; i++)
        {
            rows.Add([10f + i, -5f, i % 2, 1 - i % 2]);
            labels.Add(0);
        }
        var x = rows.SelectMany(r => r).ToArray();
        (int, int)[] groups = [(2, 2)];

        var result = Resampling.Smote(x, 4, [.. labels], 3, groups, 9);

        Assert.Equal(120, result.Rows);
        ResamplingAssert.SyntheticOnSegments(result, x, 4, [.. labels], 3, groups);
        int onAb = 0, onCd = 0;
        for (var r = 64; r < result.Rows; r++)
        {
            var row = result.Features.AsSpan(r * 4, 4);
            if (row[1] == 0f && row[0] > 0f && row[0] < 1f)
            {
                onAb++;
                Assert.Equal([0f, 1f], row[2..].ToArray());
            }
            if (row[1] == 3f && row[0] > 0f && row[0] < 1f)
            {
                onCd++;
                Assert.Equal([1f, 0f], row[2..].ToArray());
            }
        }
        Assert.True(onAb > 0 && onCd > 0, $"{onAb} rows on AB, {onCd} on CD: the case did not exercise both votes");
    }

    /// <summary>
    /// Three minority rows of three categories, k = 2: every vote is a tie between the two neighbours' categories. A
    /// lowest-index tie-break would never pick the last category (it is only ever tied with a lower one); a random one does.
    /// </summary>
    [Fact]
    public void Given_a_tied_vote_When_SMOTE_sets_the_category_Then_it_is_one_of_the_tied_ones_at_random()
    {
        float[] minority = [0f, 0f, 1f, 0f, 0f, 2f, 0.5f, 0f, 1f, 0f, 1f, 1.5f, 0f, 0f, 1f];
        var x = minority.Concat(Enumerable.Range(0, 40).SelectMany(i => new[] { 9f + i, 9f, 1f, 0f, 0f })).ToArray();
        int[] labels = [1, 1, 1, .. Enumerable.Repeat(0, 40)];
        (int, int)[] groups = [(2, 3)];

        var result = Resampling.Smote(x, 5, labels, 2, groups, 4);

        ResamplingAssert.SyntheticOnSegments(result, x, 5, labels, 2, groups);
        var categories = Enumerable.Range(43, result.Rows - 43).Select(r => Array.IndexOf(result.Features, 1f, r * 5 + 2, 3) - r * 5 - 2).ToArray();
        Assert.Equal([0, 1, 2], categories.Distinct().Order());
    }

    [Fact]
    public void Given_a_training_part_When_resampled_Then_every_row_comes_from_training_rows_and_no_test_row_appears()
    {
        var set = ResamplingGoldenTests.Set("handmade");
        var trainRows = Enumerable.Range(0, set.Labels.Length).Where(i => i % 4 != 0).ToArray();
        var testRows = Enumerable.Range(0, set.Labels.Length).Where(i => i % 4 == 0).ToArray();
        var x = trainRows.SelectMany(r => set.Features.AsSpan(r * set.Columns, set.Columns).ToArray()).ToArray();
        var y = trainRows.Select(r => set.Labels[r]).ToArray();

        var ros = Resampling.RandomOver(x, set.Columns, y, 1);
        var rus = Resampling.RandomUnder(x, set.Columns, y, 1);
        var smote = Resampling.Smote(x, set.Columns, y, 3, set.Groups, 1); // class 2 keeps 4 of its 8 rows: k = 3 at most

        ResamplingAssert.CopiesOfTheirOrigin(ros, x, set.Columns, y);
        ResamplingAssert.CopiesOfTheirOrigin(rus, x, set.Columns, y);
        ResamplingAssert.OriginalsFirst(smote, x, set.Columns, y);
        ResamplingAssert.SyntheticOnSegments(smote, x, set.Columns, y, 3, set.Groups);
        var testSet = testRows.Select(r => string.Join(',', set.Features.AsSpan(r * set.Columns, set.Columns).ToArray())).ToHashSet();
        foreach (var result in new[] { ros, rus, smote })
            for (var r = 0; r < result.Rows; r++)
                Assert.DoesNotContain(string.Join(',', result.Features.AsSpan(r * set.Columns, set.Columns).ToArray()), testSet);
    }

    [Fact]
    public void Given_a_class_to_over_sample_with_one_row_When_SMOTE_runs_Then_it_is_refused_in_one_line()
    {
        int[] labels = [0, 0, 0, 1];
        var error = Assert.Throws<InfeasibleException>(() => Resampling.Smote(IndexColumn(4), 1, labels, 5, [], 1));

        Assert.Equal("SMOTE with k = 5 needs at least 6 training rows in every class it over-samples; class 1 has 1; accepted: random over-sampling (SMOTE needs 2 rows of a class to interpolate)", error.Message);
    }

    [Fact]
    public void Given_k_at_least_the_minority_count_When_SMOTE_runs_Then_it_is_refused_naming_the_largest_k_that_would_run()
    {
        int[] labels = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2];
        Assert.Null(Resampling.SmoteProblem([7, 4, 7], 3));

        var error = Assert.Throws<InfeasibleException>(() => Resampling.Smote(IndexColumn(labels.Length), 1, labels, 4, [], 1));

        Assert.Equal("SMOTE with k = 4 needs at least 5 training rows in every class it over-samples; class 1 has 4; accepted: k <= 3, or random over-sampling", error.Message);
    }

    [Fact]
    public void Given_classes_that_need_no_synthetic_rows_When_checked_Then_their_size_does_not_matter()
    {
        Assert.Null(Resampling.SmoteProblem([2, 2], 5)); // balanced: nothing to over-sample
        Assert.Null(Resampling.SmoteProblem([3, 3, 9, 0], 2)); // the tied majority is not over-sampled; an absent label is not a class
        Assert.NotNull(Resampling.SmoteProblem([3, 3, 9], 3));
        Assert.Equal("SMOTE needs k >= 1 neighbours; found k = 0", Resampling.SmoteProblem([5, 9], 0));
        Assert.Null(Resampling.SmoteProblem([], 5));
    }

    [Fact]
    public void Given_a_table_with_nominal_attributes_When_encoded_Then_the_one_hot_groups_are_their_columns()
    {
        AttributeInfo[] attributes =
        [
            new("a", AttributeKind.Numeric, []), new("colour", AttributeKind.Nominal, ["r", "g", "b"]),
            new("b", AttributeKind.Numeric, []), new("size", AttributeKind.Nominal, ["s", "l"]),
        ];
        var table = new RawTable("t.csv", "t", attributes, ["x", "y"], [1, 0, 2, 1, 3, 2, 4, 0], [0, 1], [2, 3]);

        var encoder = TableEncoder.Fit(table, [0, 1], MissingPolicy.Error);

        Assert.Equal([(1, 3), (5, 2)], encoder.OneHotGroups);
        Assert.Equal(["a", "colour=r", "colour=g", "colour=b", "b", "size=s", "size=l"], encoder.FeatureNames);
    }
}

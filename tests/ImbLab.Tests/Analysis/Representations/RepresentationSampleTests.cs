using CsCheck;
using ImbLab.Analysis;
using Xunit;

namespace ImbLab.Tests.Representations;

public sealed class RepresentationSampleTests
{
    private static readonly Gen<(int[] Labels, int Classes, int MaxRows, ulong Seed)> GenRequest =
        from classes in Gen.Int[2, 4]
        from rows in Gen.Int[1, 500]
        from labels in Gen.Int[0, classes - 1].Array[rows]
        from maxRows in Gen.Int[1, 600]
        from seed in Gen.ULong
        select (labels, classes, maxRows, seed);

    private static int[] Counts(int[] labels, int classes)
    {
        var counts = new int[classes];
        foreach (var y in labels) counts[y]++;
        return counts;
    }

    [Fact]
    public void Given_any_request_Then_the_rows_are_all_of_them_or_exactly_maxRows_with_every_class_at_its_floor()
    {
        GenRequest.Sample(r =>
        {
            var rows = RepresentationSample.Stratified(r.Labels, r.Classes, r.MaxRows, r.Seed);

            Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First < p.Second), "ascending and distinct");
            Assert.All(rows, i => Assert.InRange(i, 0, r.Labels.Length - 1));
            if (r.Labels.Length <= r.MaxRows) { Assert.Equal(Enumerable.Range(0, r.Labels.Length), rows); return; }
            Assert.Equal(r.MaxRows, rows.Length);
            var counts = Counts(r.Labels, r.Classes);
            var taken = Counts(rows.Select(i => r.Labels[i]).ToArray(), r.Classes);
            for (var c = 0; c < r.Classes; c++)
                Assert.InRange(taken[c], Math.Min(counts[c], r.MaxRows / (2 * r.Classes)), counts[c]);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Given_any_request_Then_what_lies_beyond_the_floors_is_shared_in_proportion_to_what_each_class_has_beyond_its_floor()
    {
        GenRequest.Where(r => r.Labels.Length > r.MaxRows).Sample(r =>
        {
            var rows = RepresentationSample.Stratified(r.Labels, r.Classes, r.MaxRows, r.Seed);

            var counts = Counts(r.Labels, r.Classes);
            var floors = counts.Select(n => Math.Min(n, r.MaxRows / (2 * r.Classes))).ToArray();
            var budget = r.MaxRows - floors.Sum();
            var spare = r.Labels.Length - floors.Sum();
            var taken = Counts(rows.Select(i => r.Labels[i]).ToArray(), r.Classes);
            for (var c = 0; c < r.Classes; c++)
            {
                var share = (double)budget * (counts[c] - floors[c]) / spare;
                Assert.InRange(taken[c] - floors[c], Math.Floor(share), Math.Ceiling(share));
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Given_a_balanced_split_twice_the_cap_Then_both_classes_are_measured_half_and_half()
    {
        // The default study at IR 1: 400 rows per class on the test set. Keeping every minority row measured the
        // minority alone, so no silhouette could be computed.
        var labels = Enumerable.Range(0, 800).Select(i => i % 2).ToArray();

        var rows = RepresentationSample.Stratified(labels, 2, 400, 7);

        Assert.Equal(200, rows.Count(i => labels[i] == 0));
        Assert.Equal(200, rows.Count(i => labels[i] == 1));
    }

    [Fact]
    public void Given_the_same_seed_Then_the_same_rows_and_another_seed_other_rows()
    {
        var labels = Enumerable.Range(0, 3300).Select(i => i % 127 == 0 ? 1 : 0).ToArray();

        var a = RepresentationSample.Stratified(labels, 2, 1000, 42);
        var b = RepresentationSample.Stratified(labels, 2, 1000, 42);
        var c = RepresentationSample.Stratified(labels, 2, 1000, 43);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(1000, a.Length);
        Assert.Equal(labels.Count(y => y == 1), a.Count(i => labels[i] == 1));
    }

    [Fact]
    public void Given_bad_arguments_Then_they_are_refused_with_the_parameter_named()
    {
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => RepresentationSample.Stratified([0, 1], 0, 5, 0)).ParamName);
        Assert.Equal("maxRows", Assert.Throws<ArgumentOutOfRangeException>(() => RepresentationSample.Stratified([0, 1], 2, 0, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => RepresentationSample.Stratified([0, 3], 2, 5, 0)).ParamName);
    }
}

using CsCheck;
using ImbLab.Analysis;
using Xunit;

namespace ImbLab.Tests.Representations;

public sealed class RepresentationSampleTests
{
    private static readonly Gen<(int[] Labels, int Classes, int Minority, int MaxRows, ulong Seed)> GenRequest =
        from classes in Gen.Int[2, 4]
        from rows in Gen.Int[1, 500]
        from labels in Gen.Int[0, classes - 1].Array[rows]
        from minority in Gen.Int[0, classes - 1]
        from maxRows in Gen.Int[1, 600]
        from seed in Gen.ULong
        select (labels, classes, minority, maxRows, seed);

    [Fact]
    public void Given_any_request_Then_every_minority_row_is_kept_and_the_total_is_maxRows_exactly()
    {
        GenRequest.Sample(r =>
        {
            var rows = RepresentationSample.Stratified(r.Labels, r.Classes, r.Minority, r.MaxRows, r.Seed);

            var minority = Enumerable.Range(0, r.Labels.Length).Where(i => r.Labels[i] == r.Minority).ToArray();
            Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First < p.Second), "ascending and distinct");
            Assert.All(rows, i => Assert.InRange(i, 0, r.Labels.Length - 1));
            Assert.Subset(rows.ToHashSet(), minority.ToHashSet());
            if (r.Labels.Length <= r.MaxRows) Assert.Equal(Enumerable.Range(0, r.Labels.Length), rows);
            else if (minority.Length >= r.MaxRows) Assert.Equal(minority, rows);
            else Assert.Equal(r.MaxRows, rows.Length);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Given_any_request_Then_the_other_classes_are_shared_in_proportion_to_their_counts()
    {
        GenRequest.Where(r => r.Labels.Length > r.MaxRows).Sample(r =>
        {
            var rows = RepresentationSample.Stratified(r.Labels, r.Classes, r.Minority, r.MaxRows, r.Seed);

            var counts = new int[r.Classes];
            foreach (var y in r.Labels) counts[y]++;
            var others = r.Labels.Length - counts[r.Minority];
            var budget = Math.Max(0, r.MaxRows - counts[r.Minority]);
            for (var c = 0; c < r.Classes; c++)
            {
                if (c == r.Minority) continue;
                var taken = rows.Count(i => r.Labels[i] == c);
                var share = (double)budget * counts[c] / others;
                Assert.InRange(taken, Math.Floor(share), Math.Ceiling(share));
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Given_the_same_seed_Then_the_same_rows_and_another_seed_other_rows()
    {
        var labels = Enumerable.Range(0, 3300).Select(i => i % 127 == 0 ? 1 : 0).ToArray();

        var a = RepresentationSample.Stratified(labels, 2, 1, 1000, 42);
        var b = RepresentationSample.Stratified(labels, 2, 1, 1000, 42);
        var c = RepresentationSample.Stratified(labels, 2, 1, 1000, 43);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(1000, a.Length);
        Assert.Equal(labels.Count(y => y == 1), a.Count(i => labels[i] == 1));
    }

    [Fact]
    public void Given_bad_arguments_Then_they_are_refused_with_the_parameter_named()
    {
        Assert.Equal("minorityClass", Assert.Throws<ArgumentOutOfRangeException>(() => RepresentationSample.Stratified([0, 1], 2, 2, 5, 0)).ParamName);
        Assert.Equal("maxRows", Assert.Throws<ArgumentOutOfRangeException>(() => RepresentationSample.Stratified([0, 1], 2, 1, 0, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => RepresentationSample.Stratified([0, 3], 2, 1, 5, 0)).ParamName);
    }
}

using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Store;
using ImbLab.Study;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ImbLab.Tests.Store;

/// <summary>Merging stores of one study: every table has a rule, a mix is refused with the reason, merging is idempotent.</summary>
public sealed class StoreMergeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-merge-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static StudySpec Spec(int epochs = 2) => new()
    {
        Data = ["synthetic:rows=300,d=3"],
        Irs = [1, 4],
        Seeds = 2,
        Model = new ModelSpec { Hidden = [8], Epochs = epochs },
    };

    /// <summary>The two shard stores of a small study (4 runs).</summary>
    private (string First, string Second) Shards(StudySpec spec, string name = "s")
    {
        var paths = new string[2];
        for (var k = 1; k <= 2; k++)
        {
            paths[k - 1] = Path.Combine(_dir, $"{name}-{k}.db");
            StudyPipeline.Train(spec, paths[k - 1], 1, null, CancellationToken.None, shard: new Shard(k, 2));
        }
        return (paths[0], paths[1]);
    }

    [Fact]
    public void Given_the_schema_When_each_table_is_looked_up_Then_every_table_has_a_merge_rule_and_only_the_known_ones_are_not_run_records()
    {
        var store = Path.Combine(_dir, "fresh.db");
        using (StudyStore.Open(store, create: true)) { }
        using var c = new SqliteConnection($"Data Source={store};Pooling=False");
        c.Open();
        var tables = new List<(string Name, List<string> Columns)>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var r = cmd.ExecuteReader();
            while (r.Read()) tables.Add((r.GetString(0), []));
        }
        foreach (var (name, columns) in tables)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT name FROM pragma_table_info('{name}')";
            using var r = cmd.ExecuteReader();
            while (r.Read()) columns.Add(r.GetString(0));
        }

        // A table added to the schema is merged only if this knows how: a run's records (it has run_id) or one named here.
        foreach (var (name, columns) in tables) Assert.True(StoreMerge.RuleOf(name, columns) is not null, $"table {name} has no merge rule");
        Assert.Equal(["datasets", "findings", "meta", "runs", "studies"],
            tables.Where(t => StoreMerge.RuleOf(t.Name, t.Columns) != StoreMerge.Rule.RunRecords).Select(t => t.Name).Order());
        Assert.Null(StoreMerge.RuleOf("new_table", ["study_id", "value"]));
        Assert.Equal(StoreMerge.Rule.RunRecords, StoreMerge.RuleOf("new_run_table", ["run_id", "value"]));
    }

    [Fact]
    public void Given_two_shard_stores_When_merged_twice_Then_the_second_merge_changes_nothing()
    {
        var (a, b) = Shards(Spec());
        var outPath = Path.Combine(_dir, "out.db");
        var first = StoreMerge.Merge(outPath, [a, b]);
        var once = StoreDump.Of(outPath);
        var second = StoreMerge.Merge(outPath, [b, a]);

        Assert.Equal(4, first.Finished);
        Assert.Equal(4, first.Inputs.Sum(i => i.Merged));
        Assert.Equal("1,2/2", first.Shards);
        Assert.Equal(0, second.Inputs.Sum(i => i.Merged));
        Assert.Equal(4, second.Inputs.Sum(i => i.AlreadyThere));
        Assert.Equal(once, StoreDump.Of(outPath));
    }

    [Fact]
    public void Given_a_run_in_flight_in_an_input_When_merged_Then_it_is_counted_and_skipped()
    {
        var (a, b) = Shards(Spec());
        var copy = StoreDump.Copy(a, Path.Combine(_dir, "a-running.db"));
        StoreDump.Execute(copy, "UPDATE runs SET status = 'running' WHERE rowid = (SELECT min(rowid) FROM runs)");
        var outPath = Path.Combine(_dir, "out.db");

        var result = StoreMerge.Merge(outPath, [copy, b]);

        Assert.Equal(1, result.Inputs[0].InFlight);
        Assert.Equal(3, result.Finished);
        using var store = StudyStore.OpenForReading(outPath);
        Assert.All(store.Runs(finishedOnly: false), r => Assert.Equal("finished", r.Status));
    }

    [Fact]
    public void Given_stores_of_different_studies_When_merged_Then_refused_naming_the_field_that_differs_and_nothing_is_written()
    {
        var (a, _) = Shards(Spec(epochs: 2), "two");
        var (_, b) = Shards(Spec(epochs: 3), "three");
        var outPath = Path.Combine(_dir, "out.db");

        var e = Assert.Throws<ImbLabException>(() => StoreMerge.Merge(outPath, [a, b]));

        Assert.Contains("stores of different studies", e.Message);
        Assert.Contains("model.epochs (2 vs 3)", e.Message);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void Given_a_store_of_another_schema_version_When_merged_Then_refused_naming_both_versions()
    {
        var (a, b) = Shards(Spec());
        foreach (var other in new[] { Schema.Version + 1, Schema.Version - 1 })
        {
            var copy = StoreDump.Copy(b, Path.Combine(_dir, $"b-v{other}.db"));
            StoreDump.Execute(copy, $"UPDATE meta SET value = '{other}' WHERE key = 'schema_version'");

            var e = Assert.Throws<ImbLabException>(() => StoreMerge.Merge(Path.Combine(_dir, "out.db"), [a, copy]));

            Assert.Contains("different schema versions", e.Message);
            Assert.Contains($"it has version {other}", e.Message);
            Assert.Contains($"this ImbLab writes version {Schema.Version}", e.Message);
            Assert.StartsWith(copy, e.Message);
            Assert.False(File.Exists(Path.Combine(_dir, "out.db")));
        }
    }

    [Fact]
    public void Given_a_store_made_by_another_ImbLab_version_When_merged_Then_refused_naming_the_versions_and_stores()
    {
        var (a, b) = Shards(Spec());
        var copy = StoreDump.Copy(b, Path.Combine(_dir, "b-old.db"));
        StoreDump.Execute(copy, "UPDATE runs SET imblab_version = '0.0.1-old'");

        var e = Assert.Throws<ImbLabException>(() => StoreMerge.Merge(Path.Combine(_dir, "out.db"), [a, copy]));

        Assert.Contains("different ImbLab versions", e.Message);
        Assert.Contains($"0.0.1-old in {copy}", e.Message);
        Assert.Contains($"{ImbLabInfo.Version} in {a}", e.Message);
    }

    [Fact]
    public void Given_a_target_holding_runs_of_another_ImbLab_version_When_merged_into_Then_refused()
    {
        var (a, b) = Shards(Spec());
        var outPath = Path.Combine(_dir, "out.db");
        StoreMerge.Merge(outPath, [a]);
        StoreDump.Execute(outPath, "UPDATE runs SET imblab_version = '0.0.1-old'");

        var e = Assert.Throws<ImbLabException>(() => StoreMerge.Merge(outPath, [b]));
        Assert.Contains("different ImbLab versions", e.Message);
    }

    [Fact]
    public void Given_a_file_that_is_not_a_store_When_merged_Then_refused_naming_it()
    {
        var (a, _) = Shards(Spec());
        var text = Path.Combine(_dir, "notes.db");
        File.WriteAllText(text, "not a database");

        var e = Assert.Throws<ImbLabException>(() => StoreMerge.Merge(Path.Combine(_dir, "out.db"), [a, text]));
        Assert.Contains(text, e.Message);
        Assert.Contains("not an ImbLab store", e.Message);
        Assert.Contains("no such store", Assert.Throws<ImbLabException>(() => StoreMerge.Merge(Path.Combine(_dir, "out.db"), [Path.Combine(_dir, "nope.db")])).Message);
    }

    [Theory]
    [InlineData("""{"name":"a","model":{"epochs":2,"hidden":[8]}}""", """{"name":"a","model":{"epochs":2,"hidden":[16]}}""", "model.hidden ([8] vs [16])")]
    [InlineData("""{"name":"a","seeds":5}""", """{"name":"b","seeds":5}""", "name (\"a\" vs \"b\")")]
    [InlineData("""{"name":"a"}""", """{"name":"a","nominal":["x"]}""", "nominal (not set vs [\"x\"])")]
    [InlineData("""{"name":"a"}""", """{"name":"a"}""", null)]
    [InlineData("""{"data":["x",{"path":"y","irs":[2,5]}]}""", """{"data":["x",{"path":"y","irs":[2,6]}]}""", "data[1].irs ([2,5] vs [2,6])")]
    [InlineData("""{"data":["x","y"]}""", """{"data":["x",{"path":"y","irs":[2]}]}""", "data[1] (\"y\" vs {\"path\":\"y\",\"irs\":[2]})")]
    [InlineData("""{"irs":[1,10]}""", """{"irs":[1,20]}""", "irs ([1,10] vs [1,20])")]
    public void Given_two_specs_When_compared_Then_the_first_field_that_differs_with_both_values(string a, string b, string? expected) =>
        Assert.Equal(expected, StoreMerge.FirstDifference(a, b));
}

using System.Globalization;
using System.Text.Json;
using ImbLab.Analysis.Findings;
using ImbLab.Cli.Commands;
using ImbLab.Store;
using ImbLab.Store.Export;
using ImbLab.Tests.Cli;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ImbLab.Tests.Store.Export;

public sealed class ExportTests(ExportFixture fixture) : IClassFixture<ExportFixture>
{
    private static readonly string[] Keys =
        ["study_id", "run_id", "dataset", "protocol", "level", "remedy", "requested_ir", "seed", "seed_index", "split_repeat", "split_fold", "status"];

    private static string Inv(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    [Fact]
    public void Given_a_store_When_every_table_is_exported_Then_each_row_carries_the_keys_of_its_run_and_no_row_is_lost()
    {
        var files = fixture.Export(ExportFormat.Csv).ToDictionary(f => f.Table);
        Assert.Equal(StoreExporter.TableNames.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));

        using var store = StudyStore.OpenForReading(fixture.StorePath);
        var runs = store.Runs().ToDictionary(r => r.RunId);
        var dataset = Assert.Single(store.Datasets());
        var expectedRows = new Dictionary<string, long>
        {
            ["runs"] = runs.Count,
            ["metrics"] = store.Metrics().Count(),
            ["gradients"] = runs.Keys.Sum(id => store.Gradients(id).Count),
            ["representations"] = runs.Keys.Sum(id => store.Representations(id).Count),
            ["findings"] = store.Studies().Sum(s => store.Findings(s.StudyId).Count),
            ["samples"] = runs.Keys.Sum(id => store.Signals(id).Sum(s => (long)s.Correct.Length)),
            ["activations"] = runs.Keys.Sum(id => store.Activations(id).Sum(a => (long)a.RowIds.Length)),
        };
        using (var study = store.LoadStudy(null)) expectedRows["dynamics"] = StudyDynamics.Samples(study).Count();
        Assert.All(expectedRows.Values, n => Assert.True(n > 0));

        foreach (var (name, file) in files)
        {
            var table = TextTable.ReadCsv(file.Path);
            Assert.Equal(expectedRows[name], file.Rows);
            Assert.Equal(file.Rows, table.Rows.Count);
            Assert.Equal(new FileInfo(file.Path).Length, file.Bytes);
            if (name == "findings")
            {
                Assert.Equal(["study_id", "dataset", "protocol", "remedy"], table.Header.Take(4));
                Assert.All(table.Rows, r => Assert.Equal(dataset.Name, r[1]));
                continue;
            }
            Assert.Equal(Keys, table.Header.Take(Keys.Length));
            foreach (var row in table.Rows)
            {
                var run = runs[row[1]];
                Assert.Equal([run.StudyId, run.RunId, dataset.Name, run.Protocol, run.Level, run.Remedy, Inv(run.RequestedIr),
                    run.Seed.ToString(CultureInfo.InvariantCulture), run.SeedIndex.ToString(CultureInfo.InvariantCulture),
                    run.SplitRepeat.ToString(CultureInfo.InvariantCulture), run.SplitFold.ToString(CultureInfo.InvariantCulture), run.Status], row.Take(Keys.Length));
                if (Array.IndexOf(table.Header, "role") is var role and >= 0)
                {
                    var cls = row[table.Column("class")];
                    Assert.Equal(cls == "" ? "" : run.RoleOf(int.Parse(cls, CultureInfo.InvariantCulture)), row[role]);
                }
            }
        }
        // Whole-split metrics have no class and so no role; per-class ones name the minority.
        var metrics = TextTable.ReadCsv(files["metrics"].Path);
        Assert.Contains(metrics.Rows, r => r[metrics.Column("class")] == "" && r[metrics.Column("metric")] == "accuracy");
        Assert.Contains(metrics.Rows, r => r[metrics.Column("role")] == "minority" && r[metrics.Column("metric")] == "recall");
    }

    [Fact]
    public void Given_both_formats_When_the_Parquet_files_are_read_back_Then_every_value_equals_the_CSV_with_nulls_for_undefined_values()
    {
        var csv = fixture.Export(ExportFormat.Csv).ToDictionary(f => f.Table);
        var parquet = fixture.Export(ExportFormat.Parquet).ToDictionary(f => f.Table);
        Assert.Equal(csv.Keys.Order(StringComparer.Ordinal), parquet.Keys.Order(StringComparer.Ordinal));
        var undefined = 0;
        foreach (var (name, file) in csv)
        {
            var fromCsv = TextTable.ReadCsv(file.Path);
            var fromParquet = TextTable.ReadParquet(parquet[name].Path, out var types);
            Assert.Equal(fromCsv.Header, fromParquet.Header);
            Assert.Equal(fromCsv.Rows.Count, fromParquet.Rows.Count);
            for (var r = 0; r < fromCsv.Rows.Count; r++) Assert.Equal(fromCsv.Rows[r], fromParquet.Rows[r]);

            // Undefined values (NaN in memory, NULL in the store) are NULL in Parquet and empty in CSV, never NaN.
            foreach (var c in Enumerable.Range(0, types.Length).Where(c => types[c] == typeof(double)))
            {
                Assert.DoesNotContain(fromParquet.Rows, r => r[c] == "NaN in Parquet");
                undefined += fromParquet.Rows.Count(r => r[c] == "");
            }

            // Typed columns: the keys and numbers are numbers, not text.
            if (name != "findings")
            {
                Assert.Equal(typeof(double), types[fromParquet.Column("requested_ir")]);
                Assert.Equal(typeof(long), types[fromParquet.Column("seed")]);
                Assert.Equal(typeof(int), types[fromParquet.Column("seed_index")]);
            }
        }

        Assert.True(undefined > 0, "the fixture has undefined values (representation measures, findings without a test)");
        var samples = TextTable.ReadParquet(parquet["samples"].Path, out var sampleTypes);
        Assert.Equal(typeof(bool), sampleTypes[samples.Column("correct")]);
        Assert.Equal(typeof(float), sampleTypes[samples.Column("p_true")]);
    }

    [Fact]
    public void Given_the_store_blobs_When_samples_are_exported_Then_each_row_is_the_blob_decoded_independently()
    {
        var file = Assert.Single(fixture.Export(ExportFormat.Parquet, tables: ["samples"]));
        var table = TextTable.ReadParquet(file.Path);
        int run = table.Column("run_id"), split = table.Column("split"), step = table.Column("step"), sample = table.Column("sample"),
            cls = table.Column("class"), pTrue = table.Column("p_true"), margin = table.Column("margin"), correct = table.Column("correct");
        var exported = table.Rows.GroupBy(r => (r[run], r[split], r[step])).ToDictionary(g => g.Key, g => g.ToList());

        // Decode the raw blobs here, from the documented formats, without the store's own decoder.
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fixture.StorePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        var samples = new Dictionary<(string, string), (int[] Rows, int[] Labels)>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT run_id, split, row_ids, labels FROM samples";
            using var r = cmd.ExecuteReader();
            while (r.Read()) samples[(r.GetString(0), r.GetString(1))] = (Ints((byte[])r[2]), Ints((byte[])r[3]));
        }
        var checkpoints = 0;
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT run_id, split, step, p_true, margin, correct FROM sample_signals";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var (rows, labels) = samples[(r.GetString(0), r.GetString(1))];
                var p = (byte[])r[3];
                var m = (byte[])r[4];
                var bits = (byte[])r[5];
                var got = exported[(r.GetString(0), r.GetString(1), r.GetInt32(2).ToString(CultureInfo.InvariantCulture))];
                Assert.Equal(rows.Length, got.Count);
                for (var i = 0; i < rows.Length; i++)
                {
                    Assert.Equal(rows[i].ToString(CultureInfo.InvariantCulture), got[i][sample]);
                    Assert.Equal(labels[i].ToString(CultureInfo.InvariantCulture), got[i][cls]);
                    Assert.Equal(BitConverter.ToHalf(p, 2 * i).ToString(CultureInfo.InvariantCulture), got[i][pTrue]);
                    Assert.Equal(BitConverter.ToHalf(m, 2 * i).ToString(CultureInfo.InvariantCulture), got[i][margin]);
                    Assert.Equal(((bits[i / 8] >> (i % 8)) & 1) == 1 ? "true" : "false", got[i][correct]);
                }
                checkpoints++;
            }
        }
        Assert.Equal(exported.Count, checkpoints);
    }

    [Fact]
    public void Given_run_configs_When_runs_are_exported_Then_every_hyperparameter_is_a_typed_column()
    {
        var file = Assert.Single(fixture.Export(ExportFormat.Parquet, tables: ["runs"]));
        var runs = TextTable.ReadParquet(file.Path, out var types);
        string Cell(string column) => runs.Rows[0][runs.Column(column)];
        Type TypeOf(string column) => types[runs.Column(column)];

        Assert.Equal("8,6", Cell("model_hidden"));
        Assert.Equal("relu", Cell("model_activation"));
        Assert.Equal("4", Cell("model_epochs"));
        Assert.Equal(typeof(long), TypeOf("model_epochs"));
        Assert.Equal("16", Cell("model_batch_size"));
        Assert.Equal("adam", Cell("model_optimizer"));
        Assert.Equal("0.001", Cell("model_learning_rate"));
        Assert.Equal(typeof(double), TypeOf("model_learning_rate"));
        Assert.Equal("1E-08", Cell("model_epsilon"));
        Assert.Equal("holdout", Cell("split_spec"));
        Assert.Equal("false", Cell("dataset_impute"));
        Assert.Equal("true", Cell("record_samples"));
        Assert.Equal("true", Cell("diagnostics_record_activations"));
        Assert.Equal(typeof(bool), TypeOf("diagnostics_record_activations"));
        // Config fields that are also run keys (seed, protocol, level, split.repeat, ...) appear once.
        Assert.Equal(runs.Header.Length, runs.Header.Distinct(StringComparer.Ordinal).Count());
        // Realised counts per role: the ratio asked for, on the training part.
        foreach (var r in runs.Rows)
        {
            var ratio = double.Parse(r[runs.Column("train_majority")], CultureInfo.InvariantCulture) / double.Parse(r[runs.Column("train_minority")], CultureInfo.InvariantCulture);
            Assert.Equal(double.Parse(r[runs.Column("requested_ir")], CultureInfo.InvariantCulture), ratio, 1);
        }
    }

    [Fact]
    public void Given_configs_of_other_shapes_When_flattened_Then_new_fields_appear_and_types_follow_every_run()
    {
        string[] configs =
        [
            """{"seed": 1, "model": {"hidden": [64, 64], "lr": 0.5, "new_field": 3}, "x": {"y": {"z": "a"}}, "big": 18446744073709551615, "mixed": 1}""",
            """{"seed": 2, "model": {"hidden": [32], "lr": 1, "new_field": null}, "flag": true, "mixed": "one"}""",
        ];
        var columns = ConfigColumns.Of(configs, new HashSet<string>(["seed"], StringComparer.Ordinal));
        Assert.Equal(["model_hidden", "model_lr", "model_new_field", "x_y_z", "big", "mixed", "flag"], columns.Columns.Select(c => c.Name));
        Assert.Equal([ColumnType.Text, ColumnType.Double, ColumnType.Long, ColumnType.Text, ColumnType.Text, ColumnType.Text, ColumnType.Bool],
            columns.Columns.Select(c => c.Type));

        var path = Path.Combine(fixture.Folder, Guid.NewGuid().ToString("N") + ".csv");
        using (var w = new CsvRowWriter(path, columns.Columns, gzip: false, CancellationToken.None))
        {
            for (var i = 0; i < configs.Length; i++)
            {
                columns.Write(w, i);
                w.EndRow();
            }
            w.Complete();
        }
        var table = TextTable.ReadCsv(path);
        Assert.Equal(["64,64", "0.5", "3", "a", "18446744073709551615", "1", ""], table.Rows[0]);
        Assert.Equal(["32", "1", "", "", "", "one", "true"], table.Rows[1]);
    }

    [Fact]
    public void Given_the_dynamics_table_When_exported_Then_it_holds_what_the_analysis_computes_per_sample()
    {
        var file = Assert.Single(fixture.Export(ExportFormat.Parquet, tables: [StoreExporter.Dynamics]));
        var table = TextTable.ReadParquet(file.Path);
        using var study = StudyStore.Load(fixture.StorePath, null);
        var expected = StudyDynamics.Samples(study).ToList();
        Assert.Equal(expected.Count, table.Rows.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, row) = (expected[i], table.Rows[i]);
            Assert.Equal(e.RunId, row[table.Column("run_id")]);
            Assert.Equal(e.Split, row[table.Column("split")]);
            Assert.Equal(e.Sample.ToString(CultureInfo.InvariantCulture), row[table.Column("sample")]);
            Assert.Equal(e.Role, row[table.Column("role")]);
            Assert.Equal(e.Dynamics.LearnedEpoch?.ToString(CultureInfo.InvariantCulture) ?? "", row[table.Column("learned_epoch")]);
            Assert.Equal(e.Dynamics.NeverLearned ? "true" : "false", row[table.Column("never_learned")]);
            Assert.Equal(e.Dynamics.ForgettingEvents.ToString(CultureInfo.InvariantCulture), row[table.Column("forgetting_events")]);
            Assert.Equal(Inv(e.Dynamics.Confidence), row[table.Column("confidence")]);
            Assert.Equal(Inv(e.Dynamics.Aum), row[table.Column("aum")]);
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    public void Given_an_export_cancelled_mid_way_When_it_stops_Then_no_file_is_left_under_a_final_name(string formatName)
    {
        var format = StoreExporter.ParseFormat(formatName);
        var folder = Path.Combine(fixture.Folder, Guid.NewGuid().ToString("N"));
        using var cts = new CancellationTokenSource();
        // Cancelled inside the dynamics table, after runs, metrics, gradients, representations and findings were written.
        var cancelling = new DerivedTable(StoreExporter.Dynamics, context =>
        {
            var table = DynamicsTable.Build(context);
            return table with
            {
                WriteRows = w =>
                {
                    Assert.True(Directory.GetFiles(folder, "*.partial").Length >= 5);
                    cts.Cancel();
                    table.WriteRows(w);
                },
            };
        });
        using var store = StudyStore.OpenForReading(fixture.StorePath);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            StoreExporter.Export(store, new ExportRequest(folder, format) { Derived = [cancelling] }, cts.Token));
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void Given_an_older_export_When_a_new_one_is_cancelled_Then_the_older_files_are_left_as_they_were()
    {
        var first = fixture.Export(ExportFormat.Csv, tables: ["runs"]).Single();
        var before = File.ReadAllBytes(first.Path);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var store = StudyStore.OpenForReading(fixture.StorePath);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            StoreExporter.Export(store, new ExportRequest(Path.GetDirectoryName(first.Path)!, ExportFormat.Csv), cts.Token));
        Assert.Equal(before, File.ReadAllBytes(first.Path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(first.Path)!, "*.partial"));
    }

    [Fact]
    public void Given_the_CLI_When_exporting_parquet_with_a_table_list_and_json_Then_only_those_files_are_written_and_listed_with_numbers()
    {
        var folder = Path.Combine(fixture.Folder, Guid.NewGuid().ToString("N"));
        var (exit, stdout, stderr) = CliHarness.Run("export", fixture.StorePath, "--format", "parquet", "--tables", "runs, dynamics", "--out", folder, "--json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var files = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(["runs", "dynamics"], files.Select(f => f.GetProperty("table").GetString()));
        Assert.All(files, f => Assert.Equal(JsonValueKind.Number, f.GetProperty("rows").ValueKind));
        Assert.All(files, f => Assert.True(f.GetProperty("bytes").GetInt64() > 0));
        Assert.Equal(["dynamics.parquet", "runs.parquet"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Plain CSV on request: the per-sample tables are gzip-compressed by default, the same values either way.
        var plain = fixture.Export(ExportFormat.Csv, gzip: false, tables: ["samples"]).Single();
        var gzipped = fixture.Export(ExportFormat.Csv, tables: ["samples"]).Single();
        Assert.EndsWith("samples.csv", plain.Path, StringComparison.Ordinal);
        Assert.EndsWith("samples.csv.gz", gzipped.Path, StringComparison.Ordinal);
        Assert.True(gzipped.Bytes * 4 < plain.Bytes);
        using var unzipped = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(gzipped.Path), System.IO.Compression.CompressionMode.Decompress)) gz.CopyTo(unzipped);
        Assert.Equal(File.ReadAllBytes(plain.Path), unzipped.ToArray());
    }

    [Theory]
    [InlineData("--format", "xlsx", "--format: 'xlsx' is not supported; accepted: csv, parquet")]
    [InlineData("--tables", "runs,nope", "--tables: 'nope' is not a table; tables: runs, metrics, gradients, representations, findings, dynamics, samples, activations")]
    public void Given_a_bad_option_When_exporting_Then_one_line_names_the_option_and_what_is_accepted(string option, string value, string message)
    {
        var (exit, _, stderr) = CliHarness.Run("export", fixture.StorePath, option, value, "--out", Path.Combine(fixture.Folder, "never"));
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(fixture.Folder, "never")));
    }

    [Fact]
    public void Given_the_help_When_asked_Then_it_lists_every_table()
    {
        var (exit, stdout, _) = CliHarness.Run("export", "--help");
        Assert.Equal(0, exit);
        var flat = string.Join(" ", stdout.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.All(StoreExporter.TableNames, t => Assert.Contains(t + ":", flat));
    }

    private static int[] Ints(byte[] bytes) => Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToInt32(bytes, 4 * i)).ToArray();
}

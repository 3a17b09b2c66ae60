using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ImbLab.Core;

namespace ImbLab.Core.Specs;

/// <summary>The network and its training: everything that shapes one model's run apart from the data.</summary>
public sealed record ModelSpec
{
    public const int MaxWidth = 65536;
    public const int MaxEpochs = 1_000_000;

    /// <summary>Above the training part's size a batch is the whole part; the bound keeps the engine's int arithmetic exact.</summary>
    public const int MaxBatchSize = 1_000_000;

    /// <summary>
    /// Weights and biases between hidden layers. The trainer holds several copies of every parameter (weights, their
    /// transpose, gradients, optimizer moments) per model in flight, so 10M (40 MB of float32 each) bounds memory.
    /// </summary>
    public const long MaxHiddenParameters = 10_000_000;

    public IReadOnlyList<int> Hidden { get; init; } = [64, 64, 64];
    public Activation Activation { get; init; } = Activation.Relu;
    public int Epochs { get; init; } = 100;
    public int BatchSize { get; init; } = 32;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; }

    /// <summary>Log-spaced checkpoints (after update 1, 2, 4, ...) are taken inside this many first epochs.</summary>
    public int EarlyEpochs { get; init; } = 2;

    public IEnumerable<string> Problems()
    {
        if (Hidden.Count == 0) yield return $"{Settings.Mention(Settings.Hidden)}: at least one hidden layer is required (e.g. 64,64,64)";
        foreach (var h in Hidden)
            if (h < 1 || h > MaxWidth) yield return $"{Settings.Mention(Settings.Hidden)}: layer width {h} is out of range; accepted: 1..{MaxWidth}";
        if (Hidden.All(h => h is >= 1 and <= MaxWidth) && HiddenParameters(Hidden) is var parameters && parameters > MaxHiddenParameters)
            yield return $"{Settings.Mention(Settings.Hidden)}: {string.Join(',', Hidden)} has {parameters} parameters between hidden layers; " +
                         $"accepted: at most {MaxHiddenParameters} (e.g. 1024,1024,1024 has 2099200)";
        if (Epochs < 1 || Epochs > MaxEpochs) yield return $"{Settings.Mention(Settings.Epochs)}: {Epochs} is out of range; accepted: 1..{MaxEpochs}";
        if (BatchSize < 1 || BatchSize > MaxBatchSize) yield return $"{Settings.Mention(Settings.BatchSize)}: {BatchSize} is out of range; accepted: 1..{MaxBatchSize}";
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) yield return $"{Settings.Mention(Settings.LearningRate)}: {LearningRate.ToString(CultureInfo.InvariantCulture)} must be a positive number";
        if (!(Beta1 is >= 0 and < 1)) yield return $"{Settings.Mention(Settings.Beta1)}: {Beta1.ToString(CultureInfo.InvariantCulture)} must be in [0, 1)";
        if (!(Beta2 is >= 0 and < 1)) yield return $"{Settings.Mention(Settings.Beta2)}: {Beta2.ToString(CultureInfo.InvariantCulture)} must be in [0, 1)";
        if (!(Epsilon > 0)) yield return $"{Settings.Mention(Settings.Epsilon)}: {Epsilon.ToString(CultureInfo.InvariantCulture)} must be positive";
        if (!(Momentum is >= 0 and < 1)) yield return $"{Settings.Mention(Settings.Momentum)}: {Momentum.ToString(CultureInfo.InvariantCulture)} must be in [0, 1)";
        if (!(WeightDecay >= 0)) yield return $"{Settings.Mention(Settings.WeightDecay)}: {WeightDecay.ToString(CultureInfo.InvariantCulture)} must be >= 0";
        if (EarlyEpochs < 0) yield return $"{Settings.Mention(Settings.EarlyEpochs)}: {EarlyEpochs} must be >= 0";
    }

    /// <summary>Weights and biases of the layers that only hidden widths decide (the input and output layers depend on the data).</summary>
    public static long HiddenParameters(IReadOnlyList<int> hidden)
    {
        long total = 0;
        for (var i = 1; i < hidden.Count; i++) total += (long)hidden[i - 1] * hidden[i] + hidden[i];
        return total;
    }
}

/// <summary>
/// What a run records beyond the per-class metrics: the raw signals the dynamics analyses derive from. All of it is
/// part of the run's config, since it decides what the store holds.
/// </summary>
public sealed record DiagnosticsSpec
{
    /// <summary>Per-class gradients (norms per layer, cosines between classes, share of the update) at checkpoints.</summary>
    public bool Gradients { get; init; } = true;

    /// <summary>
    /// "log" (default): at the early log-spaced steps and at the log-spaced epochs where representations are measured;
    /// "every": at every checkpoint. One sweep costs about a third of a W epoch, so "every" adds ~50% to training.
    /// </summary>
    public GradientSchedule GradientSchedule { get; init; } = GradientSchedule.Log;

    /// <summary>Separability of every hidden layer (silhouette, class-mean geometry, NC1, CDNV) at log-spaced epochs.</summary>
    public bool Representations { get; init; } = true;

    /// <summary>Above this many rows a split is measured on a stratified subsample that keeps every minority sample.</summary>
    public int RepresentationRows { get; init; } = 400;

    /// <summary>Store the hidden activations themselves (large), for `imblab export --representations`.</summary>
    public bool RecordActivations { get; init; }

    /// <summary>"eval": per-sample dynamics from the post-epoch evaluation; "training": also as each sample is presented in its mini-batch, before the update.</summary>
    public DynamicsSource DynamicsFrom { get; init; } = DynamicsSource.Eval;

    public IEnumerable<string> Problems()
    {
        if (RepresentationRows < 10) yield return $"{Settings.Mention(Settings.RepresentationRows)}: {RepresentationRows} is too small; accepted: >= 10";
    }
}

/// <summary>One cell of the n_min x n_maj grid protocol.</summary>
public sealed record GridCell(int Minority, int Majority);

/// <summary>
/// A study: datasets x protocols x imbalance levels x seeds. Built from CLI options or read from a JSON study
/// file (same field names, snake_case). Everything that changes results is in here, so its hash names the study.
/// </summary>
public sealed record StudySpec
{
    public const string SyntheticDefault = "synthetic";

    public string Name { get; init; } = "study";

    /// <summary>Files or folders (a folder runs every dataset in it), or "synthetic[:key=value,...]".</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Data { get; init; } = [SyntheticDefault];

    /// <summary>
    /// "data" as a study file and the stored spec hold it: each entry a plain string, or <c>{"path": ..., "irs": [...]}</c>
    /// when <see cref="DataIrs"/> has irs for it. Declared here so "data" keeps its place in the JSON: a spec without
    /// per-dataset irs is the same text, and the same id, as before they existed.
    /// </summary>
    [JsonInclude]
    [JsonPropertyName("data")]
    private IReadOnlyList<DataEntry>? DataField
    {
        get => Data?.Select(path => new DataEntry(path, path is not null && DataIrs.TryGetValue(path, out var irs) ? irs : null)).ToList();
        init
        {
            Data = value?.Select(e => e?.Path!).ToList()!;
            var irs = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
            foreach (var entry in value ?? [])
            {
                if (entry?.Irs is null) continue;
                // One entry, one grid: the same path twice with irs would make two grids for the same runs.
                if (value!.Count(e => e?.Path == entry.Path) > 1)
                    throw new DataEntryException($"{entry.Path} is listed more than once, with irs; accepted: each path once when it has its own irs");
                irs[entry.Path] = entry.Irs;
            }
            DataIrs = irs;
        }
    }

    /// <summary>
    /// Per-dataset imbalance ratios: for a data entry (its text as in <see cref="Data"/>), the irs that replace
    /// <see cref="Irs"/> for the datasets it names (every dataset of a folder), for every protocol that reads irs. A study
    /// file gives them as data entries with irs (the command line has no option for them); empty for a study without them.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, IReadOnlyList<double>> DataIrs { get; init; } = NoDataIrs;

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<double>> NoDataIrs = new Dictionary<string, IReadOnlyList<double>>();

    public IReadOnlyList<string> Protocols { get; init; } = ["subsample-minority"];

    public IReadOnlyList<double> Irs { get; init; } = [1, 10, 50, 100];

    /// <summary>The imbalance ratios the datasets of data entry <paramref name="entry"/> are planned with: its own, else the study's.</summary>
    public IReadOnlyList<double> IrsFor(string entry) => DataIrs.TryGetValue(entry, out var irs) ? irs : Irs;

    /// <summary>Protocols that read no imbalance ratio: natural trains on the data as it is, grid reads its cells.</summary>
    public static readonly IReadOnlyList<string> ProtocolsWithoutIrs = ["natural", "grid"];

    /// <summary>Whether some protocol of the study reads imbalance ratios (so that irs given to it are used).</summary>
    [JsonIgnore]
    public bool ReadsIrs => Protocols.Select(p => p?.Trim().ToLowerInvariant()).Any(p => !ProtocolsWithoutIrs.Contains(p!));

    /// <summary>What is wrong with a list of imbalance ratios given for one dataset, or null.</summary>
    public static string? IrsProblem(IReadOnlyList<double> irs)
    {
        if (irs.Count == 0) return "no imbalance ratio given; accepted: a list such as [2, 5, 10], or no irs on the entry (the study's irs)";
        foreach (var ir in irs)
            if (!(ir >= 1) || double.IsInfinity(ir)) return $"{ir.ToString(CultureInfo.InvariantCulture)} is not a valid imbalance ratio; accepted: a number >= 1";
        var twice = irs.GroupBy(ir => ir).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? null : $"{twice.Key.ToString(CultureInfo.InvariantCulture)} is listed twice; accepted: each ratio once";
    }

    /// <summary>
    /// Problems of the per-dataset irs, each naming the entry as a study file writes it (data[2].irs): values, entries no
    /// longer in <see cref="Data"/>, and irs given to a study whose protocols read none.
    /// </summary>
    public IReadOnlyList<string> DataIrsProblems()
    {
        var problems = new List<string>();
        if (DataIrs.Count == 0 || Data is null) return problems;
        var data = Data.ToList();
        foreach (var entry in DataIrs.Keys.Where(k => !data.Contains(k)).Order(StringComparer.Ordinal))
            problems.Add($"data ({entry}): irs given for an entry that is not in data; accepted: irs on entries of data only");
        var withIrs = Enumerable.Range(0, data.Count).Where(i => data[i] is not null && DataIrs.ContainsKey(data[i])).ToList();
        foreach (var i in withIrs)
        {
            if (DataIrs[data[i]] is not { } irs) problems.Add($"data[{i}].irs: null is not accepted; expected a list of imbalance ratios such as [2, 5, 10]");
            else if (IrsProblem(irs) is { } problem) problems.Add($"data[{i}].irs: {problem}");
        }
        if (problems.Count == 0 && Protocols is { Count: > 0 } && Protocols.All(p => p is not null) && !ReadsIrs)
            problems.Add($"data[{withIrs[0]}].irs: {UnusedIrs(DataIrs[data[withIrs[0]]])}");
        return problems;
    }

    /// <summary>Irs given in a study file to protocols that read none: what was given and what is accepted, for the field named before it.</summary>
    public string UnusedIrs(IReadOnlyList<double> irs) =>
        $"{IrText(irs)} given, but protocols [{string.Join(", ", Protocols.Select(p => p.Trim().ToLowerInvariant()).Distinct())}] read no imbalance ratio; " +
        $"accepted: no irs, or a protocol that reads them ({ProtocolsReadingIrs})";

    /// <summary>The protocols that read imbalance ratios, as messages list them (the protocols themselves live in ImbLab.Data).</summary>
    public const string ProtocolsReadingIrs = "subsample-minority, fixed-n, fixed-minority, fixed-majority";

    private static string IrText(IReadOnlyList<double> irs) => string.Join(",", irs.Select(ir => ir.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The remedy levels (docs/remedies.md), crossed with protocols, levels and seeds. Default: none only.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Remedies
    {
        get => _remedies ?? DefaultRemedies;
        init => _remedies = value;
    }

    /// <summary>
    /// "remedies" as a study file and the stored spec hold it: left out when it is exactly the default ["none"], so the
    /// ids of studies made before remedies existed (and of studies that ask for none) stay what they were.
    /// </summary>
    [JsonInclude]
    [JsonPropertyName("remedies")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<string>? RemediesField
    {
        get => _remedies is null || (_remedies.Count == 1 && _remedies[0] == Remedy.NoneName) ? null : _remedies;
        init
        {
            _remedies = value;
            _remediesNull = value is null;
        }
    }

    private readonly IReadOnlyList<string>? _remedies;

    /// <summary>A study file's "remedies": null, refused by <see cref="NullProblems"/> like every other null.</summary>
    private readonly bool _remediesNull;

    private static readonly IReadOnlyList<string> DefaultRemedies = [Remedy.NoneName];

    public IReadOnlyList<GridCell> Grid { get; init; } = [];

    /// <summary>How many seeds; run seeds are Seed, Seed+1, ..., Seed+Seeds-1.</summary>
    public int Seeds { get; init; } = 5;

    public int Seed { get; init; }

    /// <summary>holdout[:fraction] | kfold[:k] | repeated-kfold:KxR | keel.</summary>
    public string Split { get; init; } = "holdout";

    public ModelSpec Model { get; init; } = new();

    public bool Impute { get; init; }

    /// <summary>CSV only: the label column by name or 1-based index; the last column when empty.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>
    /// CSV only: columns read as nominal even when their values look numeric (names or 1-based indices). Left out of
    /// the JSON when not given, so the ids of studies that do not use it stay what they were.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Nominal { get; init; }

    /// <summary>Record per-sample signals (probability of the true class, margin, correctness) at every checkpoint.</summary>
    public bool RecordSamples { get; init; } = true;

    public DiagnosticsSpec Diagnostics { get; init; } = new();

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new ChoiceConverter<Activation>(), new ChoiceConverter<OptimizerKind>(), new ChoiceConverter<GradientSchedule>(), new ChoiceConverter<DynamicsSource>() },
    };

    /// <summary>
    /// Fields a study file set to null (the deserializer lets <c>"model": null</c> through), each named with what is
    /// expected. Checked before anything reads the spec.
    /// </summary>
    public IReadOnlyList<string> NullProblems()
    {
        var problems = new List<string>();
        // Only a study file can hold a null, so the field is named as written there, not as an option.
        void Check(bool isNull, string field, string expected)
        {
            if (isNull) problems.Add($"{field}: null is not accepted; expected {expected}");
        }
        Check(Name is null, Settings.Name, "a name such as \"pima-controls\"");
        Check(Data is null || Data.Any(d => d is null), Settings.Data, "a list of dataset files or folders, e.g. [\"pima.dat\", \"synthetic\"]");
        Check(Protocols is null || Protocols.Any(p => p is null), Settings.Protocols, "a list of protocol names, e.g. [\"subsample-minority\", \"fixed-n\"]");
        Check(_remediesNull || Remedies.Any(r => r is null), Settings.Remedies, "a list of remedy names, e.g. [\"none\", \"cb\", \"focal:gamma=2\"]");
        Check(Irs is null, Settings.Irs, "a list of imbalance ratios, e.g. [1, 10, 50]");
        Check(Grid is null || Grid.Any(c => c is null), Settings.Grid, "a list of cells, e.g. [{\"minority\": 10, \"majority\": 100}]");
        Check(Split is null, Settings.Split, "a split such as \"holdout\", \"kfold:5\" or \"keel\"");
        Check(Model is null, "model", "an object such as {\"hidden\": [64, 64, 64], \"epochs\": 100}");
        Check(Model?.Hidden is null && Model is not null, Settings.Hidden, "layer widths such as [64, 64, 64]");
        Check(Diagnostics is null, "diagnostics", "an object such as {\"gradients\": true}");
        return problems;
    }

    /// <summary>Every problem with the spec, at once, each naming its option.</summary>
    public IReadOnlyList<string> Problems()
    {
        var nulls = NullProblems();
        if (nulls.Count > 0) return nulls;
        var problems = new List<string>();
        if (Data.Count == 0) problems.Add($"{Settings.Mention(Settings.Data)}: no dataset given");
        if (Protocols.Count == 0) problems.Add($"{Settings.Mention(Settings.Protocols)}: no protocol given");
        if (Remedies.Count == 0) problems.Add($"{Settings.Mention(Settings.Remedies)}: no remedy given; accepted: a list such as none,cb,focal (default: none)");
        foreach (var ir in Irs)
            if (!(ir >= 1) || double.IsInfinity(ir)) problems.Add($"{Settings.Mention(Settings.Irs)}: {ir.ToString(CultureInfo.InvariantCulture)} is not a valid imbalance ratio; accepted: a number >= 1");
        problems.AddRange(DataIrsProblems());
        foreach (var cell in Grid)
            if (cell.Minority < 1 || cell.Majority < 1) problems.Add($"{Settings.Mention(Settings.Grid)}: {cell.Minority}x{cell.Majority} needs positive counts");
        if (Seeds < 1 || Seeds > 10_000) problems.Add($"{Settings.Mention(Settings.Seeds)}: {Seeds} is out of range; accepted: 1..10000");
        if (Seed < 0) problems.Add($"{Settings.Mention(Settings.Seed)}: {Seed} must be >= 0");
        problems.AddRange(Model.Problems());
        problems.AddRange(Diagnostics.Problems());
        return problems;
    }

    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new UsageException(string.Join("; ", problems));
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static StudySpec FromJsonFile(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"{Settings.Mention(Settings.Config)}: {path}: no such file");
        try
        {
            var spec = JsonSerializer.Deserialize<StudySpec>(File.ReadAllText(path), Json)
                ?? throw new UsageException($"{Settings.Mention(Settings.Config)}: {path}: the file holds null, expected a study object");
            // Options are applied over the file's values, so a null must be refused before they read it.
            var nulls = spec.NullProblems();
            if (nulls.Count > 0) throw new UsageException($"{Settings.Mention(Settings.Config)}: {path}: {string.Join("; ", nulls)}");
            // Per-dataset irs come only from a file: named with it, as its own fields.
            var entries = spec.DataIrsProblems();
            if (entries.Count > 0) throw new UsageException($"{path}: {string.Join("; ", entries)}");
            if (spec.DataIrs.Count > 0 && spec.Data.All(spec.DataIrs.ContainsKey) && FileSets(path, Settings.Irs))
                throw new UsageException($"{path}: {Settings.Irs}: given, but every data entry has irs of its own, so no dataset would use them; " +
                                         "accepted: no irs at the top level, or a data entry without irs");
            return spec;
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } l ? $":{l + 1}" + (e.BytePositionInLine is { } c ? $":{c + 1}" : "") : "";
            // A data entry's own message says what is wrong inside it; its place (data[2]) comes from the reader's path.
            var field = e is DataEntryException entry && e.Path is { } p && p.StartsWith("$.", StringComparison.Ordinal)
                ? p[2..] + (entry.Key is { } key ? "." + key : "") + ": "
                : "";
            throw new UsageException($"{Settings.Mention(Settings.Config)}: {path}{where}: {field}{FirstSentence(e.Message)}");
        }
    }

    /// <summary>
    /// Whether the study file at <paramref name="path"/> (already read by <see cref="FromJsonFile"/>) sets <paramref name="field"/>
    /// at its top level: the spec cannot tell a field left out from one given at its default.
    /// </summary>
    public static bool FileSets(string path, string field)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(field, out _);
    }

    /// <summary>The parser's message up to its JSON path, on one line: it quotes the bad token, which may span lines of the file.</summary>
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". Path", StringComparison.Ordinal);
        var sentence = cut > 0 ? message[..cut] : message;
        return string.Join(' ', sentence.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}

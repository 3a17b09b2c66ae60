using System.ComponentModel;
using ImbLab.Core;
using ImbLab.Study;
using Spectre.Console.Cli;
using ImbLab.Core.Specs;

namespace ImbLab.Cli.Commands;

/// <summary>
/// Options shared by `study` and `train`. Every option is nullable so that "not given" is visible and a study file's
/// value (from --config) is kept unless the command line overrides it.
/// </summary>
internal class RunSettings : CommandSettings
{
    [CommandOption("--data <PATH>")]
    [Description("Dataset files or folders (KEEL .dat, .arff, .csv), comma-separated or repeated; 'synthetic[[:rows=..,d=..,ir=..,sep=..,clusters=..]]' for built-in data. Default: synthetic.")]
    public string[]? Data { get; init; }

    [CommandOption("--protocol <NAMES>")]
    [Description("Imbalance protocols: natural, subsample-minority, fixed-n, fixed-minority, fixed-majority, grid. Default: subsample-minority (train: natural, or subsample-minority with --ir).")]
    public string[]? Protocol { get; init; }

    [CommandOption("--remedy <NAMES>")]
    [Description("Imbalance remedies, each a level of the study crossed with protocols, levels and seeds: NAME[[:key=value...]], parts joined with '+', e.g. none,cb:beta=0.99,focal:gamma=2,smote+la-loss. " +
        "Names: none, weights:inv, weights:sqrt, cb, focal, ldam, ldam-drw, drw, drs, crt, balanced-softmax, la-loss, cdt, label-smoothing, mixup, remix, ros, rus, smote, " +
        "balanced-batches, sqrt-sampling, gdro, pcngd, posthoc-la, tau-norm, threshold, early-stop (docs/remedies.md). Default: none.")]
    public string[]? Remedy { get; init; }

    [CommandOption("--ir <RATIOS>")]
    [Description("Target imbalance ratios (majority/minority), e.g. 1,10,50,100; not read by natural and grid. Default: 1,10,50,100 (train: none).")]
    public string[]? Ir { get; init; }

    [CommandOption("--grid <CELLS>")]
    [Description("Cells for the grid protocol as MINxMAJ, e.g. 10x100,20x100,20x200. Default: none.")]
    public string[]? Grid { get; init; }

    [CommandOption("--split <SPEC>")]
    [Description("Test-set split: holdout[[:0.2]], kfold[[:5]], repeated-kfold:5x2, keel (KEEL's own 5 folds). Default: holdout (20% test).")]
    public string? Split { get; init; }

    // Numbers are read as text and parsed by OptionLists, so a bad value is named with what is accepted.
    [CommandOption("--epochs <N>")]
    [Description("Training epochs, 1..1000000. Default: 100.")]
    public string? Epochs { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("Mini-batch size, 1..1000000 (the last, partial batch is kept). Default: 32.")]
    public string? BatchSize { get; init; }

    [CommandOption("--hidden <WIDTHS>")]
    [Description("Hidden layer widths, each 1..65536, at most 10000000 parameters between hidden layers. Default: 64,64,64.")]
    public string? Hidden { get; init; }

    [CommandOption("--activation <NAME>")]
    [Description("relu or tanh. Default: relu.")]
    public string? Activation { get; init; }

    [CommandOption("--optimizer <NAME>")]
    [Description("adam or sgd (with momentum). Default: adam.")]
    public string? Optimizer { get; init; }

    [CommandOption("--lr <RATE>")]
    [Description("Learning rate, a positive number. Default: 0.001.")]
    public string? LearningRate { get; init; }

    [CommandOption("--momentum <M>")]
    [Description("SGD momentum, in [[0, 1). Default: 0.9.")]
    public string? Momentum { get; init; }

    [CommandOption("--weight-decay <L2>")]
    [Description("L2 weight decay, >= 0. Default: 0.")]
    public string? WeightDecay { get; init; }

    [CommandOption("--early-epochs <N>")]
    [Description("Take log-spaced checkpoints (after update 1, 2, 4, ...) inside this many first epochs (default 2).")]
    public string? EarlyEpochs { get; init; }

    [CommandOption("--impute")]
    [Description("Fill missing values: numeric with the training mean, nominal with the training mode. Default: off (missing values stop the run).")]
    public bool? Impute { get; init; }

    [CommandOption("--label-column <NAME|INDEX>")]
    [Description("CSV only: the label column by name or 1-based index (default: the last column).")]
    public string? LabelColumn { get; init; }

    [CommandOption("--nominal <COLS>")]
    [Description("CSV only: columns to read as nominal even when their values are numbers (names or 1-based indices, comma-separated). Default: inferred from the values.")]
    public string[]? Nominal { get; init; }

    [CommandOption("--no-samples")]
    [Description("Do not record per-sample signals. Default: recorded.")]
    public bool? NoSamples { get; init; }

    [CommandOption("--no-gradients")]
    [Description("Do not record per-class gradients (gradient competition). Default: recorded.")]
    public bool? NoGradients { get; init; }

    [CommandOption("--gradient-schedule <WHEN>")]
    [Description("log (default: the early log-spaced steps and epochs 0, 1, 2, 4, ...) or every (every checkpoint; ~+50% training time).")]
    public string? GradientSchedule { get; init; }

    [CommandOption("--no-representations")]
    [Description("Do not measure representation separability (silhouette, NC1, CDNV) at log-spaced epochs. Default: measured.")]
    public bool? NoRepresentations { get; init; }

    [CommandOption("--representation-rows <N>")]
    [Description("Measure separability on at most N rows per split (a stratified subsample keeping every minority sample; default 400).")]
    public string? RepresentationRows { get; init; }

    [CommandOption("--record-activations")]
    [Description("Also store the hidden activations themselves (large), for 'export --representations'. Default: off.")]
    public bool? RecordActivations { get; init; }

    [CommandOption("--dynamics-from <SOURCE>")]
    [Description("eval (post-epoch evaluation, default) or training (also each sample as presented in its mini-batch, before the update).")]
    public string? DynamicsFrom { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Cores to use. Default: all.")]
    public string? Threads { get; init; }

    [CommandOption("--json")]
    [Description("Print results as JSON instead of tables. Default: tables.")]
    public bool Json { get; init; }

    /// <summary>The spec with every option that was given applied over <paramref name="start"/>.</summary>
    public StudySpec Apply(StudySpec start)
    {
        var model = start.Model;
        model = model with
        {
            Epochs = OptionLists.Int(Settings.Epochs, Epochs, $"a whole number 1..{ModelSpec.MaxEpochs}") ?? model.Epochs,
            BatchSize = OptionLists.Int(Settings.BatchSize, BatchSize, $"a whole number 1..{ModelSpec.MaxBatchSize}") ?? model.BatchSize,
            Hidden = Hidden is null ? model.Hidden : OptionLists.Ints(Settings.Hidden, [Hidden], "64,64,64"),
            Activation = Activation is null ? model.Activation : Choice<Core.Specs.Activation>.Parse(Activation, Settings.Activation),
            Optimizer = Optimizer is null ? model.Optimizer : Choice<OptimizerKind>.Parse(Optimizer, Settings.Optimizer),
            LearningRate = OptionLists.Double(Settings.LearningRate, LearningRate, "a positive number such as 0.001 or 1e-3") ?? model.LearningRate,
            Momentum = OptionLists.Double(Settings.Momentum, Momentum, "a number in [0, 1) such as 0.9") ?? model.Momentum,
            WeightDecay = OptionLists.Double(Settings.WeightDecay, WeightDecay, "a number >= 0 such as 1e-4") ?? model.WeightDecay,
            EarlyEpochs = OptionLists.Int(Settings.EarlyEpochs, EarlyEpochs, "a whole number >= 0") ?? model.EarlyEpochs,
        };
        return start with
        {
            Data = Data is null ? start.Data : OptionLists.Datasets(Data),
            Protocols = Protocol is null ? start.Protocols : OptionLists.Strings(Settings.Protocols, Protocol, "subsample-minority,fixed-n"),
            Remedies = Remedy is null ? start.Remedies : OptionLists.Strings(Settings.Remedies, Remedy, "none,cb,focal:gamma=2"),
            Irs = Ir is null ? start.Irs : OptionLists.Doubles(Settings.Irs, Ir, "1,10,50"),
            Grid = Grid is null ? start.Grid : OptionLists.Grid(Grid),
            Split = Split ?? start.Split,
            Impute = Impute ?? start.Impute,
            LabelColumn = LabelColumn ?? start.LabelColumn,
            Nominal = Nominal is null ? start.Nominal : OptionLists.Strings(Settings.Nominal, Nominal, "region,2") is { Count: > 0 } nominal ? nominal : null,
            RecordSamples = NoSamples is true ? false : start.RecordSamples,
            Model = model,
            Diagnostics = start.Diagnostics with
            {
                Gradients = NoGradients is true ? false : start.Diagnostics.Gradients,
                GradientSchedule = GradientSchedule is null ? start.Diagnostics.GradientSchedule : Choice<Core.Specs.GradientSchedule>.Parse(GradientSchedule, Settings.GradientSchedule),
                Representations = NoRepresentations is true ? false : start.Diagnostics.Representations,
                RepresentationRows = OptionLists.Int(Settings.RepresentationRows, RepresentationRows, "a whole number >= 10") ?? start.Diagnostics.RepresentationRows,
                RecordActivations = RecordActivations ?? start.Diagnostics.RecordActivations,
                DynamicsFrom = DynamicsFrom is null ? start.Diagnostics.DynamicsFrom : Choice<DynamicsSource>.Parse(DynamicsFrom, Settings.DynamicsFrom),
            },
        };
    }

    public int ResolveThreads() => OptionLists.Int(Settings.Threads, Threads, "a whole number >= 1") switch
    {
        null => Environment.ProcessorCount,
        < 1 and var t => throw new UsageException(Settings.Threads, $"{t} is out of range; accepted: a whole number >= 1"),
        var t => t.Value,
    };

    /// <summary>
    /// A study file's per-dataset irs belong to its data entries: --data would drop them with the entries, and --ir would
    /// not reach the datasets that have their own. Both are refused rather than applied to some datasets and not others.
    /// </summary>
    public void RefuseOverridingDataIrs(StudySpec file, string studyFile)
    {
        if (file.DataIrs.Count == 0) return;
        var entries = string.Join(", ", file.Data.Select((d, i) => (d, i)).Where(e => file.DataIrs.ContainsKey(e.d)).Select(e => $"data[{e.i}].irs"));
        var (option, given) = Data is not null ? (Settings.Data, Data) : Ir is not null ? (Settings.Irs, Ir) : (null, null);
        if (option is null) return;
        throw new UsageException(option, $"{string.Join(",", given!)} given, but the study file {studyFile} sets irs per dataset ({entries}); " +
            "accepted: the file's own data and irs (edit the file, or copy it), without this option");
    }

    /// <summary>
    /// IRs given on the command line to protocols that have no IR levels would be ignored without a word: natural
    /// trains on the data as it is and grid reads its cells. Refused, so the user learns the ratio was not applied.
    /// </summary>
    /// <remarks>The same holds for `irs` in a study file (<paramref name="studyFile"/>), named there as the file's field.</remarks>
    public void RefuseUnusedIrs(StudySpec spec, string? studyFile = null)
    {
        // Per-dataset irs come only from a study file, so their problems are named with it (e.g. --protocol natural over them).
        if (spec.DataIrsProblems() is { Count: > 0 } entries)
            throw new UsageException($"{studyFile ?? Settings.Mention(Settings.Data)}: {string.Join("; ", entries)}");
        var inFile = Ir is null && studyFile is not null && StudySpec.FileSets(studyFile, Settings.Irs);
        if (Ir is null && !inFile) return;
        var names = spec.Protocols.Select(p => p.Trim().ToLowerInvariant()).ToList();
        if (names.Count == 0 || spec.ReadsIrs) return;
        var given = string.Join(",", spec.Irs.Select(ir => ir.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var why = names.Contains("natural") ? "natural has no levels: it trains on the data as it is" : "grid reads its cells from " + Settings.Mention(Settings.Grid);
        // Shorter than the option's message: the file's path comes first and the line must stay one line in a terminal.
        if (inFile) throw new UsageException($"{studyFile}: {Settings.Irs}: {spec.UnusedIrs(spec.Irs)}");
        throw new UsageException(Settings.Irs, $"{given} given, but protocol {string.Join(", ", names.Distinct())} reads no imbalance ratio ({why}); " +
            $"accepted: drop {Settings.Mention(Settings.Irs)}, or add a protocol that reads it: {StudySpec.ProtocolsReadingIrs}");
    }
}

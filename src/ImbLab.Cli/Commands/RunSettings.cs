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
    [Description("Imbalance protocols: natural, subsample-minority, fixed-n, fixed-minority, fixed-majority, grid.")]
    public string[]? Protocol { get; init; }

    [CommandOption("--ir <RATIOS>")]
    [Description("Target imbalance ratios (majority/minority), e.g. 1,10,50,100.")]
    public string[]? Ir { get; init; }

    [CommandOption("--grid <CELLS>")]
    [Description("Cells for the grid protocol as MINxMAJ, e.g. 10x100,20x100,20x200.")]
    public string[]? Grid { get; init; }

    [CommandOption("--split <SPEC>")]
    [Description("Test-set split: holdout[[:0.2]], kfold[[:5]], repeated-kfold:5x2, keel (KEEL's own 5 folds).")]
    public string? Split { get; init; }

    [CommandOption("--epochs <N>")]
    public int? Epochs { get; init; }

    [CommandOption("--batch-size <N>")]
    public int? BatchSize { get; init; }

    [CommandOption("--hidden <WIDTHS>")]
    [Description("Hidden layer widths, e.g. 64,64,64.")]
    public string? Hidden { get; init; }

    [CommandOption("--activation <NAME>")]
    [Description("relu or tanh.")]
    public string? Activation { get; init; }

    [CommandOption("--optimizer <NAME>")]
    [Description("adam or sgd (with momentum).")]
    public string? Optimizer { get; init; }

    [CommandOption("--lr <RATE>")]
    public double? LearningRate { get; init; }

    [CommandOption("--momentum <M>")]
    [Description("SGD momentum (default 0.9).")]
    public double? Momentum { get; init; }

    [CommandOption("--weight-decay <L2>")]
    public double? WeightDecay { get; init; }

    [CommandOption("--early-epochs <N>")]
    [Description("Take log-spaced checkpoints (after update 1, 2, 4, ...) inside this many first epochs (default 2).")]
    public int? EarlyEpochs { get; init; }

    [CommandOption("--impute")]
    [Description("Fill missing values: numeric with the training mean, nominal with the training mode.")]
    public bool? Impute { get; init; }

    [CommandOption("--label-column <NAME|INDEX>")]
    [Description("CSV only: the label column by name or 1-based index (default: the last column).")]
    public string? LabelColumn { get; init; }

    [CommandOption("--nominal <COLS>")]
    [Description("CSV only: columns to read as nominal even when their values are numbers (names or 1-based indices, comma-separated).")]
    public string[]? Nominal { get; init; }

    [CommandOption("--no-samples")]
    [Description("Do not record per-sample signals.")]
    public bool? NoSamples { get; init; }

    [CommandOption("--no-gradients")]
    [Description("Do not record per-class gradients (gradient competition).")]
    public bool? NoGradients { get; init; }

    [CommandOption("--gradient-schedule <WHEN>")]
    [Description("log (default: the early log-spaced steps and epochs 0, 1, 2, 4, ...) or every (every checkpoint; ~+50% training time).")]
    public string? GradientSchedule { get; init; }

    [CommandOption("--no-representations")]
    [Description("Do not measure representation separability (silhouette, NC1, CDNV) at log-spaced epochs.")]
    public bool? NoRepresentations { get; init; }

    [CommandOption("--representation-rows <N>")]
    [Description("Measure separability on at most N rows per split (a stratified subsample keeping every minority sample; default 400).")]
    public int? RepresentationRows { get; init; }

    [CommandOption("--record-activations")]
    [Description("Also store the hidden activations themselves (large), for 'imblab export --representations'.")]
    public bool? RecordActivations { get; init; }

    [CommandOption("--dynamics-from <SOURCE>")]
    [Description("eval (post-epoch evaluation, default) or training (also each sample as presented in its mini-batch, before the update).")]
    public string? DynamicsFrom { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Cores to use (default: all).")]
    public int? Threads { get; init; }

    [CommandOption("--json")]
    [Description("Print results as JSON instead of tables.")]
    public bool Json { get; init; }

    /// <summary>The spec with every option that was given applied over <paramref name="start"/>.</summary>
    public StudySpec Apply(StudySpec start)
    {
        var model = start.Model;
        model = model with
        {
            Epochs = Epochs ?? model.Epochs,
            BatchSize = BatchSize ?? model.BatchSize,
            Hidden = Hidden is null ? model.Hidden : OptionLists.Ints("--hidden", [Hidden]),
            Activation = Activation is null ? model.Activation : Choice<Core.Specs.Activation>.Parse(Activation, Settings.Activation),
            Optimizer = Optimizer is null ? model.Optimizer : Choice<OptimizerKind>.Parse(Optimizer, Settings.Optimizer),
            LearningRate = LearningRate ?? model.LearningRate,
            Momentum = Momentum ?? model.Momentum,
            WeightDecay = WeightDecay ?? model.WeightDecay,
            EarlyEpochs = EarlyEpochs ?? model.EarlyEpochs,
        };
        return start with
        {
            Data = Data is null ? start.Data : OptionLists.Datasets(Data),
            Protocols = Protocol is null ? start.Protocols : OptionLists.Strings(Protocol),
            Irs = Ir is null ? start.Irs : OptionLists.Doubles("--ir", Ir),
            Grid = Grid is null ? start.Grid : OptionLists.Grid(Grid),
            Split = Split ?? start.Split,
            Impute = Impute ?? start.Impute,
            LabelColumn = LabelColumn ?? start.LabelColumn,
            Nominal = Nominal is null ? start.Nominal : OptionLists.Strings(Nominal) is { Count: > 0 } nominal ? nominal : null,
            RecordSamples = NoSamples is true ? false : start.RecordSamples,
            Model = model,
            Diagnostics = start.Diagnostics with
            {
                Gradients = NoGradients is true ? false : start.Diagnostics.Gradients,
                GradientSchedule = GradientSchedule is null ? start.Diagnostics.GradientSchedule : Choice<Core.Specs.GradientSchedule>.Parse(GradientSchedule, Settings.GradientSchedule),
                Representations = NoRepresentations is true ? false : start.Diagnostics.Representations,
                RepresentationRows = RepresentationRows ?? start.Diagnostics.RepresentationRows,
                RecordActivations = RecordActivations ?? start.Diagnostics.RecordActivations,
                DynamicsFrom = DynamicsFrom is null ? start.Diagnostics.DynamicsFrom : Choice<DynamicsSource>.Parse(DynamicsFrom, Settings.DynamicsFrom),
            },
        };
    }

    public int ResolveThreads() => Threads switch
    {
        null => Environment.ProcessorCount,
        < 1 => throw new Core.UsageException($"--threads: {Threads} must be >= 1"),
        var t => t.Value,
    };
}

using ImbLab.Core;

namespace ImbLab.Cli;

/// <summary>
/// The CLI's name for each setting, so messages from the layers below (which name settings as a study file does) read
/// in the vocabulary of the command line the user typed.
/// </summary>
internal static class OptionNames
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        [Settings.Name] = "--name",
        [Settings.Data] = "--data",
        [Settings.Protocols] = "--protocol",
        [Settings.Remedies] = "--remedy",
        [Settings.Irs] = "--ir",
        [Settings.Grid] = "--grid",
        [Settings.Seeds] = "--seeds",
        [Settings.Seed] = "--seed",
        [Settings.Split] = "--split",
        [Settings.Impute] = "--impute",
        [Settings.LabelColumn] = "--label-column",
        [Settings.Nominal] = "--nominal",
        [Settings.RecordSamples] = "--no-samples",
        [Settings.Hidden] = "--hidden",
        [Settings.Activation] = "--activation",
        [Settings.Epochs] = "--epochs",
        [Settings.BatchSize] = "--batch-size",
        [Settings.Optimizer] = "--optimizer",
        [Settings.LearningRate] = "--lr",
        [Settings.Momentum] = "--momentum",
        [Settings.WeightDecay] = "--weight-decay",
        [Settings.EarlyEpochs] = "--early-epochs",
        [Settings.Gradients] = "--no-gradients",
        [Settings.GradientSchedule] = "--gradient-schedule",
        [Settings.Representations] = "--no-representations",
        [Settings.RepresentationRows] = "--representation-rows",
        [Settings.RecordActivations] = "--record-activations",
        [Settings.DynamicsFrom] = "--dynamics-from",
        [Settings.Config] = "--config",
        [Settings.Threads] = "--threads",
        [Settings.Study] = "--study",
        [Settings.Predictions] = "--predictions",
        [Settings.Positive] = "--positive",
        [Settings.ScoreClass] = "--score-class",
        [Settings.Shard] = "--shard",
        [Settings.Out] = "--out",
    };

    /// <summary>The option for a setting; a setting with no option (set in a study file only) keeps its field name.</summary>
    public static string For(string setting) => Flags.GetValueOrDefault(setting, setting);

    /// <summary>An error's message as the CLI says it.</summary>
    public static string Render(ImbLabException e) => Settings.Render(e.Template, For);
}

using System.Text.RegularExpressions;

namespace ImbLab.Core;

/// <summary>
/// The settings a user can give, named as in a study file (snake_case; nested fields with a dot). Messages below the
/// CLI name a setting only through <see cref="Mention"/>: the exception's <see cref="Exception.Message"/> shows the
/// setting's own name, and the CLI renders the same template with its option names (<c>--ir</c>), so no layer below it
/// knows a flag.
/// </summary>
public static partial class Settings
{
    public const string Name = "name";
    public const string Data = "data";
    public const string Protocols = "protocols";
    public const string Remedies = "remedies";
    public const string Irs = "irs";
    public const string Grid = "grid";
    public const string Seeds = "seeds";
    public const string Seed = "seed";
    public const string Split = "split";
    public const string Impute = "impute";
    public const string LabelColumn = "label_column";
    public const string Nominal = "nominal";
    public const string RecordSamples = "record_samples";
    public const string Hidden = "model.hidden";
    public const string Activation = "model.activation";
    public const string Epochs = "model.epochs";
    public const string BatchSize = "model.batch_size";
    public const string Optimizer = "model.optimizer";
    public const string LearningRate = "model.learning_rate";
    public const string Beta1 = "model.beta1";
    public const string Beta2 = "model.beta2";
    public const string Epsilon = "model.epsilon";
    public const string Momentum = "model.momentum";
    public const string WeightDecay = "model.weight_decay";
    public const string EarlyEpochs = "model.early_epochs";
    public const string Gradients = "diagnostics.gradients";
    public const string GradientSchedule = "diagnostics.gradient_schedule";
    public const string Representations = "diagnostics.representations";
    public const string RepresentationRows = "diagnostics.representation_rows";
    public const string RecordActivations = "diagnostics.record_activations";
    public const string DynamicsFrom = "diagnostics.dynamics_from";

    // Not part of a study: what a command is given besides it.
    public const string Config = "config";
    public const string Threads = "threads";
    public const string Study = "study";
    public const string Predictions = "predictions";
    public const string Positive = "positive";
    public const string ScoreClass = "score_class";
    public const string Shard = "shard";
    public const string Out = "out";

    /// <summary>A setting named inside a message; rendered by <see cref="Render"/>.</summary>
    public static string Mention(string setting) => "{" + setting + "}";

    /// <summary>Every setting above: only these are rendered, so braces in a file name or a value are left alone.</summary>
    public static IReadOnlySet<string> All { get; } = typeof(Settings)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The message with every mentioned setting named by <paramref name="name"/>.</summary>
    public static string Render(string template, Func<string, string> name) =>
        MentionPattern().Replace(template, m => All.Contains(m.Groups[1].Value) ? name(m.Groups[1].Value) : m.Value);

    [GeneratedRegex(@"\{([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)\}")]
    private static partial Regex MentionPattern();
}

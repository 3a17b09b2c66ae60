using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImbLab.Core.Specs;

/// <summary>The hidden layers' activation.</summary>
public enum Activation
{
    Relu,
    Tanh,
}

/// <summary>The optimizer, with PyTorch's meaning (torch.optim.Adam, torch.optim.SGD with momentum).</summary>
public enum OptimizerKind
{
    Adam,
    Sgd,
}

/// <summary>When per-class gradients are recorded.</summary>
public enum GradientSchedule
{
    /// <summary>At the early log-spaced steps and the log-spaced epochs where representations are measured.</summary>
    Log,

    /// <summary>At every checkpoint (~50% more training time).</summary>
    Every,
}

/// <summary>Where the per-sample training dynamics come from.</summary>
public enum DynamicsSource
{
    /// <summary>The post-epoch evaluation of the training part.</summary>
    Eval,

    /// <summary>Also each sample as it is presented in its mini-batch, before the update.</summary>
    Training,
}

/// <summary>
/// The names of a choice as users write them (kebab-case: <c>relu</c>, <c>sgd</c>): parsed once where text comes in
/// (an option, a study file), so everything below works with the enum.
/// </summary>
public static class Choice<T> where T : struct, Enum
{
    private static readonly (T Value, string Name)[] Values =
        [.. Enum.GetValues<T>().Select(v => (v, JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString())))];

    public static IReadOnlyList<string> Names { get; } = [.. Values.Select(v => v.Name)];

    public static string Name(T value) => Values.First(v => v.Value.Equals(value)).Name;

    public static bool TryParse(string? text, out T value)
    {
        foreach (var (v, name) in Values)
        {
            if (string.Equals(name, text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The choice named by <paramref name="text"/>, or a usage error naming the setting and what is accepted.</summary>
    public static T Parse(string text, string setting) =>
        TryParse(text, out var value) ? value : throw new UsageException(setting, $"'{text}' is not known; accepted: {string.Join(", ", Names)}");
}

/// <summary>Reads and writes a choice as its name in study files and stored configs, refusing unknown names with what is accepted.</summary>
internal sealed class ChoiceConverter<T> : JsonConverter<T> where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return Choice<T>.TryParse(text, out var value)
            ? value
            : throw new JsonException($"'{text ?? reader.TokenType.ToString()}' is not known; accepted: {string.Join(", ", Choice<T>.Names)}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Choice<T>.Name(value));
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImbLab.Core.Specs;

/// <summary>
/// One item of a study file's <c>data</c>: a path (or synthetic spec) as a plain string, or an object
/// <c>{"path": "...", "irs": [2, 5, 10]}</c> whose irs replace the study's for the datasets it names. Written back as a
/// plain string when it has no irs of its own, so specs without per-dataset irs serialise (and hash) as they always did.
/// </summary>
[JsonConverter(typeof(DataEntryConverter))]
internal sealed record DataEntry(string Path, IReadOnlyList<double>? Irs);

/// <summary>A data entry's shape and values are checked as it is read, so a mistake is named with its place in the file.</summary>
internal sealed class DataEntryConverter : JsonConverter<DataEntry>
{
    private const string Accepted = "accepted: a path, or an object such as {\"path\": \"data/keel/pima/pima.dat\", \"irs\": [2, 5, 10]}";

    public override DataEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new DataEntry(reader.GetString()!, null);
        if (reader.TokenType != JsonTokenType.StartObject) throw new DataEntryException($"{Describe(reader.TokenType)} is not a data entry; {Accepted}");
        string? path = null;
        List<double>? irs = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            if (!seen.Add(key)) throw new DataEntryException($"key '{key}' is given twice");
            reader.Read();
            switch (key)
            {
                case "path":
                    if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 } text)
                        throw new DataEntryException($"{Describe(reader.TokenType)} is not a path; accepted: a dataset file or folder such as \"data/keel/pima/pima.dat\"", "path");
                    path = text;
                    break;
                case "irs":
                    irs = ReadIrs(ref reader);
                    break;
                default:
                    throw new DataEntryException($"unknown key '{key}'{(Typos.Nearest(key, ["path", "irs"]) is { } near ? $" (did you mean '{near}'?)" : "")}; accepted keys: path, irs");
            }
        }
        if (path is null) throw new DataEntryException($"no \"path\"; {Accepted}");
        return new DataEntry(path, irs);
    }

    private static List<double> ReadIrs(ref Utf8JsonReader reader)
    {
        const string accepted = "accepted: a list of imbalance ratios >= 1 such as [2, 5, 10] (study --dry-run shows each dataset's feasible range)";
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new DataEntryException($"{Describe(reader.TokenType)} is not a list of imbalance ratios; {accepted}", "irs");
        var irs = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // Out-of-range numbers (1e400) do not parse as a double: refused here rather than read as infinity.
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var ir))
                throw new DataEntryException($"{Describe(reader.TokenType)} is not an imbalance ratio; {accepted}", "irs");
            irs.Add(ir);
        }
        if (StudySpec.IrsProblem(irs) is { } problem) throw new DataEntryException(problem, "irs");
        return irs;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Null => "null",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "true/false",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.StartObject => "an object",
        _ => token.ToString(),
    };

    public override void Write(Utf8JsonWriter writer, DataEntry value, JsonSerializerOptions options)
    {
        if (value.Irs is null)
        {
            writer.WriteStringValue(value.Path);
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("path", value.Path);
        writer.WriteStartArray("irs");
        foreach (var ir in value.Irs) writer.WriteNumberValue(ir);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>A data entry that cannot be read; <see cref="StudySpec.FromJsonFile"/> names it by its place (data[2]).</summary>
internal sealed class DataEntryException(string message, string? key = null) : JsonException(message)
{
    /// <summary>The entry's key the problem is in (irs, path), when it is in one.</summary>
    public string? Key { get; } = key;
}

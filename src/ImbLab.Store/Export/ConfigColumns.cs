using System.Text.Json;

namespace ImbLab.Store.Export;

/// <summary>
/// Flattens run configs (JSON) into columns, generically, so a field added to the config appears in the export
/// without a code change: nested objects join their names with '_' (model.hidden -> model_hidden), arrays of scalars
/// become comma-joined text ("64,64,64"), anything else in an array its JSON. A column's type is inferred over all
/// runs: booleans -> Bool, numbers that are all whole -> Long, other numbers -> Double, anything mixed -> Text.
/// </summary>
internal sealed class ConfigColumns
{
    private readonly List<Dictionary<string, JsonElement>> _values;

    private ConfigColumns(IReadOnlyList<ExportColumn> columns, List<Dictionary<string, JsonElement>> values)
    {
        Columns = columns;
        _values = values;
    }

    public IReadOnlyList<ExportColumn> Columns { get; }

    /// <summary>
    /// Columns for every leaf of the configs, in first-seen order; names in <paramref name="taken"/> are left out (the
    /// table already has them, from the same values: seed, protocol, level, ...).
    /// </summary>
    public static ConfigColumns Of(IEnumerable<string> configsJson, IReadOnlySet<string> taken)
    {
        var values = new List<Dictionary<string, JsonElement>>();
        var order = new List<string>();
        foreach (var json in configsJson)
        {
            var leaves = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            using (var doc = JsonDocument.Parse(json))
                Flatten(doc.RootElement.Clone(), "", leaves);
            foreach (var name in leaves.Keys)
                if (!taken.Contains(name) && !order.Contains(name, StringComparer.Ordinal)) order.Add(name);
            values.Add(leaves);
        }
        var columns = order.Select(name => new ExportColumn(name, TypeOf(values.Select(v => v.GetValueOrDefault(name))))).ToList();
        return new ConfigColumns(columns, values);
    }

    /// <summary>Writes the config columns of the <paramref name="index"/>-th config given to <see cref="Of"/>.</summary>
    public void Write(RowWriter w, int index)
    {
        var leaves = _values[index];
        foreach (var column in Columns)
        {
            var has = leaves.TryGetValue(column.Name, out var v) && v.ValueKind != JsonValueKind.Null;
            switch (column.Type)
            {
                case ColumnType.Bool: w.Bool(has ? v.GetBoolean() : null); break;
                case ColumnType.Long: w.Long(has ? v.GetInt64() : null); break;
                case ColumnType.Double: w.Double(has ? v.GetDouble() : null); break;
                default: w.Text(has ? Text(v) : null); break;
            }
        }
    }

    private static void Flatten(JsonElement e, string prefix, Dictionary<string, JsonElement> leaves)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject()) Flatten(p.Value, prefix.Length == 0 ? p.Name : prefix + "_" + p.Name, leaves);
            return;
        }
        if (prefix.Length > 0) leaves[prefix] = e;
    }

    private static ColumnType TypeOf(IEnumerable<JsonElement> values)
    {
        var present = values.Where(v => v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)).ToList();
        if (present.Count == 0) return ColumnType.Text;
        if (present.All(v => v.ValueKind is JsonValueKind.True or JsonValueKind.False)) return ColumnType.Bool;
        if (!present.All(v => v.ValueKind == JsonValueKind.Number)) return ColumnType.Text;
        // A whole number beyond int64 (a 64-bit unsigned seed) would lose digits as a double: keep its text.
        if (present.Any(v => IsWhole(v) && !v.TryGetInt64(out _))) return ColumnType.Text;
        return present.All(IsWhole) ? ColumnType.Long : ColumnType.Double;
    }

    private static bool IsWhole(JsonElement v) => v.GetRawText().AsSpan().IndexOfAny(".eE") < 0;

    private static string Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Array when v.EnumerateArray().All(x => x.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) =>
            string.Join(",", v.EnumerateArray().Select(Scalar)),
        _ => Scalar(v),
    };

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        _ => v.GetRawText(),
    };
}

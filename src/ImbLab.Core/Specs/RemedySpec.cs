using System.Globalization;
using System.Text;

namespace ImbLab.Core.Specs;

/// <summary>
/// What a part of a remedy acts on. A run has at most one part per role (two losses, two batch orders, ... are
/// refused); the role order is also the order of the parts in a combination's canonical text.
/// </summary>
public enum RemedyRole
{
    /// <summary>Re-sampling of the training part (after encoding): ros, rus, smote.</summary>
    Data,

    /// <summary>The order of rows in batches: balanced-batches, sqrt-sampling, drs (and gdro's class-balanced batches).</summary>
    Batches,

    /// <summary>Mixing pairs of rows in a batch: mixup, remix.</summary>
    Mixing,

    /// <summary>The training loss: weights, shape, logit adjustments, schedules of them, gdro.</summary>
    Loss,

    /// <summary>The update direction: pcngd.</summary>
    Update,

    /// <summary>A second training stage after the epochs: crt.</summary>
    SecondStage,

    /// <summary>A validation split carved from the training part: threshold, early-stop.</summary>
    Validation,

    /// <summary>A change to the prediction at evaluation: posthoc-la, tau-norm, threshold.</summary>
    Prediction,
}

/// <summary>
/// A numeric parameter of a remedy: its key on the command line, its default (null: absent unless given, e.g. focal's
/// alpha) and its accepted range.
/// </summary>
public sealed record RemedyParameter(string Key, double? Default, double Min, double Max, bool MinOpen, bool MaxOpen, bool Whole, string Meaning)
{
    public bool Accepts(double value) =>
        double.IsFinite(value) && (MinOpen ? value > Min : value >= Min) && (MaxOpen ? value < Max : value <= Max) && (!Whole || value == Math.Floor(value));

    /// <summary>The accepted range as a user reads it: (0, 1), 1..1000000, >= 0.</summary>
    public string Range
    {
        get
        {
            if (Whole) return double.IsPositiveInfinity(Max) ? $"a whole number >= {Num(Min)}" : $"a whole number {Num(Min)}..{Num(Max)}";
            if (double.IsPositiveInfinity(Max)) return MinOpen ? $"a number > {Num(Min)}" : $"a number >= {Num(Min)}";
            return $"a number in {(MinOpen ? "(" : "[")}{Num(Min)}, {Num(Max)}{(MaxOpen ? ")" : "]")}";
        }
    }

    internal static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One remedy of the catalogue: its name on the command line, its family, roles and parameters.</summary>
public sealed record RemedyKind(string Name, string Family, IReadOnlyList<RemedyRole> Roles, IReadOnlyList<RemedyParameter> Parameters, string Summary)
{
    /// <summary>Position in the catalogue: the order of parts within a role-ordered combination, and of listings.</summary>
    public int Order { get; init; }

    /// <summary>
    /// Whether this build trains it. A remedy whose engine piece is not in this build is refused by the parser ("not
    /// available yet") rather than run as something else.
    /// </summary>
    public bool Available { get; init; }

    public RemedyParameter? Parameter(string key) => Parameters.FirstOrDefault(p => p.Key == key);
}

/// <summary>One part of a remedy with every parameter resolved (defaults filled), in the kind's parameter order.</summary>
public sealed record RemedyPart(RemedyKind Kind, IReadOnlyList<double?> Values)
{
    public string Name => Kind.Name;

    /// <summary>The value of a parameter (its default when not given; null for an optional one not given).</summary>
    public double? Get(string key)
    {
        for (var i = 0; i < Kind.Parameters.Count; i++)
            if (Kind.Parameters[i].Key == key) return Values[i];
        throw new ArgumentException($"remedy {Kind.Name} has no parameter '{key}'", nameof(key));
    }

    /// <summary>The value of a parameter that always has one (it has a default).</summary>
    public double Value(string key) => Get(key) ?? throw new InvalidOperationException($"remedy {Kind.Name}: '{key}' has no value");

    public string Canonical
    {
        get
        {
            var text = new StringBuilder(Kind.Name);
            for (var i = 0; i < Kind.Parameters.Count; i++)
                if (Values[i] is { } v) text.Append(':').Append(Kind.Parameters[i].Key).Append('=').Append(RemedyParameter.Num(v));
            return text.ToString();
        }
    }

    /// <summary>As a person writes it, parameters at their defaults left out ("cb", "focal:gamma=3"): for labels, never for ids.</summary>
    public string Short
    {
        get
        {
            var text = new StringBuilder(Kind.Name);
            for (var i = 0; i < Kind.Parameters.Count; i++)
                if (Values[i] is { } v && v != Kind.Parameters[i].Default) text.Append(':').Append(Kind.Parameters[i].Key).Append('=').Append(RemedyParameter.Num(v));
            return text.ToString();
        }
    }

    public override string ToString() => Canonical;
}

/// <summary>
/// A remedy as a level of a study: one or more parts joined with '+', in canonical order (by role, then catalogue
/// order), parameters in the catalogue's order with defaults filled. Its <see cref="Canonical"/> text is what a run's
/// config stores and hashes, so "cb" and "cb:beta=0.999" name the same runs.
/// </summary>
public sealed record Remedy(IReadOnlyList<RemedyPart> Parts)
{
    public const string NoneName = "none";

    public static Remedy None { get; } = new([new RemedyPart(RemedyCatalog.Find(NoneName)!, [])]);

    public bool IsNone => Parts.Count == 1 && Parts[0].Name == NoneName;

    public string Canonical => string.Join('+', Parts.Select(p => p.Canonical));

    /// <summary>The canonical text with parameters at their defaults left out ("ldam-drw", "smote+la-loss"), for labels.</summary>
    public string Short => string.Join('+', Parts.Select(p => p.Short));

    /// <summary>The short label of a stored remedy text; the text itself when it does not parse (a store from another catalogue).</summary>
    public static string ShortOf(string canonical)
    {
        try
        {
            return RemedyCatalog.Parse(canonical).Short;
        }
        catch (ImbLabException)
        {
            return canonical;
        }
    }

    /// <summary>The part with this name, or null.</summary>
    public RemedyPart? Part(string name) => Parts.FirstOrDefault(p => p.Name == name);

    public bool Has(string name) => Part(name) is not null;

    /// <summary>The part playing <paramref name="role"/>, or null (a run has at most one per role).</summary>
    public RemedyPart? In(RemedyRole role) => Parts.FirstOrDefault(p => p.Kind.Roles.Contains(role));

    public override string ToString() => Canonical;

    // Records compare lists by reference; remedies are equal when their canonical texts are.
    public bool Equals(Remedy? other) => other is not null && Canonical == other.Canonical;

    public override int GetHashCode() => Canonical.GetHashCode(StringComparison.Ordinal);
}

/// <summary>
/// The catalogue of remedies (issue 9; definitions in docs/remedies.md) and the parser of their names:
/// <c>name[:key=value[:key=value]]</c>, parts combined with '+' (<c>smote+la-loss</c>). ':' and '=' survive a
/// comma-separated <c>--remedy</c> list and the shell unquoted. <c>weights:inv</c> and <c>weights:sqrt</c> are names.
/// </summary>
public static class RemedyCatalog
{
    /// <summary>
    /// The remedies this build trains (the catalogue lists them all; their engine pieces arrive one by one). Declared
    /// before the catalogue: static fields are initialised in text order.
    /// </summary>
    private static readonly HashSet<string> Wired =
    [
        "none", "posthoc-la", "tau-norm", "threshold", "early-stop",
        // losses
        "weights:inv", "weights:sqrt", "cb", "focal", "ldam", "ldam-drw", "drw", "balanced-softmax", "la-loss", "cdt", "label-smoothing", "gdro",
        // resampling
        "ros", "rus", "smote", "balanced-batches", "sqrt-sampling", "drs",
        // trainer-remedies
        "mixup", "remix", "pcngd", "crt",
    ];

    private static readonly RemedyParameter At = new("at", 0.8, 0, 1, true, true, false, "fraction of the epochs after which the second stage starts (switch at epoch floor(at * epochs), 0-based)");
    private static readonly RemedyParameter DrwBeta = new("beta", 0.9999, 0, 1, true, true, false, "class-balanced beta of the deferred weights");
    private static readonly RemedyParameter Val = new("val", 0.2, 0, 0.5, true, false, false, "fraction of the training part carved out (stratified) as the validation split");

    private static readonly RemedyKind[] Kinds = Number(
    [
        new(Remedy.NoneName, "none", [], [], "plain cross-entropy"),
        // Data: re-sampled training part (fitted on the training part only, after encoding).
        new("ros", "data", [RemedyRole.Data], [], "random over-sampling of the minority to the majority count"),
        new("rus", "data", [RemedyRole.Data], [], "random under-sampling of the majority to the minority count"),
        new("smote", "data", [RemedyRole.Data], [new("k", 5, 1, 100, false, false, true, "nearest minority neighbours")], "SMOTE (Chawla et al. 2002) until balanced"),
        // Batches.
        new("balanced-batches", "batches", [RemedyRole.Batches], [], "class-balanced batches (each class equally often)"),
        new("sqrt-sampling", "batches", [RemedyRole.Batches], [], "square-root sampling (p_c proportional to sqrt(n_c))"),
        new("drs", "schedule", [RemedyRole.Batches], [At], "deferred re-sampling: reshuffled batches, class-balanced from the switch"),
        // Mixing.
        new("mixup", "mixing", [RemedyRole.Mixing], [new("alpha", 1, 0, double.PositiveInfinity, true, false, false, "Beta(alpha, alpha) of the mixing share")], "mixup (Zhang et al. 2018)"),
        new("remix", "mixing", [RemedyRole.Mixing],
            [new("kappa", 3, 1, double.PositiveInfinity, false, false, false, "count ratio from which a pair is imbalanced"),
             new("tau", 0.5, 0, 1, false, false, false, "share below which the label goes to the minority")], "remix (Chou et al. 2020)"),
        // Losses.
        new("weights:inv", "loss weights", [RemedyRole.Loss], [], "inverse-frequency class weights"),
        new("weights:sqrt", "loss weights", [RemedyRole.Loss], [], "inverse square-root class weights"),
        new("cb", "loss weights", [RemedyRole.Loss], [new("beta", 0.999, 0, 1, true, true, false, "effective-number beta")], "class-balanced weights (Cui et al. 2019)"),
        new("focal", "loss shape", [RemedyRole.Loss],
            [new("gamma", 2, 0, 20, false, false, false, "focusing exponent"),
             new("alpha", null, 0, 1, false, false, false, "weight of the minority class (the others 1 - alpha); none unless given")], "focal loss (Lin et al. 2017)"),
        new("ldam", "loss shape", [RemedyRole.Loss],
            [new("margin", 0.5, 0, double.PositiveInfinity, true, false, false, "largest class margin"),
             new("s", 30, 0, double.PositiveInfinity, true, false, false, "logit scale")], "LDAM margins (Cao et al. 2019)"),
        new("ldam-drw", "schedule", [RemedyRole.Loss],
            [new("margin", 0.5, 0, double.PositiveInfinity, true, false, false, "largest class margin"),
             new("s", 30, 0, double.PositiveInfinity, true, false, false, "logit scale"), At, DrwBeta], "LDAM with deferred re-weighting (Cao et al. 2019)"),
        new("drw", "schedule", [RemedyRole.Loss], [At, DrwBeta], "deferred re-weighting: plain until the switch, class-balanced weights after"),
        new("balanced-softmax", "logits", [RemedyRole.Loss], [], "balanced softmax (Ren et al. 2020)"),
        new("la-loss", "logits", [RemedyRole.Loss], [new("tau", 1, 0, 10, false, false, false, "weight of the log prior")], "logit-adjusted loss (Menon et al. 2021)"),
        new("cdt", "logits", [RemedyRole.Loss], [new("gamma", 0.1, 0, 10, false, false, false, "temperature exponent")], "class-dependent temperature (Ye et al. 2020)"),
        new("label-smoothing", "logits", [RemedyRole.Loss], [new("eps", 0.1, 0, 1, false, true, false, "smoothing")], "label smoothing (Szegedy et al. 2016)"),
        new("gdro", "optimisation", [RemedyRole.Loss, RemedyRole.Batches], [new("eta", 0.01, 0, double.PositiveInfinity, true, false, false, "step of the class weights")],
            "group DRO over classes (Sagawa et al. 2020), with class-balanced batches"),
        // Update.
        new("pcngd", "optimisation", [RemedyRole.Update], [], "per-class normalised gradient (Francazi et al. 2023)"),
        // Second stage.
        new("crt", "schedule", [RemedyRole.SecondStage], [new("epochs", 20, 1, ModelSpec.MaxEpochs, false, false, true, "epochs of output-layer re-training")],
            "classifier re-training (Kang et al. 2020) with class-balanced batches"),
        // Validation and prediction.
        new("early-stop", "stopping", [RemedyRole.Validation],
            [Val, new("patience", 20, 1, ModelSpec.MaxEpochs, false, false, true, "epochs without improvement before stopping")],
            "early stopping on validation balanced accuracy, best epoch restored"),
        new("posthoc-la", "post hoc", [RemedyRole.Prediction], [new("tau", 1, 0, 10, false, false, false, "weight of the log prior")], "logit adjustment at prediction (Menon et al. 2021)"),
        new("tau-norm", "post hoc", [RemedyRole.Prediction], [new("tau", 1, 0, 10, false, false, false, "norm exponent")], "tau-normalised output weights (Kang et al. 2020)"),
        new("threshold", "post hoc", [RemedyRole.Prediction, RemedyRole.Validation], [Val], "threshold on p(minority) chosen on a validation split"),
    ]);

    /// <summary>Every remedy, in catalogue order.</summary>
    public static IReadOnlyList<RemedyKind> All => Kinds;

    public static IReadOnlyList<string> Names { get; } = [.. Kinds.Select(k => k.Name)];

    public static RemedyKind? Find(string name) => Kinds.FirstOrDefault(k => k.Name == name);

    private static RemedyKind[] Number(RemedyKind[] kinds) =>
        [.. kinds.Select((k, i) => k with { Order = i, Available = Wired.Contains(k.Name) })];

    /// <summary>The remedy named by <paramref name="text"/>, or a usage error naming <paramref name="setting"/>.</summary>
    public static Remedy Parse(string text, string setting = Settings.Remedies) => Parse(text, setting, requireAvailable: true);

    /// <summary>As <see cref="Parse(string, string)"/>; the tests read the whole catalogue, trained in this build or not.</summary>
    internal static Remedy Parse(string text, string setting, bool requireAvailable)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException(setting, $"an empty remedy; accepted: a name such as none, cb, focal:gamma=2, smote+la-loss ({string.Join(", ", Names)})");
        var parts = new List<RemedyPart>();
        foreach (var piece in text.Trim().Split('+'))
            parts.Add(ParsePart(piece.Trim(), text, setting, requireAvailable));
        var why = Refusal(parts);
        if (why is not null) throw new UsageException(setting, $"'{text.Trim()}' is refused: {why}");
        parts.Sort((a, b) => PartOrder(a).CompareTo(PartOrder(b)));
        return new Remedy(parts);
    }

    /// <summary>The canonical texts of a study's remedy levels, in the given order; a level listed twice is refused.</summary>
    public static IReadOnlyList<Remedy> ParseLevels(IEnumerable<string> texts, string setting = Settings.Remedies)
    {
        var levels = new List<Remedy>();
        foreach (var text in texts)
        {
            var remedy = Parse(text, setting);
            if (levels.Contains(remedy)) throw new UsageException(setting, $"'{text}' is listed twice (as {remedy.Canonical}); accepted: each remedy once");
            levels.Add(remedy);
        }
        if (levels.Count == 0) throw new UsageException(setting, "no remedy given; accepted: a list such as none,cb,focal");
        return levels;
    }

    private static int PartOrder(RemedyPart p) => (p.Kind.Roles.Count == 0 ? -1 : (int)p.Kind.Roles.Min()) * 1000 + p.Kind.Order;

    private static RemedyPart ParsePart(string piece, string whole, string setting, bool requireAvailable)
    {
        if (piece.Length == 0)
            throw new UsageException(setting, $"'{whole}' has an empty part; accepted: parts joined with '+', such as smote+la-loss");
        var tokens = piece.Split(':', StringSplitOptions.TrimEntries);
        var name = tokens[0].ToLowerInvariant();
        var next = 1;
        if (name == "weights")
        {
            if (tokens.Length < 2 || tokens[1].Contains('=', StringComparison.Ordinal))
                throw new UsageException(setting, $"'{piece}': weights needs a kind; accepted: weights:inv or weights:sqrt");
            name += ":" + tokens[1].ToLowerInvariant();
            next = 2;
        }
        var kind = Find(name) ?? throw new UsageException(setting, $"'{name}' is not a remedy{Suggest(name)}; accepted: {string.Join(", ", Names)}");
        if (requireAvailable && !kind.Available)
            throw new UsageException(setting, $"'{name}' is not available yet: its training piece is not in this build; available: {string.Join(", ", Kinds.Where(k => k.Available).Select(k => k.Name))}");
        var values = kind.Parameters.Select(p => p.Default).ToArray();
        var given = new HashSet<string>(StringComparer.Ordinal);
        for (var i = next; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? token : token[..eq]).Trim().ToLowerInvariant();
            var parameter = kind.Parameter(key);
            if (eq < 0 && parameter is not null)
                throw new UsageException(setting, $"'{piece}': {key} needs a value; accepted: {kind.Name}:{key}=<{parameter.Range}>");
            if (eq < 0 || parameter is null)
            {
                var accepted = kind.Parameters.Count == 0
                    ? $"{kind.Name} takes no parameters"
                    : "accepted: " + string.Join(", ", kind.Parameters.Select(p => $"{kind.Name}:{p.Key}=<{p.Range}>"));
                throw new UsageException(setting, $"'{piece}': '{token}' is not a parameter of {kind.Name}; {accepted}");
            }
            if (!given.Add(key)) throw new UsageException(setting, $"'{piece}': {key} is given twice; accepted: each parameter once");
            var text = token[(eq + 1)..].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !parameter.Accepts(value))
                throw new UsageException(setting, $"'{piece}': {key}={text} is out of range; accepted: {key} {parameter.Range} ({parameter.Meaning})");
            values[kind.Parameters.ToList().IndexOf(parameter)] = value;
        }
        return new RemedyPart(kind, values);
    }

    private static string Suggest(string name) => Typos.Nearest(name, Names) is { } near ? $"; did you mean {near}?" : "";

    /// <summary>Why a combination is refused, in one line, or null when it is accepted. The rules are listed in docs/remedies.md.</summary>
    internal static string? Refusal(IReadOnlyList<RemedyPart> parts)
    {
        if (parts.Count == 1) return null;
        var names = parts.Select(p => p.Name).ToList();
        bool Has(string n) => names.Contains(n);
        string? First(params string[] ns) => ns.FirstOrDefault(Has);

        if (Has(Remedy.NoneName)) return "none is the baseline (plain training); it combines with nothing";
        var twice = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) return $"{twice.Key} appears twice";
        if (Has("la-loss") && Has("balanced-softmax"))
            return "la-loss and balanced-softmax both add the log prior to the logits in the loss; together the prior is counted twice";
        if (Has("posthoc-la") && First("la-loss", "balanced-softmax") is { } prior)
            return $"{prior} already trains with the log prior on the logits; adjusting them again at prediction counts the prior twice";
        if (Has("gdro") && First("balanced-batches", "sqrt-sampling", "drs") is { } gs)
            return $"gdro brings its own class-balanced batches (every class in every batch); {gs} would replace them";
        if (Has("gdro") && First("mixup", "remix") is { } gm)
            return $"gdro weighs each class's loss, and a row {gm} mixes belongs to two classes";
        if (Has("pcngd") && First("mixup", "remix") is { } pm)
            return $"pcngd steps along each class's own gradient, and a row {pm} mixes belongs to two classes";
        if (Has("pcngd") && First("weights:inv", "weights:sqrt", "cb", "drw", "ldam-drw", "gdro") is { } pw)
            return $"pcngd scales each class's gradient to unit length, so the class weights of {pw} cancel";
        if (Has("crt") && First("drw", "drs", "ldam-drw") is { } ct)
            return $"crt and {ct} are both second stages; a run has one";
        if (Has("crt") && Has("early-stop"))
            return "early-stop ends training at the best validation epoch and restores it; a crt stage after that is not defined";
        if (First("ros", "rus", "smote") is { } d && First("balanced-batches", "sqrt-sampling", "drs", "gdro") is { } b)
            return $"{d} already balances the training part, so {b} would re-balance balanced data";
        foreach (var role in Enum.GetValues<RemedyRole>())
        {
            var inRole = parts.Where(p => p.Kind.Roles.Contains(role)).Select(p => p.Name).ToList();
            if (inRole.Count < 2) continue;
            var pair = $"{inRole[0]} and {inRole[1]}";
            return role switch
            {
                RemedyRole.Data => $"{pair} both re-sample the training part; a run uses one",
                RemedyRole.Batches => $"{pair} both set the batch order; a run has one",
                RemedyRole.Mixing => $"{pair} both mix pairs of rows; a run uses one",
                RemedyRole.Loss => $"{pair} are both losses; a run trains one (ldam-drw is LDAM with deferred weights; focal:alpha= weighs focal)",
                RemedyRole.Update => $"{pair} both set the update direction",
                RemedyRole.SecondStage => $"{pair} are both second stages; a run has one",
                RemedyRole.Validation => $"{pair} both carve a validation split from the training part; a run has one",
                _ => $"{pair} both change the prediction; apply one",
            };
        }
        return null;
    }
}

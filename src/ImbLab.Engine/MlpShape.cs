using ImbLab.Core.Specs;

namespace ImbLab.Engine;

/// <summary>The architecture of a fully connected classifier: Inputs -> Hidden[0] -> ... -> Classes (logits).</summary>
public sealed record MlpShape(int Inputs, IReadOnlyList<int> Hidden, int Classes, Activation Activation = Activation.Relu)
{
    /// <summary>Every problem with the shape at once; empty when the shape is usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Inputs < 1) problems.Add($"Inputs is {Inputs}; at least 1 is required");
        if (Classes < 2) problems.Add($"Classes is {Classes}; at least 2 are required");
        if (Hidden is null) problems.Add("Hidden is null; use an empty list for no hidden layer");
        else
        {
            for (var i = 0; i < Hidden.Count; i++)
                if (Hidden[i] < 1) problems.Add($"Hidden[{i}] is {Hidden[i]}; every hidden layer needs at least 1 unit");
        }
        if (!Enum.IsDefined(Activation)) problems.Add($"Activation is {(int)Activation}; accepted: Relu, Tanh");
        return problems;
    }

    /// <summary>Hidden layers plus the output layer.</summary>
    public int LayerCount => Hidden.Count + 1;

    public int LayerInputs(int layer) => layer == 0 ? Inputs : Hidden[layer - 1];

    public int LayerOutputs(int layer) => layer == Hidden.Count ? Classes : Hidden[layer];

    /// <summary>Weights and biases of all layers, in the flat order W0, b0, W1, b1, ...</summary>
    public int ParameterCount
    {
        get
        {
            var total = 0;
            for (var l = 0; l < LayerCount; l++) total += LayerOutputs(l) * (LayerInputs(l) + 1);
            return total;
        }
    }

    public override string ToString() =>
        $"{Inputs}-{string.Join("-", Hidden.Select(h => h.ToString(System.Globalization.CultureInfo.InvariantCulture)))}{(Hidden.Count > 0 ? "-" : "")}{Classes} {Activation}";

    public bool Equals(MlpShape? other) =>
        other is not null && Inputs == other.Inputs && Classes == other.Classes && Activation == other.Activation &&
        Hidden.SequenceEqual(other.Hidden);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Inputs);
        h.Add(Classes);
        h.Add(Activation);
        foreach (var x in Hidden) h.Add(x);
        return h.ToHashCode();
    }
}

using ImbLab.Core.Specs;
using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// Updates one model's padded parameter vector from its gradient. Each instance belongs to one trainer and owns the
/// state that the update carries from step to step (moments, momentum buffer, step count).
/// </summary>
public unsafe interface IOptimizer
{
    /// <summary>Updates applied so far.</summary>
    int Steps { get; }

    /// <summary>One update of the <c>length</c> parameters the optimizer was made for, in place; the gradient is only read.</summary>
    void Step(KernelPath path, float* parameters, float* gradient);
}

/// <summary>Optimizer hyper-parameters with PyTorch's meaning (torch.optim.Adam / torch.optim.SGD).</summary>
public sealed record OptimizerSettings(
    OptimizerKind Kind = OptimizerKind.Adam,
    double LearningRate = 1e-3,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    double Momentum = 0.9,
    double WeightDecay = 0.0)
{
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Kind)) problems.Add($"Kind is {(int)Kind}; accepted: Adam, Sgd");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) problems.Add($"LearningRate is {LearningRate}; a finite value > 0 is required");
        if (!(Beta1 >= 0 && Beta1 < 1)) problems.Add($"Beta1 is {Beta1}; accepted: [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) problems.Add($"Beta2 is {Beta2}; accepted: [0, 1)");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) problems.Add($"Epsilon is {Epsilon}; a finite value > 0 is required");
        if (!(Momentum >= 0 && Momentum < 1)) problems.Add($"Momentum is {Momentum}; accepted: [0, 1)");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) problems.Add($"WeightDecay is {WeightDecay}; a finite value >= 0 is required");
        return problems;
    }

    /// <summary>A fresh optimizer (zero state) for <paramref name="length"/> parameters; the settings must be valid.</summary>
    public IOptimizer Create(int length)
    {
        var problems = Validate();
        if (problems.Count > 0) throw new InvalidOperationException($"invalid optimizer settings: {string.Join("; ", problems)}");
        return Kind == OptimizerKind.Adam ? new AdamOptimizer(this, length) : new SgdOptimizer(this, length);
    }
}

/// <summary>torch.optim.Adam on <see cref="Kernels.Adam"/>; the bias corrections are computed in double per step.</summary>
internal sealed unsafe class AdamOptimizer : IOptimizer
{
    private readonly OptimizerSettings _settings;
    private readonly int _length;
    private readonly AlignedBuffer _m;
    private readonly AlignedBuffer _v;

    public AdamOptimizer(OptimizerSettings settings, int length)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _settings = settings;
        _length = length;
        _m = new AlignedBuffer(length);
        _v = new AlignedBuffer(length);
    }

    public int Steps { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(KernelPath path, float* parameters, float* gradient)
    {
        Steps++;
        var o = _settings;
        var bc1 = 1 - Math.Pow(o.Beta1, Steps);
        var bc2 = 1 - Math.Pow(o.Beta2, Steps);
        Kernels.Adam(path, parameters, gradient, _m.Pointer, _v.Pointer, _length, (float)o.Beta1, (float)o.Beta2,
            (float)(o.LearningRate / bc1), (float)Math.Sqrt(bc2), (float)o.Epsilon, (float)o.WeightDecay);
    }
}

/// <summary>torch.optim.SGD with momentum on <see cref="Kernels.Sgd"/>; the first step starts the momentum buffer from the gradient.</summary>
internal sealed unsafe class SgdOptimizer : IOptimizer
{
    private readonly OptimizerSettings _settings;
    private readonly int _length;
    private readonly AlignedBuffer _momentum;

    public SgdOptimizer(OptimizerSettings settings, int length)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _settings = settings;
        _length = length;
        _momentum = new AlignedBuffer(length);
    }

    public int Steps { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(KernelPath path, float* parameters, float* gradient)
    {
        Steps++;
        var o = _settings;
        Kernels.Sgd(path, parameters, gradient, _momentum.Pointer, _length, (float)o.LearningRate, (float)o.Momentum, (float)o.WeightDecay, Steps == 1);
    }
}

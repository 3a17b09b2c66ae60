using ImbLab.Core.Specs;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

/// <summary>
/// Every loss remedy through the whole network: the trainer's gradient (the loss's deltas backpropagated in float32)
/// against float64 central differences of a plain float64 transcription of the loss's definition on the float64
/// reference network's logits.
/// </summary>
public sealed class RemedyLossGradientTests
{
    private static readonly int[] Counts = ContractCounts.Counts;

    /// <summary>
    /// Each remedy: the engine's loss, the epoch it is evaluated at, and its definition in float64: given the unperturbed
    /// logits (rows x 3) and the labels, the batch loss as a function of the logits.
    /// </summary>
    private static readonly Dictionary<string, (Func<ILoss> Make, int Epoch, Func<double[], int[], Func<double[], double>> Reference)> Remedies = new()
    {
        ["ce"] = (() => Losses.CrossEntropy, 0, Plain((z, y) => Reference.Mean(z, y, Reference.CrossEntropy))),
        ["weights:inv"] = (() => Losses.Weighted(ClassWeights.Inverse(Counts)), 0, Plain((z, y) => Reference.Weighted(z, y, Reference.Inverse(Counts), Reference.CrossEntropy))),
        ["cb:beta=0.999"] = (() => Losses.Weighted(ClassWeights.Effective(Counts, 0.999)), 0, Plain((z, y) => Reference.Weighted(z, y, Reference.Effective(Counts, 0.999), Reference.CrossEntropy))),
        ["weights:sqrt"] = (() => Losses.Weighted(ClassWeights.InverseSqrt(Counts)), 0, Plain((z, y) => Reference.Weighted(z, y, Reference.Sqrt(Counts), Reference.CrossEntropy))),
        ["focal:gamma=2"] = (() => Losses.Focal(2), 0, Plain((z, y) => Reference.Mean(z, y, (t, c) => Reference.Focal(t, c, 2)))),
        ["focal:gamma=0.5,alpha"] = (() => Losses.Focal(0.5, [0.2, 0.5, 0.9]), 0, Plain((z, y) => Reference.Mean(z, y, (t, c) => new[] { 0.2, 0.5, 0.9 }[c] * Reference.Focal(t, c, 0.5)))),
        ["ldam"] = (() => Losses.Ldam(Counts), 0, Plain((z, y) => Reference.Mean(z, y, Reference.Ldam(Counts, 0.5, 30)))),
        ["ldam:cb"] = (() => Losses.Ldam(Counts, 0.4, 8, ClassWeights.Effective(Counts, 0.9999)), 0,
            Plain((z, y) => Reference.Weighted(z, y, Reference.Effective(Counts, 0.9999), Reference.Ldam(Counts, 0.4, 8)))),
        ["balanced-softmax"] = (() => Losses.BalancedSoftmax(Counts), 0, Plain((z, y) => Reference.Mean(z, y, Reference.LogitAdjusted(Counts, 1)))),
        ["la-loss:tau=1.5"] = (() => Losses.LogitAdjusted(Counts, 1.5), 0, Plain((z, y) => Reference.Mean(z, y, Reference.LogitAdjusted(Counts, 1.5)))),
        ["cdt:gamma=0.3"] = (() => Losses.ClassDependentTemperature(Counts, 0.3), 0, Plain((z, y) => Reference.Mean(z, y, Reference.Cdt(Counts, 0.3)))),
        ["label-smoothing:eps=0.2"] = (() => Losses.LabelSmoothing(0.2), 0, Plain((z, y) => Reference.Mean(z, y, (t, c) => Reference.LabelSmoothing(t, c, 0.2)))),
        ["drw, before the switch"] = (() => Losses.Drw(Counts, 5), 4, Plain((z, y) => Reference.Mean(z, y, Reference.CrossEntropy))),
        ["drw, after the switch"] = (() => Losses.Drw(Counts, 5), 5, Plain((z, y) => Reference.Weighted(z, y, Reference.Effective(Counts, 0.9999), Reference.CrossEntropy))),
        ["ldam-drw, after the switch"] = (() => Losses.LdamDrw(Counts, 5), 7,
            Plain((z, y) => Reference.Weighted(z, y, Reference.Effective(Counts, 0.9999), Reference.Ldam(Counts, 0.5, 30)))),
        // Group DRO's q comes from the unperturbed logits and is held there, as the loss holds it for its deltas.
        ["gdro:eta=0.5"] = (() => Losses.GroupDro(3, 0.5), 0, (logits, y) => Reference.FreezeGroupDro(logits, y, 0.5)),
    };

    private static Func<double[], int[], Func<double[], double>> Plain(Func<double[], int[], double> loss) => (_, y) => z => loss(z, y);

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Remedies.Keys)
            foreach (var relu in new[] { true, false }) data.Add(name, relu);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_a_loss_remedy_When_comparing_the_trainers_gradient_with_float64_finite_differences_Then_they_agree(string remedy, bool relu)
    {
        var (make, epoch, reference) = Remedies[remedy];
        // The network and batch of GradientTests: it keeps clear of relu kinks.
        var shape = new MlpShape(5, [6, 4], 3, relu ? Activation.Relu : Activation.Tanh);
        var model = new Mlp(shape, 7);
        var bias = model.Bias(0);
        for (var i = 0; i < bias.Length; i++) bias[i] = 0.1f * (i % 3) - 0.1f;
        var (x, y) = EngineTestSupport.RandomBatch(7, 5, 3, 99);
        var net = ReferenceMlp.From(model);
        if (relu) Assert.True(net.KinkMargin(x, 7) > 1e-3, "fixture must stay clear of relu kinks");
        var logits = net.Logits(x, 7);
        var loss = reference(logits, y);

        var numeric = net.FiniteDifferenceGradient(x, 7, loss);
        var gradient = new float[model.ParameterCount];
        var value = new MlpTrainer(model, new OptimizerSettings(), 7, make()).LossAndGradient(x, y, 7, gradient, epoch);

        EngineTestSupport.AssertClose(loss(logits), value, 1e-6, 1e-7, $"{remedy} loss");
        var norm = Math.Sqrt(numeric.Sum(v => v * v));
        var error = Math.Sqrt(numeric.Zip(gradient, (n, g) => (n - g) * (n - g)).Sum());
        Assert.True(error / norm < 1e-5, $"{remedy}: relative gradient error {error / norm:E3}");
        EngineTestSupport.AssertAllClose(numeric, gradient.Select(v => (double)v).ToArray(), 1e-4, 1e-6 * Math.Max(1, numeric.Max(Math.Abs)), $"{remedy} gradient");
    }

    /// <summary>The remedies' definitions (docs/remedies-losses.md) written out plainly in float64, independent of the engine's loops.</summary>
    private static class Reference
    {
        private const int Classes = 3;

        private static double[] Row(double[] z, int r) => z.AsSpan(r * Classes, Classes).ToArray();

        private static double Lse(double[] t)
        {
            var max = t.Max();
            return Math.Log(t.Sum(v => Math.Exp(v - max))) + max;
        }

        public static double CrossEntropy(double[] t, int y) => Lse(t) - t[y];

        public static double Mean(double[] z, int[] y, Func<double[], int, double> row) =>
            Enumerable.Range(0, y.Length).Average(r => row(Row(z, r), y[r]));

        public static double Weighted(double[] z, int[] y, double[] w, Func<double[], int, double> row) =>
            Enumerable.Range(0, y.Length).Sum(r => w[y[r]] * row(Row(z, r), y[r])) / y.Sum(c => w[c]);

        public static double[] Inverse(int[] n) => n.Select(v => (double)n.Sum() / (n.Length * v)).ToArray();

        public static double[] Sqrt(int[] n)
        {
            var raw = n.Select(v => Math.Sqrt((double)n.Min() / v)).ToArray();
            return raw.Select(v => n.Length * v / raw.Sum()).ToArray();
        }

        public static double[] Effective(int[] n, double beta)
        {
            var raw = n.Select(v => (1 - beta) / (1 - Math.Pow(beta, v))).ToArray();
            return raw.Select(v => n.Length * v / raw.Sum()).ToArray();
        }

        public static double Focal(double[] t, int y, double gamma)
        {
            var logP = t[y] - Lse(t);
            return -Math.Pow(1 - Math.Exp(logP), gamma) * logP;
        }

        public static Func<double[], int, double> Ldam(int[] n, double maxMargin, double s)
        {
            var delta = n.Select(v => Math.Pow(v, -0.25)).ToArray();
            var k = maxMargin / delta.Max();
            return (z, y) => CrossEntropy(z.Select((v, c) => s * (v - (c == y ? k * delta[c] : 0))).ToArray(), y);
        }

        public static Func<double[], int, double> LogitAdjusted(int[] n, double tau) =>
            (z, y) => CrossEntropy(z.Select((v, c) => v + tau * Math.Log((double)n[c] / n.Sum())).ToArray(), y);

        public static Func<double[], int, double> Cdt(int[] n, double gamma) =>
            (z, y) => CrossEntropy(z.Select((v, c) => v / Math.Pow((double)n.Max() / n[c], gamma)).ToArray(), y);

        public static double LabelSmoothing(double[] t, int y, double eps)
        {
            var lse = Lse(t);
            return Enumerable.Range(0, Classes).Sum(c => -(eps / Classes + (c == y ? 1 - eps : 0)) * (t[c] - lse));
        }

        /// <summary>Per-class mean cross-entropy of the classes in the batch (0 for a class with no row).</summary>
        private static double[] ClassLosses(double[] z, int[] y) =>
            Enumerable.Range(0, Classes).Select(c => y.Contains(c)
                ? Enumerable.Range(0, y.Length).Where(r => y[r] == c).Average(r => CrossEntropy(Row(z, r), c))
                : 0.0).ToArray();

        /// <summary>q after one update from uniform on <paramref name="logits"/>: q_c proportional to exp(eta L_c); the loss sum_c q_c L_c with q held there.</summary>
        public static Func<double[], double> FreezeGroupDro(double[] logits, int[] y, double eta)
        {
            var raised = ClassLosses(logits, y).Select(l => Math.Exp(eta * l)).ToArray();
            var q = raised.Select(v => v / raised.Sum()).ToArray();
            return z => ClassLosses(z, y).Select((l, c) => q[c] * l).Sum();
        }
    }
}

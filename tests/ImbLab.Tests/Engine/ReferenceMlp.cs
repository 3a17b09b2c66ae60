using ImbLab.Engine;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Engine;

/// <summary>A deliberately plain float64 MLP (forward, loss, backprop) to hold the float32 engine against.</summary>
internal sealed class ReferenceMlp
{
    private readonly MlpShape _shape;

    public ReferenceMlp(MlpShape shape, double[] parameters)
    {
        _shape = shape;
        Parameters = parameters;
    }

    public double[] Parameters { get; }

    public static ReferenceMlp From(Mlp model)
    {
        var p = new float[model.ParameterCount];
        model.CopyParameters(p);
        return new ReferenceMlp(model.Shape, p.Select(v => (double)v).ToArray());
    }

    private (int W, int B) Offsets(int layer)
    {
        var at = 0;
        for (var l = 0; l < layer; l++) at += _shape.LayerOutputs(l) * (_shape.LayerInputs(l) + 1);
        return (at, at + _shape.LayerOutputs(layer) * _shape.LayerInputs(layer));
    }

    /// <summary>Pre-activations and outputs of every layer for one row.</summary>
    private (double[][] Pre, double[][] Post) Forward(ReadOnlySpan<float> x)
    {
        var layers = _shape.LayerCount;
        var pre = new double[layers][];
        var post = new double[layers][];
        var input = x.ToArray().Select(v => (double)v).ToArray();
        for (var l = 0; l < layers; l++)
        {
            var (wo, bo) = Offsets(l);
            int nIn = _shape.LayerInputs(l), nOut = _shape.LayerOutputs(l);
            pre[l] = new double[nOut];
            post[l] = new double[nOut];
            for (var o = 0; o < nOut; o++)
            {
                var s = Parameters[bo + o];
                for (var i = 0; i < nIn; i++) s += Parameters[wo + o * nIn + i] * input[i];
                pre[l][o] = s;
                post[l][o] = l == layers - 1 ? s : _shape.Activation == Activation.Relu ? Math.Max(0, s) : Math.Tanh(s);
            }
            input = post[l];
        }
        return (pre, post);
    }

    public double[] Logits(ReadOnlySpan<float> x, int rows)
    {
        var k = _shape.Classes;
        var result = new double[rows * k];
        for (var r = 0; r < rows; r++) Forward(x.Slice(r * _shape.Inputs, _shape.Inputs)).Post[^1].CopyTo(result, r * k);
        return result;
    }

    /// <summary>Hidden layer <paramref name="layer"/>'s output after its activation, rows x Hidden[layer].</summary>
    public double[] Hidden(ReadOnlySpan<float> x, int rows, int layer)
    {
        var width = _shape.Hidden[layer];
        var result = new double[rows * width];
        for (var r = 0; r < rows; r++) Forward(x.Slice(r * _shape.Inputs, _shape.Inputs)).Post[layer].CopyTo(result, r * width);
        return result;
    }

    /// <summary>The smallest |pre-activation| of any hidden unit over the batch: how far the batch is from a relu kink.</summary>
    public double KinkMargin(ReadOnlySpan<float> x, int rows)
    {
        var margin = double.PositiveInfinity;
        for (var r = 0; r < rows; r++)
        {
            var pre = Forward(x.Slice(r * _shape.Inputs, _shape.Inputs)).Pre;
            for (var l = 0; l < pre.Length - 1; l++) margin = Math.Min(margin, pre[l].Min(Math.Abs));
        }
        return margin;
    }

    public double Loss(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int rows)
    {
        double total = 0;
        for (var r = 0; r < rows; r++)
        {
            var z = Forward(x.Slice(r * _shape.Inputs, _shape.Inputs)).Post[^1];
            var max = z.Max();
            total += Math.Log(z.Sum(v => Math.Exp(v - max))) + max - z[y[r]];
        }
        return total / rows;
    }

    public double[] Gradient(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int rows)
    {
        var grad = new double[Parameters.Length];
        var layers = _shape.LayerCount;
        for (var r = 0; r < rows; r++)
        {
            var row = x.Slice(r * _shape.Inputs, _shape.Inputs).ToArray().Select(v => (double)v).ToArray();
            var (pre, post) = Forward(x.Slice(r * _shape.Inputs, _shape.Inputs));
            var z = post[^1];
            var max = z.Max();
            var sum = z.Sum(v => Math.Exp(v - max));
            var label = y[r];
            var delta = z.Select((v, c) => (Math.Exp(v - max) / sum - (c == label ? 1 : 0)) / rows).ToArray();
            for (var l = layers - 1; l >= 0; l--)
            {
                var (wo, bo) = Offsets(l);
                int nIn = _shape.LayerInputs(l), nOut = _shape.LayerOutputs(l);
                var input = l == 0 ? row : post[l - 1];
                var back = new double[nIn];
                for (var o = 0; o < nOut; o++)
                {
                    grad[bo + o] += delta[o];
                    for (var i = 0; i < nIn; i++)
                    {
                        grad[wo + o * nIn + i] += delta[o] * input[i];
                        back[i] += delta[o] * Parameters[wo + o * nIn + i];
                    }
                }
                if (l == 0) break;
                for (var i = 0; i < nIn; i++)
                    back[i] *= _shape.Activation == Activation.Relu ? (pre[l - 1][i] > 0 ? 1 : 0) : 1 - post[l - 1][i] * post[l - 1][i];
                delta = back;
            }
        }
        return grad;
    }

    /// <summary>Central finite differences of any loss of the batch's logits (rows x classes, float64), all in float64.</summary>
    public double[] FiniteDifferenceGradient(ReadOnlySpan<float> x, int rows, Func<double[], double> loss, double h = 1e-6)
    {
        var grad = new double[Parameters.Length];
        for (var i = 0; i < Parameters.Length; i++)
        {
            var keep = Parameters[i];
            Parameters[i] = keep + h;
            var up = loss(Logits(x, rows));
            Parameters[i] = keep - h;
            var down = loss(Logits(x, rows));
            Parameters[i] = keep;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    /// <summary>Central finite differences of <see cref="Loss"/>, all in float64.</summary>
    public double[] FiniteDifferenceGradient(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int rows, double h = 1e-6)
    {
        var grad = new double[Parameters.Length];
        for (var i = 0; i < Parameters.Length; i++)
        {
            var keep = Parameters[i];
            Parameters[i] = keep + h;
            var up = Loss(x, y, rows);
            Parameters[i] = keep - h;
            var down = Loss(x, y, rows);
            Parameters[i] = keep;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }
}

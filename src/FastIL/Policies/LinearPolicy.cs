namespace FastIL.Policies;

/// <summary>The output layer of a policy.</summary>
public enum PolicyKind
{
    /// <summary>Two actions: P(a = 1 | s) = σ(w·φ + b); one weight row.</summary>
    Logistic,
    /// <summary>K actions: P(a | s) = softmax(W·φ + b); K weight rows (full parametrization, as scikit-learn).</summary>
    Softmax,
    /// <summary>One continuous output a = w·φ + b (a deterministic policy, or a Gaussian's mean), fitted by mean squared error.</summary>
    Linear,
}

/// <summary>
/// A policy linear in its parameters: a = f(W·φ(z) + b) with z = (s − mean) / std when standardization is on.
/// Weights are row-major, <see cref="Rows"/> × <see cref="FeatureDim"/>.
/// </summary>
public sealed class LinearPolicy
{
    /// <summary>Creates a policy with zero weights.</summary>
    public LinearPolicy(PolicyKind kind, int numActions, FeatureMap features, string[] inputNames, bool standardize)
    {
        if (kind == PolicyKind.Logistic && numActions != 2) throw new ArgumentException("a logistic policy has exactly 2 actions");
        if (kind == PolicyKind.Softmax && numActions < 2) throw new ArgumentException("a softmax policy needs at least 2 actions");
        if (standardize && features.Kind == FeatureKind.Coarse) throw new ArgumentException("coarse features read the raw observation (its cell is ⌊s₀⌋ mod M): turn standardization off");
        if (inputNames.Length != features.InputDim) throw new ArgumentException($"{inputNames.Length} input names for a feature map of input dimension {features.InputDim}");
        Kind = kind;
        NumActions = kind == PolicyKind.Linear ? 0 : numActions;
        Features = features;
        InputNames = inputNames;
        Standardize = standardize;
        Mean = new double[features.InputDim];
        Std = new double[features.InputDim];
        Array.Fill(Std, 1.0);
        Rows = kind == PolicyKind.Softmax ? numActions : 1;
        Weights = new double[Rows * features.OutputDim];
        Bias = new double[Rows];
    }

    /// <summary>Output layer.</summary>
    public PolicyKind Kind { get; }
    /// <summary>Number of discrete actions (0 for a linear, continuous policy).</summary>
    public int NumActions { get; }
    /// <summary>The feature map.</summary>
    public FeatureMap Features { get; }
    /// <summary>Names of the inputs (observation components or CSV columns), in order.</summary>
    public string[] InputNames { get; }
    /// <summary>Whether inputs are standardized by <see cref="Mean"/> and <see cref="Std"/> before the feature map.</summary>
    public bool Standardize { get; }
    /// <summary>Input means (used when <see cref="Standardize"/>).</summary>
    public double[] Mean { get; }
    /// <summary>Input standard deviations (1 where the data had none).</summary>
    public double[] Std { get; }
    /// <summary>Weight rows: K for softmax, 1 otherwise.</summary>
    public int Rows { get; }
    /// <summary>Input dimension.</summary>
    public int InputDim => Features.InputDim;
    /// <summary>Feature dimension.</summary>
    public int FeatureDim => Features.OutputDim;
    /// <summary>Row-major weights, Rows × FeatureDim.</summary>
    public double[] Weights { get; }
    /// <summary>Biases, one per row.</summary>
    public double[] Bias { get; }
    /// <summary>Number of trainable parameters (weights and biases).</summary>
    public int ParameterCount => Weights.Length + Bias.Length;

    /// <summary>The scalar reference: logits (or the continuous output) of one input vector, in double.</summary>
    public void Logits(ReadOnlySpan<double> input, Span<double> logits)
    {
        var z = new double[InputDim][];
        for (int j = 0; j < InputDim; j++) z[j] = [Standardize ? (input[j] - Mean[j]) / Std[j] : input[j]];
        var phi = new double[FeatureDim][];
        for (int k = 0; k < FeatureDim; k++) phi[k] = new double[1];
        Features.Apply<double>(z, phi, 0, 1);
        for (int r = 0; r < Rows; r++)
        {
            double v = Bias[r];
            for (int k = 0; k < FeatureDim; k++) v += Weights[r * FeatureDim + k] * phi[k][0];
            logits[r] = v;
        }
    }

    /// <summary>The scalar reference: action probabilities of one input (stable softmax / sigmoid).</summary>
    public void Probabilities(ReadOnlySpan<double> input, Span<double> probs)
    {
        if (Kind == PolicyKind.Linear) throw new InvalidOperationException("a linear policy has no action probabilities");
        Span<double> l = stackalloc double[Rows];
        Logits(input, l);
        if (Kind == PolicyKind.Logistic)
        {
            double p1 = l[0] >= 0 ? 1 / (1 + Math.Exp(-l[0])) : Math.Exp(l[0]) / (1 + Math.Exp(l[0]));
            probs[0] = 1 - p1; probs[1] = p1;
            return;
        }
        double m = double.NegativeInfinity;
        foreach (double v in l) m = Math.Max(m, v);
        double s = 0;
        for (int c = 0; c < Rows; c++) { probs[c] = Math.Exp(l[c] - m); s += probs[c]; }
        for (int c = 0; c < Rows; c++) probs[c] /= s;
    }

    /// <summary>A copy with the same map, standardization and parameters.</summary>
    public LinearPolicy Clone()
    {
        var p = new LinearPolicy(Kind, Kind == PolicyKind.Linear ? 0 : NumActions, Features, InputNames, Standardize);
        Mean.CopyTo(p.Mean); Std.CopyTo(p.Std); Weights.CopyTo(p.Weights); Bias.CopyTo(p.Bias);
        return p;
    }

    /// <summary>Copies parameters and standardization from a policy of the same shape (no allocation).</summary>
    public void CopyFrom(LinearPolicy other)
    {
        if (other.Weights.Length != Weights.Length || other.InputDim != InputDim) throw new ArgumentException("policy shapes differ");
        other.Mean.CopyTo(Mean); other.Std.CopyTo(Std); other.Weights.CopyTo(Weights); other.Bias.CopyTo(Bias);
    }
}

namespace FastIL.Learning;

/// <summary>A twice-differentiable objective over p parameters, as the solvers see it (the trainer is one).</summary>
internal interface IObjective
{
    /// <summary>f(x); its gradient into <paramref name="g"/>.</summary>
    double Value(double[] x, double[] g);
    /// <summary>f(x); its gradient into <paramref name="g"/> and its Hessian into <see cref="Hessian"/>.</summary>
    double ValueWithHessian(double[] x, double[] g);
    /// <summary>The Hessian (p×p, row-major) of the last <see cref="ValueWithHessian"/> call.</summary>
    ReadOnlySpan<double> Hessian { get; }
}

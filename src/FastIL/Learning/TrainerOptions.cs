namespace FastIL.Learning;

/// <summary>How the parameters are found.</summary>
public enum Solver
{
    /// <summary>
    /// Cholesky for linear policies; Newton for discrete policies with at most <see cref="TrainerOptions.NewtonMaxParameters"/>
    /// parameters and no entropy bonus (a few passes instead of dozens); L-BFGS otherwise.
    /// </summary>
    Auto,
    /// <summary>Full-batch limited-memory BFGS with an Armijo backtracking line search (deterministic).</summary>
    Lbfgs,
    /// <summary>Closed-form ridge regression by Cholesky (linear policies only).</summary>
    Cholesky,
    /// <summary>Damped Newton with the exact Hessian and an Armijo line search (discrete policies, no entropy bonus).</summary>
    Newton,
    /// <summary>
    /// Minibatch Adam for data sets too large for full-batch passes: each step uses one 4096-row block, blocks in a
    /// seeded shuffled order per epoch; stops at the gradient tolerance (checked once per epoch) or after
    /// <see cref="TrainerOptions.Epochs"/> epochs. Deterministic for any thread count.
    /// </summary>
    Adam,
}

/// <summary>Options of <see cref="Trainer"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>λ in (λ/2)·‖W‖² (biases are not penalized). scikit-learn's C corresponds to λ = 1/(C·n).</summary>
    public double L2 { get; init; }
    /// <summary>Entropy bonus weight (imitation's <c>ent_weight</c>): the objective subtracts ent_weight · mean entropy.</summary>
    public double EntropyWeight { get; init; }
    /// <summary>Solver (default: Cholesky for linear policies, L-BFGS otherwise).</summary>
    public Solver Solver { get; init; } = Solver.Auto;
    /// <summary>Stop when the Euclidean norm of the objective's gradient is at most this.</summary>
    public double GradientTolerance { get; init; } = 1e-7;
    /// <summary>Iteration limit of L-BFGS.</summary>
    public int MaxIterations { get; init; } = 2000;
    /// <summary>Largest parameter count for which <see cref="Solver.Auto"/> picks Newton.</summary>
    public int NewtonMaxParameters { get; init; } = 32;
    /// <summary>Adam: passes over the data.</summary>
    public int Epochs { get; init; } = 50;
    /// <summary>Adam: step size.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Adam: seed of the minibatch order.</summary>
    public ulong Seed { get; init; }
    /// <summary>Pairs kept by L-BFGS.</summary>
    public int LbfgsMemory { get; init; } = 10;
    /// <summary>Threads for the gradient passes (results are identical for any count).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>
    /// Use the plain scalar reference of the gradient kernel instead of the SIMD one (for tests and benchmarks;
    /// agrees with the SIMD kernel to rounding).
    /// </summary>
    public bool ScalarReference { get; init; }
    /// <summary>Forces the scalar path of the Hessian kernel (tests compare it with the Vector256 path).</summary>
    internal bool ScalarHessian { get; init; }
    /// <summary>
    /// Builds the double design matrix even where the two-class kernel reads the data set's float32 columns directly
    /// (tests check that both give the same bits).
    /// </summary>
    internal bool DesignMatrix { get; init; }
    /// <summary>
    /// Runs the two-class kernel's general loops (four sums per pass over the scratch) even for up to four features,
    /// where it otherwise keeps every sum in registers (tests check that both give the same bits).
    /// </summary>
    internal bool GeneralSums { get; init; }
    /// <summary>
    /// Runs the two-class kernel's eight lanes, and the ridge's normal-matrix tiles, as two Vector256 halves even where
    /// Vector512 is accelerated, as machines without it do (tests check that both give the same bits).
    /// </summary>
    internal bool NarrowVectors { get; init; }
    /// <summary>
    /// Lets a Newton fit of at least 64 blocks (256K rows) start from the solution on a sixteenth of the rows (a slice
    /// of every block; on by default, tests turn it off to compare). The fit still ends on all rows at
    /// <see cref="GradientTolerance"/>.
    /// </summary>
    internal bool SubsampleWarmup { get; init; } = true;
    /// <summary>Turns off the two-class kernel's software prefetch (`TrainerScaleBench` measures what it is worth).</summary>
    internal bool NoPrefetch { get; init; }
    /// <summary>
    /// Computes the Hessian at every Newton step, also at a final one predicted not to need it (`TrainerScaleBench`
    /// measures what skipping it is worth; the iterates are the same either way).
    /// </summary>
    internal bool FullFinalHessian { get; init; }
}

/// <summary>The outcome of one fit.</summary>
/// <param name="Objective">Final objective (mean loss + (λ/2)‖W‖² − ent_weight·mean entropy).</param>
/// <param name="Iterations">Solver iterations (Cholesky: 1).</param>
/// <param name="GradientNorm">Euclidean norm of the objective's gradient at the solution.</param>
/// <param name="Converged">Whether the gradient tolerance was met.</param>
/// <param name="Accuracy">Training accuracy of the greedy action (discrete policies; NaN otherwise).</param>
/// <param name="MeanSquaredError">Training mean squared error (linear policies; NaN otherwise).</param>
public readonly record struct FitResult(double Objective, int Iterations, double GradientNorm, bool Converged, double Accuracy, double MeanSquaredError);

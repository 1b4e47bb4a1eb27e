namespace FastIL.Learning;

/// <summary>
/// An objective that is a weighted mean over fixed blocks of rows, so a stochastic solver can step on one block at a
/// time (the trainer is one: its blocks are <see cref="Trainer.BlockRows"/> rows each).
/// </summary>
internal interface IBlockObjective : IObjective
{
    /// <summary>The number of blocks.</summary>
    int Blocks { get; }

    /// <summary>
    /// The minibatch gradient of block <paramref name="block"/> at <paramref name="x"/> into <paramref name="g"/> (the
    /// block's weighted mean loss gradient plus the penalty's); false, and <paramref name="g"/> unspecified, when the
    /// block carries no weight.
    /// </summary>
    bool BlockGradient(double[] x, int block, Span<double> g);
}

namespace FastIL.Algorithms;

/// <summary>Statistics of E evaluation episodes of a policy acting alone.</summary>
/// <param name="Episodes">Number of episodes.</param>
/// <param name="ReturnMean">Mean return.</param>
/// <param name="ReturnStd">Standard deviation of the return (population).</param>
/// <param name="ReturnMin">Smallest return.</param>
/// <param name="ReturnMax">Largest return.</param>
/// <param name="LengthMean">Mean episode length.</param>
/// <param name="Disagreement">
/// ε on the policy's own states: the fraction of visited states where the policy's action differs from the
/// expert's (discrete), or the mean absolute difference of the clipped actions (continuous). NaN without an expert.
/// </param>
/// <param name="EnvSteps">Environment steps taken.</param>
public readonly record struct EvaluationResult(int Episodes, double ReturnMean, double ReturnStd, double ReturnMin, double ReturnMax, double LengthMean, double Disagreement, long EnvSteps);

namespace FastIL.Envs;

/// <summary>How Gymnasium registers an env id (what Minari writes into a dataset's <c>env_spec</c>).</summary>
/// <param name="EntryPoint">The env class, <c>module:Class</c>.</param>
/// <param name="VectorEntryPoint">The vectorized env class, or empty.</param>
/// <param name="RewardThreshold">The return at which the task counts as solved, if Gymnasium names one.</param>
public sealed record GymnasiumRegistration(string EntryPoint, string VectorEntryPoint, double? RewardThreshold);

using System.Runtime.CompilerServices;
using FastIL.Experts;
using FastIL.Policies;

namespace FastIL.Envs.Tabular;

/// <summary>
/// DriftRing's expert, a function of the observation (position, off_road): the road's turn on the road, the
/// recovery action in the ditch. It knows the hazards, which a coarse learner cannot see.
/// </summary>
public sealed class DriftRingExpert(DriftRing mdp) : DiscreteExpert
{
    /// <inheritdoc/>
    public override string Name => "builtin DriftRing expert";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Act(IColumnSource observations, Span<int> actions)
    {
        ReadOnlySpan<float> pos = observations.Column(0), off = observations.Column(1);
        int n = mdp.Positions;
        for (int r = 0; r < observations.RowCount; r++)
        {
            float p = pos[r], o = off[r];
            // Observations come from the env or from files: anything that is not a state is refused, never guessed.
            if (!(p >= 0 && p < n && p == MathF.Floor(p)) || o is not (0f or 1f))
                throw new ArgumentException($"{DriftRing.Id} expert: row {r} is not a state (position {p}, off_road {o}); expected a whole position in [0, {n - 1}] and off_road 0 or 1");
            actions[r] = mdp.ExpertAction((int)p, o == 1f);
        }
    }
}

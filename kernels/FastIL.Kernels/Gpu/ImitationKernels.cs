using System.Runtime.CompilerServices;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Random;
using ILGPU;

namespace FastIL.Kernels.Gpu;

/// <summary>What a kernel needs to know of an env: its float32 reset box, time limit and the batch's seed.</summary>
public struct LaneEnv
{
    /// <summary>Reset lower bounds of state variables 0–3.</summary>
    public float Lo0, Lo1, Lo2, Lo3;
    /// <summary>Reset spans (high − low) of state variables 0–3.</summary>
    public float Span0, Span1, Span2, Span3;
    /// <summary>Time limit (steps); episodes are truncated when they reach it.</summary>
    public int MaxSteps;
    /// <summary><c>ResetDraw.SeedMix(seed)</c> of the batch's reset seed.</summary>
    public ulong SeedMix;
    /// <summary>Global index of lane 0.</summary>
    public long FirstLane;
    /// <summary>1 for discrete actions (the action is an index), 0 for continuous.</summary>
    public int Discrete;
    /// <summary>Continuous action bounds (for the disagreement measure).</summary>
    public float ActionLow, ActionHigh;
}

/// <summary>How a DAgger rollout mixes expert and policy (as <c>ImitationRunner</c> does on the CPU).</summary>
public struct LaneMix
{
    /// <summary>The run's seed.</summary>
    public ulong Seed;
    /// <summary>The DAgger iteration (1-based).</summary>
    public int Iteration;
    /// <summary>β_i.</summary>
    public double Beta;
    /// <summary>1: per trajectory (the lane's draw decides once), 0: per step.</summary>
    public int PerTrajectory;
}

/// <summary>
/// The ILGPU kernels: one thread per lane, the lane's whole episode in registers, calling the same dynamics
/// (<see cref="IEnvDynamics"/>), expert rules (<see cref="IExpertRule"/>) and policy arithmetic (<see cref="LanePolicy"/>)
/// as the CPU paths, over <see cref="G32"/> lanes. Results are bit-identical to the SIMD path for the same seed.
/// </summary>
public static class ImitationKernels
{
    /// <summary>The mixing stream of <c>ImitationRunner</c> (β draws).</summary>
    public const ulong MixStream = 0x3141UL;

    /// <summary>Lane <paramref name="lane"/>'s state at the start of episode <paramref name="episode"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EnvState<G32> Reset<TDyn>(in LaneEnv env, long lane, long episode) where TDyn : struct, IEnvDynamics
    {
        ulong key = ResetDraw.Key(env.SeedMix, env.FirstLane + lane, episode);
        ulong b0 = ResetDraw.Bits(key, 0);
        EnvState<G32> s = default;
        s.S0 = new G32(Ieee.Add(env.Lo0, Ieee.Mul(env.Span0, ResetDraw.Uniform(b0, 0))));
        s.S1 = new G32(Ieee.Add(env.Lo1, Ieee.Mul(env.Span1, ResetDraw.Uniform(b0, 1))));
        if (TDyn.StateSize > 2)
        {
            ulong b1 = ResetDraw.Bits(key, 1);
            s.S2 = new G32(Ieee.Add(env.Lo2, Ieee.Mul(env.Span2, ResetDraw.Uniform(b1, 2))));
            s.S3 = new G32(Ieee.Add(env.Lo3, Ieee.Mul(env.Span3, ResetDraw.Uniform(b1, 3))));
        }
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ObsComponent(in EnvObs<G32> o, int j) => j switch { 0 => o.O0.V, 1 => o.O1.V, 2 => o.O2.V, 3 => o.O3.V, 4 => o.O4.V, _ => o.O5.V };

    /// <summary>
    /// One DAgger iteration's rollout, fused: per step observe → expert label → policy action (when β &lt; 1) → β-mix →
    /// env step, recording (observation, expert label) until the episode ends. Observations go to
    /// <paramref name="obs"/>[(t·D + j)·M + lane], labels to <paramref name="labels"/>[t·M + lane], the episode length to
    /// <paramref name="lengths"/>[lane].
    /// </summary>
    public static void Rollout<TDyn, TRule>(Index1D lane, LaneEnv env, LanePolicy policy, LaneMix mix,
        ArrayView<float> obs, ArrayView<float> labels, ArrayView<int> lengths)
        where TDyn : struct, IEnvDynamics where TRule : struct, IExpertRule
    {
        int m = (int)lengths.Length, d = TDyn.ObservationSize;
        EnvState<G32> s = Reset<TDyn>(env, lane, 0);
        bool needPolicy = mix.Beta < 1.0;
        bool expertLane = CounterRng.Uniform(mix.Seed, MixStream, (ulong)mix.Iteration, (ulong)(long)(int)lane) < mix.Beta;
        int t = 0;
        for (; t < env.MaxSteps; t++)
        {
            TDyn.Observe(in s, out EnvObs<G32> o);
            float expert = TRule.Act(in o).V;
            for (int j = 0; j < d; j++) obs[((long)t * d + j) * m + lane] = ObsComponent(o, j);
            labels[(long)t * m + lane] = expert;
            bool useExpert = !needPolicy || (mix.PerTrajectory != 0
                ? expertLane
                : mix.Beta > 0 && CounterRng.Uniform(mix.Seed, ((ulong)mix.Iteration << 32) | (uint)t, MixStream, (ulong)(long)(int)lane) < mix.Beta);
            float action = useExpert ? expert : policy.Act(in o);
            TDyn.Step(ref s, new G32(action), out G32 _, out G32 terminated);
            if (terminated.V != 0) { t++; break; }
        }
        lengths[lane] = t;
    }

    /// <summary>
    /// Fused evaluation: one episode per lane acting with the greedy policy (or the expert when
    /// <paramref name="actorIsExpert"/> is 1), the state in registers; writes only the return (float32 sums, as the
    /// CPU columns), the length and the lane's disagreement with the expert (count, or Σ|clip(a) − clip(e)|).
    /// </summary>
    public static void Evaluate<TDyn, TRule>(Index1D lane, LaneEnv env, LanePolicy policy, int actorIsExpert, int withExpert,
        ArrayView<float> returns, ArrayView<int> lengths, ArrayView<double> disagreement)
        where TDyn : struct, IEnvDynamics where TRule : struct, IExpertRule
    {
        EnvState<G32> s = Reset<TDyn>(env, lane, 0);
        G32 g = new(0f);
        double dis = 0;
        int t = 0;
        for (; t < env.MaxSteps; t++)
        {
            TDyn.Observe(in s, out EnvObs<G32> o);
            float expert = actorIsExpert != 0 || withExpert != 0 ? TRule.Act(in o).V : 0f;
            float action = actorIsExpert != 0 ? expert : policy.Act(in o);
            if (withExpert != 0)
            {
                if (env.Discrete != 0) dis = Ieee.Add(dis, action != expert ? 1.0 : 0.0);
                else dis = Ieee.Add(dis, (double)MathF.Abs(Ieee.Sub(Clamp(action, env.ActionLow, env.ActionHigh), Clamp(expert, env.ActionLow, env.ActionHigh))));
            }
            TDyn.Step(ref s, new G32(action), out G32 r, out G32 terminated);
            g = g + r;
            if (terminated.V != 0) { t++; break; }
        }
        returns[lane] = g.V;
        lengths[lane] = t;
        disagreement[lane] = dis;
    }

    /// <summary>Math.Clamp's semantics: NaN passes through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Clamp(float x, float lo, float hi) => x < lo ? lo : x > hi ? hi : x;

    /// <summary>
    /// The plain batched step of <c>env bench</c>: <paramref name="steps"/> steps per lane with next-step auto-reset and
    /// the time limit, actions drawn from eight pre-drawn sets (as the CPU benchmark), the lane's state, elapsed
    /// steps and episode count kept in device memory between launches.
    /// </summary>
    public static void Step<TDyn>(Index1D lane, LaneEnv env, int steps, int firstStep, int actionCount, float actionLow, float actionHigh,
        ArrayView<float> state, ArrayView<int> elapsed, ArrayView<int> episodes)
        where TDyn : struct, IEnvDynamics
    {
        int n = (int)elapsed.Length;
        EnvState<G32> s = default;
        s.S0 = new G32(state[lane]);
        s.S1 = new G32(state[n + lane]);
        s.S2 = new G32(state[2 * n + lane]);
        s.S3 = new G32(state[3 * n + lane]);
        int e = elapsed[lane], ep = episodes[lane];
        for (int k = 0; k < steps; k++)
        {
            if (e < 0)
            {
                // The lane ended last step: this step resets it (Gymnasium's next-step auto-reset).
                s = Reset<TDyn>(env, lane, ep);
                e = 0;
                continue;
            }
            double u = CounterRng.Uniform(12345, (ulong)(long)(int)lane, (ulong)((firstStep + k) & 7), 99);
            float a = actionCount > 0 ? MathF.Min(actionCount - 1, (int)(u * actionCount)) : (float)(actionLow + (actionHigh - actionLow) * u);
            TDyn.Step(ref s, new G32(a), out G32 _, out G32 terminated);
            e++;
            if (terminated.V != 0 || e >= env.MaxSteps) { e = -1; ep++; }
        }
        state[lane] = s.S0.V; state[n + lane] = s.S1.V; state[2 * n + lane] = s.S2.V; state[3 * n + lane] = s.S3.V;
        elapsed[lane] = e;
        episodes[lane] = ep;
    }

    /// <summary>Batched greedy inference: row i's action from observation columns <paramref name="obs"/>[j·N + i].</summary>
    public static void Act(Index1D row, LanePolicy policy, ArrayView<float> obs, ArrayView<float> actions)
    {
        int n = (int)actions.Length;
        EnvObs<G32> o = default;
        int d = policy.InputDim;
        o.O0 = new G32(obs[row]);
        if (d > 1) o.O1 = new G32(obs[n + row]);
        if (d > 2) o.O2 = new G32(obs[2 * n + row]);
        if (d > 3) o.O3 = new G32(obs[3 * n + row]);
        if (d > 4) o.O4 = new G32(obs[4 * n + row]);
        if (d > 5) o.O5 = new G32(obs[5 * n + row]);
        actions[row] = policy.Act(in o);
    }
}

using FastIL.Envs.Tabular;
using FastIL.Random;
using FastIL.Theory;
using Xunit;

namespace FastIL.Tests.Theory;

public class ExactEvaluationTests
{
    /// <summary>
    /// Two states: in state 0 (reward 1) action 0 stays, action 1 leaves for the absorbing state 1 (reward 0) with
    /// probability ½. The expert always plays 0; the policy plays 1 in state 0. Everything has a closed form.
    /// </summary>
    private static FiniteMdp CoinMdp()
    {
        var b = new FiniteMdp.Builder(2, 2);
        b.Add(0, 0, 0, 1.0);
        b.Add(0, 1, 0, 0.5); b.Add(0, 1, 1, 0.5);
        b.Add(1, 0, 1, 1.0);
        b.Add(1, 1, 1, 1.0);
        b.SetReward(0, 0, 1); b.SetReward(0, 1, 1);
        b.SetInitial(0, 1.0);
        return b.Build();
    }

    [Fact]
    public void Forward_CoinMdp_MatchesClosedForms()
    {
        var mdp = CoinMdp();
        int[] expert = [0, 0], policy = [1, 0];
        const int h = 4;
        var star = ExactEvaluation.Forward(mdp, expert, expert, h);
        Assert.Equal(h, star.Value, 12);
        Assert.Equal(0, star.Disagreement);
        // The policy stays in state 0 with probability 2^-t at step t.
        double v = 2 * (1 - Math.Pow(0.5, h));
        var own = ExactEvaluation.Forward(mdp, policy, expert, h);
        Assert.Equal(v, own.Value, 12);
        Assert.Equal(v / h, own.Disagreement, 12);
        Assert.Equal(1.0, ExactEvaluation.Forward(mdp, expert, policy, h).Disagreement, 12);
        // u at t = 0: V*_0(0) − Q*_0(0, 1) = H − (1 + ½(H − 1)).
        Assert.Equal(0.5 * (h - 1), ExactEvaluation.Recoverability(mdp, expert, h), 12);
    }

    [Fact]
    public void Builder_RejectsRowsThatDoNotSumToOne_AndOutOfOrderRows()
    {
        var b = new FiniteMdp.Builder(2, 1);
        b.Add(0, 0, 1, 0.7);
        b.Add(1, 0, 1, 1.0);
        Assert.Contains("sum to 0.7", Assert.Throws<ArgumentException>(b.Build).Message);
        var c = new FiniteMdp.Builder(2, 1);
        c.Add(1, 0, 0, 1.0);
        Assert.Throws<ArgumentException>(() => c.Add(0, 0, 0, 1.0));
    }

    /// <summary>
    /// The chapter's theorem (gap ≤ H²ε, ε on the expert's states) and the performance-difference bound (gap ≤
    /// u·H·ε_own) hold for any policy: checked on random action tables of slippery rings, where neither is tight.
    /// </summary>
    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.1, 5)]
    [InlineData(0.5, 20)]
    [InlineData(0.02, 64)]
    public void Bounds_HoldForRandomPolicies(double slip, int horizon)
    {
        var ring = new DriftRing(new DriftRingParameters { Positions = 64, Period = 4, Hazards = 4, Slip = slip });
        var mdp = ring.ToFiniteMdp();
        int[] expert = ring.ExpertTable();
        double u = ExactEvaluation.Recoverability(mdp, expert, horizon);
        double vStar = ExactEvaluation.Forward(mdp, expert, expert, horizon).Value;
        for (ulong trial = 0; trial < 50; trial++)
        {
            // Policies that copy the expert except with probability q per state: from nearly right to random.
            double q = CounterRng.Uniform(trial, 1, 0, 0);
            var policy = new int[expert.Length];
            for (int s = 0; s < policy.Length; s++) policy[s] = CounterRng.Uniform(trial, 2, (ulong)s, 0) < q ? 1 - expert[s] : expert[s];
            double eps = ExactEvaluation.Forward(mdp, expert, policy, horizon).Disagreement;
            var own = ExactEvaluation.Forward(mdp, policy, expert, horizon);
            double gap = vStar - own.Value;
            Assert.True(gap <= (double)horizon * horizon * eps + 1e-9, $"trial {trial}: gap {gap} > H²ε = {horizon * horizon * eps}");
            Assert.True(gap <= u * horizon * own.Disagreement + 1e-9, $"trial {trial}: gap {gap} > uHε_own = {u * horizon * own.Disagreement}");
        }
    }
}

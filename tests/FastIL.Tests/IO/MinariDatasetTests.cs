using System.Text.Json;
using System.Text.Json.Nodes;
using FastIL.IO;
using FastIL.Tests.Cli;
using Xunit;

namespace FastIL.Tests.IO;

/// <summary>Datasets written by the real Minari library (Data/minari, copied from shared/minari with its README).</summary>
[Collection("cli")]
public class MinariDatasetTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Data", "minari");
    private static string CartPole => Path.Combine(Root, "cartpole", "expert-v0");
    private static string Mcc => Path.Combine(Root, "mountaincarcontinuous", "expert-v0");

    [Fact]
    public void CartPole_LoadsEveryEpisode_AndItsTransitionsAreTheEnvs()
    {
        var d = MinariDataset.Load(CartPole);
        Assert.Equal("cartpole/expert-v0", d.DatasetId);
        Assert.Equal("CartPole-v1", d.Env.Id);
        Assert.Equal(10, d.Episodes.Count);
        Assert.Equal(5000, d.TotalSteps);
        var e = d.Episodes[0];
        Assert.Equal(501, e.Observations.GetLength(0));
        Assert.True(e.Truncations[^1]);
        // Consecutive rows are real transitions: FastIL's float64 env steps each recorded (observation, action) to
        // the next recorded observation (float32 rounding of Gymnasium's float64 state).
        using var env = FastIL.Envs.EnvRegistry.Create("CartPole-v1", 1, new FastIL.Envs.EnvOptions { Precision = FastIL.Envs.Precision.Float64, AutoReset = FastIL.Envs.AutoResetMode.Disabled });
        var s = new double[4];
        for (int t = 0; t < 50; t++)
        {
            for (int j = 0; j < 4; j++) s[j] = e.Observations[t, j];
            env.SetState(0, s);
            env.StepDynamics([e.DiscreteActions![t]]);
            for (int j = 0; j < 4; j++) Assert.True(Math.Abs(env.Observation(j)[0] - e.Observations[t + 1, j]) <= 1e-5 * Math.Max(1, Math.Abs(e.Observations[t + 1, j])), $"t {t} j {j}");
        }
        var data = d.ToDataset();
        Assert.Equal(5000, data.Count);
        Assert.False(data.Continuous);
    }

    [Fact]
    public void Bc_OnTheMinariCartPoleDataset_ReachesTheExpert()
    {
        var (code, stdout, err) = CliRunner.Run("bc", "--dataset", CartPole, "--l2", "1e-8", "--eval-episodes", "300", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("CartPole-v1", doc.RootElement.GetProperty("env").GetString());
        Assert.Equal(5000, doc.RootElement.GetProperty("iterations")[0].GetProperty("dataset_size").GetInt32());
        Assert.Equal(500.0, doc.RootElement.GetProperty("final").GetProperty("eval_return_mean").GetDouble());
    }

    [Fact]
    public void ContinuousDatasets_Load_AndBcRuns()
    {
        var d = MinariDataset.Load(Mcc);
        Assert.Equal("MountainCarContinuous-v0", d.Env.Id);
        Assert.Equal(981, d.TotalSteps);
        Assert.NotNull(d.Episodes[0].ContinuousActions);
        var (code, stdout, err) = CliRunner.Run("bc", "--dataset", Mcc, "--eval-episodes", "50", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        Assert.True(doc.RootElement.GetProperty("final").GetProperty("eval_return_mean").GetDouble() > 0);
    }

    private static string CopyWithMetadata(Action<JsonObject> edit)
    {
        string dir = Path.Combine(CliRunner.TempDir(), "ds");
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        File.Copy(Path.Combine(CartPole, "data", "main_data.hdf5"), Path.Combine(dir, "data", "main_data.hdf5"));
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(CartPole, "data", "metadata.json")))!.AsObject();
        edit(meta);
        File.WriteAllText(Path.Combine(dir, "data", "metadata.json"), meta.ToJsonString());
        return dir;
    }

    [Theory]
    [InlineData("total_episodes", "11", "missing group 'episode_10'")]
    [InlineData("env_spec", "\"{\\\"id\\\": \\\"Humanoid-v4\\\"}\"", "field 'env_spec.id' is 'Humanoid-v4', an env FastIL does not have")]
    [InlineData("observation_space", "\"{\\\"type\\\": \\\"Box\\\", \\\"dtype\\\": \\\"float32\\\", \\\"shape\\\": [3]}\"", "field 'observation_space.shape' is [3]; CartPole-v1 needs [4]")]
    [InlineData("action_space", "\"{\\\"type\\\": \\\"Discrete\\\", \\\"n\\\": 3}\"", "Discrete(n=3, start=0); CartPole-v1 has Discrete(2)")]
    [InlineData("data_format", "\"arrow\"", "field 'data_format' is 'arrow'")]
    public void BadDatasets_AreErrorsNamingThePathAndField(string field, string json, string expected)
    {
        string dir = CopyWithMetadata(m => m[field] = JsonNode.Parse(json));
        var (code, _, err) = CliRunner.Run("bc", "--dataset", dir, "--quiet");
        Assert.Equal(1, code);
        Assert.Contains(expected, err);
        Assert.Contains(dir, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void EnvMismatch_AndOptionsThatDoNotApply_AreErrors()
    {
        var (code, _, err) = CliRunner.Run("bc", "--dataset", CartPole, "--env", "Acrobot-v1");
        Assert.Equal(1, code);
        Assert.Contains("env_spec names CartPole-v1, but --env is Acrobot-v1", err);
        (code, _, err) = CliRunner.Run("bc", "--dataset", CartPole, "--demos", "3");
        Assert.Equal(2, code);
        Assert.Contains("--demos does not apply with --dataset", err);
        (code, _, err) = CliRunner.Run("dagger", "--dataset", CartPole);
        Assert.Equal(2, code);
        Assert.Contains("unknown option --dataset", err);
        (code, _, err) = CliRunner.Run("bc", "--dataset", Path.Combine(Root, "nope"));
        Assert.Equal(1, code);
        Assert.Contains("no data/ directory", err);
    }
}

/// <summary><c>fastil demos</c>: an expert's episodes as a Minari dataset that reads back with the env's true transitions.</summary>
[Collection("cli")]
public class MinariDemosTests
{
    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void Demos_RoundTrip_WithTrueTransitions(string envId)
    {
        string root = Path.Combine(CliRunner.TempDir(), "datasets");
        var (code, stdout, err) = CliRunner.Run("demos", "--env", envId, "--episodes", "6", "--seed", "3", "--dataset-id", "test/demo-v1", "--out", root, "--quiet");
        Assert.True(code == 0, err);
        string dir = stdout.Trim();
        Assert.Equal(Path.Combine(root, "test", "demo-v1"), dir);
        Assert.True(File.Exists(Path.Combine(root, "test", "namespace_metadata.json")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(root, "test"), "*.tmp-*"));
        var d = MinariDataset.Load(dir);
        Assert.Equal(envId, d.Env.Id);
        Assert.Equal(6, d.Episodes.Count);
        // Every recorded transition is the env's: set the float32 env to row t, step with action t, get row t + 1.
        using var env = FastIL.Envs.EnvRegistry.Create(envId, 1, new FastIL.Envs.EnvOptions { AutoReset = FastIL.Envs.AutoResetMode.Disabled });
        foreach (var e in d.Episodes)
        {
            Assert.True(e.Terminations[^1] || e.Truncations[^1]);
            for (int t = 0; t < e.Steps; t++)
            {
                if (envId == "CartPole-v1")
                {
                    env.SetState(0, [e.Observations[t, 0], e.Observations[t, 1], e.Observations[t, 2], e.Observations[t, 3]]);
                    env.StepDynamics([e.DiscreteActions![t]]);
                    for (int j = 0; j < 4; j++) Assert.Equal(e.Observations[t + 1, j], env.Observation(j)[0]);
                    Assert.Equal(e.Rewards[t], env.Reward(0));
                }
                else Assert.InRange(e.ContinuousActions![t], -2f, 2f);
            }
        }
        (code, _, err) = CliRunner.Run("demos", "--env", envId, "--episodes", "2", "--dataset-id", "test/demo-v1", "--out", root, "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("exists already", err);
    }

    [Theory]
    [InlineData(new[] { "demos", "--env", "CartPole-v1", "--dataset-id", "no-version", "--out", "/tmp/x" }, "expected NAMESPACE/NAME-vN")]
    [InlineData(new[] { "demos", "--env", "DriftRing-v0", "--out", "/tmp/x" }, "is not a Gymnasium env")]
    [InlineData(new[] { "demos", "--env", "CartPole-v1", "--episodes", "0", "--out", "/tmp/x" }, "--episodes must be in")]
    [InlineData(new[] { "demos", "--env", "CartPole-v1", "--out", "" }, "--out needs a directory name")]
    public void Demos_BadOptions_AreUsageErrors(string[] args, string expected)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }
}

/// <summary><c>dagger --save-dataset</c>: DAgger's aggregate as a Minari dataset, taken actions and expert labels.</summary>
[Collection("cli")]
public class DaggerDatasetTests
{
    [Fact]
    public void SavedAggregate_HoldsTrueTransitions_AndTheExpertsLabels()
    {
        string root = Path.Combine(CliRunner.TempDir(), "datasets");
        var (code, stdout, err) = CliRunner.Run("dagger", "--eval-episodes", "100", "--save-dataset", root, "--dataset-id", "t/agg-v0", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var d = MinariDataset.Load(Path.Combine(root, "t", "agg-v0"));
        Assert.Equal(25, d.Episodes.Count);   // CartPole defaults: 5 iterations × 5 trajectories
        Assert.Equal(doc.RootElement.GetProperty("iterations")[4].GetProperty("dataset_size").GetInt32(), (int)d.TotalSteps);
        using var env = FastIL.Envs.EnvRegistry.Create("CartPole-v1", 1, new FastIL.Envs.EnvOptions { AutoReset = FastIL.Envs.AutoResetMode.Disabled });
        int differing = 0;
        foreach (var e in d.Episodes)
        {
            Assert.NotNull(e.ExpertLabels);
            for (int t = 0; t < e.Steps; t++)
            {
                env.SetState(0, [e.Observations[t, 0], e.Observations[t, 1], e.Observations[t, 2], e.Observations[t, 3]]);
                env.StepDynamics([e.DiscreteActions![t]]);
                for (int j = 0; j < 4; j++) Assert.Equal(e.Observations[t + 1, j], env.Observation(j)[0]);
                if (e.ExpertLabels![t] != e.DiscreteActions[t]) differing++;
            }
        }
        Assert.True(differing > 0, "DAgger's later iterations act with the policy: some taken actions differ from the labels");
        (code, stdout, err) = CliRunner.Run("bc", "--dataset", Path.Combine(root, "t", "agg-v0"), "--labels", "expert_action", "--eval-episodes", "200", "--json");
        Assert.True(code == 0, err);
        using var bc = JsonDocument.Parse(stdout);
        Assert.Equal(500.0, bc.RootElement.GetProperty("final").GetProperty("eval_return_mean").GetDouble());
    }

    [Theory]
    [InlineData(new[] { "dagger", "--save-dataset", "/tmp/fastil-never", "--device", "ilgpu-cpu" }, 2, "runs on the SIMD path")]
    [InlineData(new[] { "dagger", "--dataset-id", "a/b-v0" }, 2, "--dataset-id applies with --save-dataset only")]
    [InlineData(new[] { "dagger", "--save-dataset", "/tmp/fastil-never", "--dataset-id", "bad" }, 2, "expected NAMESPACE/NAME-vN")]
    [InlineData(new[] { "bc", "--labels", "expert_action" }, 2, "--labels applies with --dataset only")]
    public void DatasetOptions_Misused_AreClearErrors(string[] args, int exit, string expected)
    {
        var (code, _, err) = CliRunner.Run([.. args, "--quiet"]);
        Assert.Equal(exit, code);
        Assert.Contains(expected, err);
        Assert.False(Directory.Exists("/tmp/fastil-never/cartpole/fastil-dagger-v0"));
    }
}

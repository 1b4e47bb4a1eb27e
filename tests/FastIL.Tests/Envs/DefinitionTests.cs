using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Experts;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>Every env the registry lists is a complete definition: batches, expert, default run, Gymnasium's id.</summary>
public class DefinitionTests
{
    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var s in EnvRegistry.All) data.Add(s.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryRegisteredEnv_IsACompleteDefinition(string id)
    {
        EnvSpec spec = EnvRegistry.Get(id);
        Assert.Equal(spec.ObservationNames.Length, spec.ObservationLow.Length);
        Assert.Equal(spec.ObservationNames.Length, spec.ObservationHigh.Length);
        Assert.Equal(spec.StateNames.Length, spec.ResetLow.Length);
        Assert.Equal(spec.StateNames.Length, spec.ResetHigh.Length);
        using var env = EnvRegistry.Create(spec, 3);
        Assert.Equal(3, env.NumEnvs);
        IExpert expert = BuiltinExperts.For(spec, 3);
        Assert.Equal(spec.IsDiscrete, expert.IsDiscrete);
        ImitationConfig defaults = ImitationConfig.For(id);
        Assert.Equal(id, defaults.Env);
        Assert.Same(spec.Defaults, defaults);
        // The default run is valid for the env (action space, feature map, memory).
        ImitationRunner.Validate(defaults, spec);
        if (EnvRegistry.ClassicControl.Contains(spec))
        {
            Assert.NotNull(spec.Gymnasium);
            Assert.Contains("gymnasium.envs.classic_control", spec.Gymnasium!.EntryPoint);
            Assert.True(spec.HasSimdPaths);
        }
    }

    [Fact]
    public void Ids_AreUnique()
        => Assert.Equal(EnvRegistry.All.Count, EnvRegistry.All.Select(s => s.Id).Distinct().Count());
}

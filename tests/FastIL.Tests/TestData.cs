using FastIL.Cli.Infrastructure;

namespace FastIL.Tests;

/// <summary>Paths of the data shipped with the tests (copied from shared/refdata; see Data/refdata/README.md).</summary>
internal static class TestData
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Data");
    public static string RefCsv(string envId) => Path.Combine(Dir, "refdata", envId + ".csv");
    public static CsvTable Ref(string envId) => CsvTable.Read(RefCsv(envId));

    public static readonly string[] EnvIds = ["CartPole-v1", "MountainCar-v0", "Acrobot-v1", "Pendulum-v1", "MountainCarContinuous-v0"];
    public static IEnumerable<object[]> Envs() => EnvIds.Select(e => new object[] { e });
}

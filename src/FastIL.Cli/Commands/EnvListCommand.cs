using System.Text;
using FastIL.Algorithms;
using FastIL.Cli.Infrastructure;
using FastIL.Envs;
using FastIL.IO;

namespace FastIL.Cli.Commands;

/// <summary>
/// <c>fastil env list</c>: every registered env with its spaces, time limit, built-in expert and default BC/DAgger run,
/// read from the registry (one definition per env), as a table or one JSON document.
/// </summary>
internal static class EnvListCommand
{
    public static CliCommand Definition => new("env list",
        "Lists the envs: observation and action spaces, time limit, built-in expert, and the default learner and budget of dagger and bc.",
        [CommonOptions.Json], Run);

    private static int Run(OptionValues p)
    {
        if (p.Has("json"))
        {
            Console.WriteLine(JsonText.Build(w =>
            {
                w.WriteStartArray();
                foreach (var spec in EnvRegistry.All)
                {
                    var d = ImitationConfig.For(spec.Id);
                    w.WriteStartObject();
                    w.WriteString("env", spec.Id);
                    w.WriteNumber("observations", spec.ObservationSize);
                    w.WriteStartArray("observation_names");
                    foreach (var name in spec.ObservationNames) w.WriteStringValue(name);
                    w.WriteEndArray();
                    if (spec.IsDiscrete) w.WriteNumber("actions", spec.ActionCount);
                    else { w.WriteNumber("action_low", spec.ActionLow); w.WriteNumber("action_high", spec.ActionHigh); }
                    w.WriteNumber("max_episode_steps", spec.MaxEpisodeSteps);
                    w.WriteString("expert", spec.ExpertName ?? spec.Id + " rule");
                    w.WriteString("learner", d.LearnerSummary(spec));
                    w.WriteNumber("iterations", d.Iterations);
                    w.WriteNumber("rollouts", d.Rollouts);
                    w.WriteNumber("eval_episodes", d.EvalEpisodes);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }, indented: true));
            return 0;
        }
        string[] header = ["env", "observation", "actions", "steps", "expert", "default learner", "iterations × rollouts"];
        var rows = new List<string[]> { header };
        foreach (var spec in EnvRegistry.All)
        {
            var d = ImitationConfig.For(spec.Id);
            string actions = spec.IsDiscrete ? $"{spec.ActionCount} discrete" : $"[{spec.ActionLow:G}, {spec.ActionHigh:G}]";
            rows.Add([spec.Id, $"{spec.ObservationSize}: {string.Join(", ", spec.ObservationNames)}", actions, spec.MaxEpisodeSteps.ToString(),
                spec.ExpertName ?? spec.Id + " rule", d.LearnerSummary(spec), $"{d.Iterations} × {d.Rollouts}"]);
        }
        var widths = new int[header.Length];
        foreach (var r in rows) for (int c = 0; c < r.Length; c++) widths[c] = Math.Max(widths[c], r[c].Length);
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            for (int c = 0; c < r.Length; c++) sb.Append(c == 0 ? "" : "  ").Append(c == r.Length - 1 ? r[c] : r[c].PadRight(widths[c]));
            sb.AppendLine();
        }
        Console.Write(sb.ToString());
        return 0;
    }
}

using System.Globalization;
using FastIL.Cli.Infrastructure;
using FastIL.Envs;

namespace FastIL.Cli.Commands;

/// <summary>
/// <c>fastil env replay</c>: steps each row's state once with the row's action and writes the rows back with
/// FastIL's next_state_*, next_obs_*, reward and terminated, so anyone can diff FastIL against Gymnasium data.
/// </summary>
internal static class EnvReplayCommand
{
    public static CliCommand Definition => new("env replay",
        "Steps each CSV row's state once with the row's action and writes the rows back with FastIL's next_state_*, next_obs_*, reward and terminated (diff FastIL against Gymnasium data).",
        [
            CommonOptions.EnvRequired,
            new("input", "F.csv", "Rows to replay (required): state_*, action columns (../shared/refdata's layout)", "(none)"),
            new("output", "G.csv", "Where to write the replayed rows (required; written to a temp file, then renamed)", "(none)"),
            CommonOptions.PrecisionOption,
            CliOption.OneOf("path", "Kernel path", "auto", "auto", "scalar", "vector256", "vector512"),
        ], Run);

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        EnvSpec spec = CommonOptions.Env(p);
        string input = p.Require("input"), output = p.Require("output");
        OutputPaths.CheckWritable(cmd, "--output", output);
        OutputPaths.Distinct(cmd, [("--output", output)], ("--input", input));
        Precision precision = CommonOptions.Precision(p);
        SimdPath path = CommonOptions.Path(p.Choice("path"));
        if (precision == Precision.Float64 && path is SimdPath.Vector256 or SimdPath.Vector512)
            throw new CliException($"{cmd}: --path {CommonOptions.Name(path)} is float32-only; float64 runs the scalar path");
        if (!spec.HasSimdPaths && (precision == Precision.Float64 || path is SimdPath.Vector256 or SimdPath.Vector512))
            throw new CliException($"{cmd}: {spec.Id} is tabular: it replays float32 observations of an integer state on the scalar path only");

        CsvTable t = CsvTable.Read(input);
        int[] stateCols = StateColumns(t, spec);
        int actionCol = t.IndexOf("action") >= 0 ? t.IndexOf("action") : t.IndexOf("action_0");
        if (actionCol < 0) throw new CliException($"{input}:1: missing column 'action' (or 'action_0')", 1);
        if (t.Rows.Count == 0) throw new CliException($"{input}: no data rows after the header", 1);
        int envCol = t.IndexOf("env_id");

        int n = t.Rows.Count;
        using VectorEnv env = EnvRegistry.Create(spec.Id, n, new EnvOptions { Precision = precision, Path = path, AutoReset = AutoResetMode.Disabled });
        var actions = new double[n];
        var state = new double[spec.StateSize];
        for (int r = 0; r < n; r++)
        {
            if (envCol >= 0 && t.Rows[r][envCol].Length > 0 && t.Rows[r][envCol] != spec.Id)
                throw new CliException($"{input}:{t.LineNumbers[r]}: column 'env_id' is '{t.Rows[r][envCol]}' but --env is {spec.Id}", 1);
            for (int j = 0; j < stateCols.Length; j++)
            {
                state[j] = t.Number(r, stateCols[j]);
                if (precision == Precision.Float32 && Math.Abs(state[j]) > float.MaxValue)
                    throw new CliException($"{input}:{t.LineNumbers[r]}: column '{t.Header[stateCols[j]]}': {state[j]} does not fit in float32 (use --precision float64)", 1);
            }
            try { env.SetState(r, state); }
            catch (ArgumentException e) { throw new CliException($"{input}:{t.LineNumbers[r]}: {e.Message}", 1); }
            actions[r] = Action(t, r, actionCol, spec);
        }
        env.StepDynamics(actions);

        // Output: every input column, FastIL's values in the next_* / reward / terminated columns (added if absent).
        var header = new List<string>(t.Header);
        int[] nextState = Ensure(header, spec.StateSize, "next_state_");
        int[] nextObs = Ensure(header, spec.ObservationSize, "next_obs_");
        int rewardCol = EnsureOne(header, "reward"), termCol = EnsureOne(header, "terminated");
        AtomicFile.Write(output, w =>
        {
            w.WriteLine(AtomicFile.CsvLine(header));
            var fields = new string[header.Count];
            for (int r = 0; r < n; r++)
            {
                Array.Fill(fields, "");
                Array.Copy(t.Rows[r], fields, t.Header.Length);
                env.GetState(r, state);
                for (int j = 0; j < spec.StateSize; j++) fields[nextState[j]] = AtomicFile.Format(state[j]);
                for (int j = 0; j < spec.ObservationSize; j++) fields[nextObs[j]] = AtomicFile.Format(env.Observation(j)[r]);
                fields[rewardCol] = AtomicFile.Format(env.Reward(r));
                fields[termCol] = env.Terminated[r] ? "1" : "0";
                w.WriteLine(AtomicFile.CsvLine(fields));
            }
        });
        Console.Error.WriteLine($"replayed {n} rows of {spec.Id} ({(precision == Precision.Float64 ? "float64" : "float32")}, {CommonOptions.Name(env.Path)} path) -> {output}");
        return 0;
    }

    private static int[] StateColumns(CsvTable t, EnvSpec spec)
    {
        var cols = new int[spec.StateSize];
        for (int j = 0; j < spec.StateSize; j++)
        {
            cols[j] = t.IndexOf($"state_{j}");
            if (cols[j] < 0)
                throw new CliException($"{t.Path}:1: missing column 'state_{j}': {spec.Id} has {spec.StateSize} state variables ({string.Join(", ", spec.StateNames)})", 1);
        }
        if (t.IndexOf($"state_{spec.StateSize}") >= 0)
            throw new CliException($"{t.Path}:1: column 'state_{spec.StateSize}' present, but {spec.Id} has only {spec.StateSize} state variables (wrong state width for this env?)", 1);
        return cols;
    }

    private static double Action(CsvTable t, int r, int c, EnvSpec spec)
    {
        double a = t.Number(r, c);
        if (spec.IsDiscrete && (a != Math.Floor(a) || a < 0 || a >= spec.ActionCount))
            throw new CliException($"{t.Path}:{t.LineNumbers[r]}: column '{t.Header[c]}': {spec.Id} takes an integer action in [0, {spec.ActionCount - 1}]; got '{t.Rows[r][c]}'", 1);
        return a;
    }

    private static int[] Ensure(List<string> header, int count, string prefix)
    {
        var idx = new int[count];
        for (int j = 0; j < count; j++) idx[j] = EnsureOne(header, prefix + j.ToString(CultureInfo.InvariantCulture));
        return idx;
    }

    private static int EnsureOne(List<string> header, string name)
    {
        int i = header.IndexOf(name);
        if (i >= 0) return i;
        header.Add(name);
        return header.Count - 1;
    }
}

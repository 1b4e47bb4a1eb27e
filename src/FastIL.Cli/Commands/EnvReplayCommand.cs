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

        CsvFile t = CsvFile.Open(input);
        int[] stateCols = StateColumns(t, spec);
        int actionCol = t.IndexOf("action") >= 0 ? t.IndexOf("action") : t.IndexOf("action_0");
        if (actionCol < 0) throw new CliException($"{t.HeaderLocation}: missing column 'action' (or 'action_0')", 1);
        int envCol = t.IndexOf("env_id");
        // Pass 1: states and actions as numbers (each row checked against the env); pass 2 streams the rows out.
        CsvNumbers numbers = t.ReadNumbers([.. stateCols, actionCol], (in CsvRow row) =>
        {
            if (envCol >= 0 && row.Text(envCol) is { Length: > 0 } id && !id.SequenceEqual(spec.Id))
                throw row.Error(envCol, $"'{id}' but --env is {spec.Id}");
        });
        int n = numbers.Count;
        if (n == 0) throw new CliException($"{input}: no data rows after the header", 1);

        using VectorEnv env = EnvRegistry.Create(spec.Id, n, new EnvOptions { Precision = precision, Path = path, AutoReset = AutoResetMode.Disabled });
        var actions = new double[n];
        var state = new double[spec.StateSize];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < stateCols.Length; j++)
            {
                state[j] = numbers.Values[j][r];
                if (precision == Precision.Float32 && Math.Abs(state[j]) > float.MaxValue)
                    throw new CliException($"{input}:{numbers.Lines[r]}: column '{t.Header[stateCols[j]]}': {state[j]} does not fit in float32 (use --precision float64)", 1);
            }
            try { env.SetState(r, state); }
            catch (ArgumentException e) { throw new CliException($"{input}:{numbers.Lines[r]}: {e.Message}", 1); }
            double a = numbers.Values[^1][r];
            if (spec.IsDiscrete && (a != Math.Floor(a) || a < 0 || a >= spec.ActionCount))
                throw new CliException($"{input}:{numbers.Lines[r]}: column '{t.Header[actionCol]}': {spec.Id} takes an integer action in [0, {spec.ActionCount - 1}]; got {a.ToString("R", CultureInfo.InvariantCulture)}", 1);
            actions[r] = a;
        }
        env.StepDynamics(actions);

        // Output: every input column, FastIL's values in the next_* / reward / terminated columns (added if absent).
        var header = new List<string>(t.Header);
        int[] nextState = Ensure(header, spec.StateSize, "next_state_");
        int[] nextObs = Ensure(header, spec.ObservationSize, "next_obs_");
        int rewardCol = EnsureOne(header, "reward"), termCol = EnsureOne(header, "terminated");
        var computed = new bool[header.Count];
        foreach (int c in nextState.Concat(nextObs).Append(rewardCol).Append(termCol)) computed[c] = true;
        AtomicFile.Write(output, w =>
        {
            using var writer = CsvFile.Writer(w);
            CsvFile.WriteRow(writer, header);
            t.ForEachRow((in CsvRow row) =>
            {
                int r = row.Index;
                using var o = writer.NewRow();
                for (int c = 0; c < header.Count; c++)
                    if (!computed[c]) o[c].Set(c < t.Header.Length ? row.Raw(c) : "");
                env.GetState(r, state);
                for (int j = 0; j < spec.StateSize; j++) o[nextState[j]].Format(state[j]);
                for (int j = 0; j < spec.ObservationSize; j++) o[nextObs[j]].Format((double)env.Observation(j)[r]);   // as before: the float32 value written as a double
                o[rewardCol].Format(env.Reward(r));
                o[termCol].Set(env.Terminated[r] ? "1" : "0");
            });
        });
        Console.Error.WriteLine($"replayed {n} rows of {spec.Id} ({(precision == Precision.Float64 ? "float64" : "float32")}, {CommonOptions.Name(env.Path)} path) -> {output}");
        return 0;
    }

    private static int[] StateColumns(CsvFile t, EnvSpec spec)
    {
        var cols = new int[spec.StateSize];
        for (int j = 0; j < spec.StateSize; j++)
        {
            cols[j] = t.IndexOf($"state_{j}");
            if (cols[j] < 0)
                throw new CliException($"{t.HeaderLocation}: missing column 'state_{j}': {spec.Id} has {spec.StateSize} state variables ({string.Join(", ", spec.StateNames)})", 1);
        }
        if (t.IndexOf($"state_{spec.StateSize}") >= 0)
            throw new CliException($"{t.HeaderLocation}: column 'state_{spec.StateSize}' present, but {spec.Id} has only {spec.StateSize} state variables (wrong state width for this env?)", 1);
        return cols;
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

using FastIL.Learning;

namespace FastIL.Tests.Learning;

/// <summary>
/// An independent solver for the tests: damped Newton on the multinomial (or binary) logistic objective
/// mean NLL + (λ/2)‖W‖², written directly from the formulas with a dense Hessian, no shared code with FastIL.
/// </summary>
internal static class NewtonReference
{
    public static double Softmax(Dataset data, int classes, double lambda, bool logistic = false)
    {
        int n = data.Count, d = data.InputDim;
        int rows = logistic ? 1 : classes, stride = d + 1, p = rows * stride; // θ[r] = (w_r, b_r)
        var x = new double[n][];
        for (int i = 0; i < n; i++) { x[i] = new double[stride]; for (int j = 0; j < d; j++) x[i][j] = data.Column(j)[i]; x[i][d] = 1; }
        var theta = new double[p];
        double f = Objective(theta);
        for (int it = 0; it < 100; it++)
        {
            var g = new double[p];
            var h = new double[p, p];
            for (int i = 0; i < n; i++)
            {
                var prob = Probs(theta, x[i]);
                int y = data.Labels[i];
                for (int r = 0; r < rows; r++)
                {
                    int cr = logistic ? 1 : r;
                    double res = prob[cr] - (y == cr ? 1 : 0);
                    for (int a = 0; a < stride; a++) g[r * stride + a] += res * x[i][a] / n;
                    for (int s = 0; s < rows; s++)
                    {
                        int cs = logistic ? 1 : s;
                        double cov = (cr == cs ? prob[cr] : 0) - prob[cr] * prob[cs];
                        for (int a = 0; a < stride; a++)
                            for (int b = 0; b < stride; b++)
                                h[r * stride + a, s * stride + b] += cov * x[i][a] * x[i][b] / n;
                    }
                }
            }
            for (int r = 0; r < rows; r++)
                for (int a = 0; a < d; a++) { g[r * stride + a] += lambda * theta[r * stride + a]; h[r * stride + a, r * stride + a] += lambda; }
            // The full softmax is invariant to shifting all biases together: a tiny damping makes H invertible.
            for (int k = 0; k < p; k++) h[k, k] += 1e-12;
            var step = Solve(h, g, p);
            double t = 1;
            double[] next;
            double fNext;
            do
            {
                next = theta.Select((v, k) => v - t * step[k]).ToArray();
                fNext = Objective(next);
                t /= 2;
            } while (fNext > f && t > 1e-12);
            bool done = f - fNext < 1e-16 * Math.Abs(f);
            theta = next; f = Math.Min(f, fNext);
            if (done) break;
        }
        return f;

        double[] Probs(double[] th, double[] xi)
        {
            var l = new double[classes];
            for (int r = 0; r < rows; r++) { double z = 0; for (int a = 0; a < stride; a++) z += th[r * stride + a] * xi[a]; l[logistic ? 1 : r] = z; }
            double m = l.Max();
            var e = l.Select(v => Math.Exp(v - m)).ToArray();
            double s = e.Sum();
            return e.Select(v => v / s).ToArray();
        }

        double Objective(double[] th)
        {
            double loss = 0;
            for (int i = 0; i < n; i++) loss -= Math.Log(Probs(th, x[i])[data.Labels[i]]);
            double reg = 0;
            for (int r = 0; r < rows; r++) for (int a = 0; a < d; a++) reg += th[r * stride + a] * th[r * stride + a];
            return loss / n + 0.5 * lambda * reg;
        }
    }

    private static double[] Solve(double[,] a, double[] b, int n)
    {
        // Gaussian elimination with partial pivoting.
        var m = (double[,])a.Clone();
        var v = (double[])b.Clone();
        for (int c = 0; c < n; c++)
        {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(m[r, c]) > Math.Abs(m[piv, c])) piv = r;
            for (int k = 0; k < n; k++) (m[c, k], m[piv, k]) = (m[piv, k], m[c, k]);
            (v[c], v[piv]) = (v[piv], v[c]);
            for (int r = c + 1; r < n; r++)
            {
                double fct = m[r, c] / m[c, c];
                for (int k = c; k < n; k++) m[r, k] -= fct * m[c, k];
                v[r] -= fct * v[c];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = v[r];
            for (int k = r + 1; k < n; k++) s -= m[r, k] * x[k];
            x[r] = s / m[r, r];
        }
        return x;
    }
}

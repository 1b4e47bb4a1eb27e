using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using FastIL.Policies;

namespace FastIL.Learning;

// The objective's losses as operator structs, each in the two forms the general kernels need (TensorPrimitives'
// pattern of one operator with a vector and a scalar Invoke): a column form for the span kernel (SpanRows<TLoss>) and a
// row form for the scalar reference (ScalarRows<TLoss>). The fused kernels (BinaryRows, FusedRows) are the
// log-likelihood's, specialized. A new loss is one struct here and one case in SelectDriver. The column forms are
// compiled optimized on first call, as the span kernel that calls them is: a fit runs them over whole blocks at once.
public sealed partial class Trainer
{
    /// <summary>A loss over the policy's logits: its terms, greedy hits and residuals ∂loss/∂logit.</summary>
    private interface ILoss
    {
        /// <summary>
        /// Column form: from the logits <paramref name="l"/> of rows [<paramref name="r0"/>, <paramref name="r0"/> +
        /// <paramref name="len"/>) (class c in <c>l[c]</c>; <paramref name="m"/> and <paramref name="s"/> are scratch
        /// columns), adds the loss and hits into <paramref name="part"/> (and the Hessian sums when evaluating with
        /// them), and leaves the weighted residuals of the free classes (from <paramref name="first"/>) in <c>l</c>.
        /// </summary>
        static abstract void AddColumnTerms(Trainer t, Span<double> part, double[][] l, Span<double> m, Span<double> s, int first, int classes, int r0, int len);

        /// <summary>
        /// Row form (the scalar reference): row <paramref name="i"/>'s logits <paramref name="l"/> and weight
        /// <paramref name="w"/>; adds its loss and hit, and writes its weighted residuals into <paramref name="res"/>.
        /// </summary>
        static abstract void AddRowTerms(Trainer t, Span<double> l, Span<double> res, int i, double w, int classes, ref double loss, ref double correct);
    }

    /// <summary>Mean squared error of a linear policy: w·(ŷ − y)², residual 2w·(ŷ − y). No hits.</summary>
    private readonly struct SquaredErrorLoss : ILoss
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void AddColumnTerms(Trainer t, Span<double> part, double[][] l, Span<double> m, Span<double> s, int first, int classes, int r0, int len)
        {
            DesignData design = t._design;
            Span<double> res = l[0].AsSpan(0, len);
            ColumnOps.Subtract(res, design.Y.AsSpan(r0, len), res);       // ŷ − y
            if (design.Weighted)
            {
                ColumnOps.Multiply(res, design.W.AsSpan(r0, len), s);     // w(ŷ − y)
                part[0] += OrderedDot.Dot(s, res);
                ColumnOps.Multiply(s, 2.0, res);
            }
            else
            {
                part[0] += OrderedDot.Dot(res, res);
                ColumnOps.Multiply(res, 2.0, res);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddRowTerms(Trainer t, Span<double> l, Span<double> res, int i, double w, int classes, ref double loss, ref double correct)
        {
            double e = l[0] - t._design.Y[i];
            loss += w * e * e;
            res[0] = w * 2 * e;
        }
    }

    /// <summary>
    /// Negative log-likelihood of a softmax (or logistic: class 0's logit pinned at 0) policy, less the entropy bonus
    /// when the trainer has one: w·(log Σ e^{l_c} − l_y) − ent·w·H(p), residual w·(p_c − [y = c] + ent·p_c·(log p_c + H)).
    /// A hit is a row whose label is the first greedy class.
    /// </summary>
    private readonly struct LogLikelihoodLoss : ILoss
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void AddColumnTerms(Trainer t, Span<double> part, double[][] l, Span<double> m, Span<double> s, int first, int classes, int r0, int len)
        {
            DesignData design = t._design;
            double entWeight = t._entWeight;
            // Stable log-sum-exp: m = max_c l_c, s = Σ exp(l_c − m), −log p_y = log s − (l_y − m).
            l[0].AsSpan(0, len).CopyTo(m);
            for (int c = 1; c < classes; c++) TensorPrimitives.Max(m, l[c].AsSpan(0, len), m);
            for (int c = 0; c < classes; c++) TensorPrimitives.Subtract(l[c].AsSpan(0, len), m, l[c].AsSpan(0, len)); // ≤ 0
            // Loss and greedy accuracy from the shifted logits (before exponentiation, so nothing underflows).
            double loss, correct = 0;
            ReadOnlySpan<int> y = design.Labels.AsSpan(r0, len);
            for (int i = 0; i < len; i++)
            {
                int yi = y[i];
                double ly = l[yi][i];
                bool ok = true;
                for (int c = 0; c < classes; c++) if (l[c][i] > ly || (l[c][i] == ly && c < yi)) { ok = false; break; }
                if (ok) correct++;
                m[i] = ly; // keep l_y − m for the loss below
            }
            s.Clear();
            for (int c = 0; c < classes; c++)
            {
                Span<double> lc = l[c].AsSpan(0, len);
                TensorPrimitives.Exp(lc, lc);              // e_c = exp(l_c − m)
                TensorPrimitives.Add(s, lc, s);
            }
            for (int c = 0; c < classes; c++) TensorPrimitives.Divide(l[c].AsSpan(0, len), s, l[c].AsSpan(0, len));   // p_c
            // −log p_y = log s − (l_y − m), summed (weighted) with SIMD.
            TensorPrimitives.Log(s, s);
            TensorPrimitives.Subtract(s, m, s);
            loss = design.Weighted ? OrderedDot.Dot(s, design.W.AsSpan(r0, len)) : OrderedDot.Sum(s);

            if (entWeight != 0)
            {
                // H = −Σ p log p; the objective adds −ent·H, whose gradient wrt logit c is ent·p_c·(log p_c + H).
                for (int i = 0; i < len; i++)
                {
                    double h = 0;
                    for (int c = 0; c < classes; c++) { double pc = l[c][i]; if (pc > 0) h -= pc * Math.Log(pc); }
                    double wi = design.Weighted ? design.W[r0 + i] : 1.0;
                    loss -= entWeight * wi * h;
                    for (int c = 0; c < classes; c++)
                    {
                        double pc = l[c][i];
                        if (pc > 0) l[c][i] = pc + entWeight * pc * (Math.Log(pc) + h);
                    }
                }
            }
            if (t._withHessian) t.AccumulateHessian(part, l, first, classes, r0, len);
            for (int i = 0; i < len; i++) l[y[i]][i] -= 1.0;                 // p_c − [y = c] (+ entropy term)
            if (design.Weighted)
                for (int c = first; c < classes; c++) TensorPrimitives.Multiply(l[c].AsSpan(0, len), design.W.AsSpan(r0, len), l[c].AsSpan(0, len));
            part[0] += loss;
            part[1] += correct;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddRowTerms(Trainer t, Span<double> l, Span<double> res, int i, double w, int classes, ref double loss, ref double correct)
        {
            double entWeight = t._entWeight;
            int y = t._design.Labels[i];
            double m = l[0];
            for (int c = 1; c < classes; c++) m = Math.Max(m, l[c]);
            double s = 0;
            for (int c = 0; c < classes; c++) s += Math.Exp(l[c] - m);
            double logS = Math.Log(s), h = 0;
            int argmax = 0;
            for (int c = 1; c < classes; c++) if (l[c] > l[argmax]) argmax = c;
            if (argmax == y) correct++;
            loss += w * (logS - (l[y] - m));
            for (int c = 0; c < classes; c++) { double lp = l[c] - m - logS; h -= Math.Exp(lp) * lp; }
            loss -= entWeight * w * h;
            for (int c = 0; c < classes; c++)
            {
                double lp = l[c] - m - logS, pc = Math.Exp(lp);
                res[c] = w * (pc - (c == y ? 1 : 0) + entWeight * pc * (lp + h));
            }
        }
    }
}

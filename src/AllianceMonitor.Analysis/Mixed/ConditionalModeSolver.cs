using System.Runtime.CompilerServices;

namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// Conditional modes (lme4's <c>ranef</c>) by back substitution through the factorization of
/// <see cref="BlockElimination"/>, from the outermost term inwards:
/// <c>u_g = L_g^-T (cy - cx beta - sum over outer terms of w_m u_outer)</c>, <c>b_g = T u_g</c>.
/// The outer terms' pieces are kept (they have few groups); the innermost term's are recomputed
/// group by group, which needs no memory per group.
/// </summary>
internal static class ConditionalModeSolver
{
    public static double[][] Solve(CrossProducts products, double[][] factors, double[] beta)
    {
        var terms = products.Terms;
        var p = products.P;
        var spherical = terms.Select(t => new double[t.Groups * t.Q]).ToArray();
        var modes = terms.Select(t => new double[t.Groups * t.Q]).ToArray();
        var innermost = new BlockWorkspace(terms[0], p);
        if (terms.Length > 1)
        {
            var downdates = new Downdates(products);
            var sums = new GroupSums(p);
            for (var g = 0; g < terms[0].Groups; g++)
            {
                BlockElimination.Eliminate(products, factors, 0, g, null, downdates, innermost, sums);
            }

            var kept = new BlockWorkspace[terms.Length][];
            for (var l = 1; l < terms.Length; l++)
            {
                kept[l] = new BlockWorkspace[terms[l].Groups];
                for (var g = 0; g < terms[l].Groups; g++)
                {
                    kept[l][g] = new BlockWorkspace(terms[l], p);
                    BlockElimination.Eliminate(products, factors, l, g, downdates, downdates, kept[l][g], sums);
                }
            }

            for (var l = terms.Length - 1; l > 0; l--)
            {
                for (var g = 0; g < terms[l].Groups; g++)
                {
                    BackSubstitute(products, l, g, kept[l][g], factors, beta, spherical, modes);
                }
            }
        }

        for (var g = 0; g < terms[0].Groups; g++)
        {
            BlockElimination.Factor(products, factors, 0, g, null, innermost);
            BackSubstitute(products, 0, g, innermost, factors, beta, spherical, modes);
        }

        return modes;
    }

    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackSubstitute(
        CrossProducts products, int l, int g, BlockWorkspace ws, double[][] factors, double[] beta, double[][] spherical, double[][] modes)
    {
        var term = products.Terms[l];
        int p = products.P, q = term.Q;
        var u = spherical[l].AsSpan(g * q, q);
        for (var a = 0; a < q; a++)
        {
            var r = ws.Cy[a];
            for (var c = 0; c < p; c++)
            {
                r -= ws.Cx[(a * p) + c] * beta[c];
            }

            for (var k = 0; k < term.Ancestors.Length; k++)
            {
                var ancestor = term.Ancestors[k];
                var outer = spherical[ancestor.Term].AsSpan(ancestor.Group[g] * ancestor.Q, ancestor.Q);
                for (var c = 0; c < ancestor.Q; c++)
                {
                    r -= ws.W[k][(a * ancestor.Q) + c] * outer[c];
                }
            }

            u[a] = r;
        }

        SmallDense.BackSolveTransposedInPlace(ws.Block, q, u);
        var factor = factors[l];
        for (var a = 0; a < q; a++)
        {
            var b = 0.0;
            for (var j = 0; j <= a; j++)
            {
                b += factor[(a * q) + j] * u[j];
            }

            modes[l][(g * q) + a] = b;
        }
    }
}

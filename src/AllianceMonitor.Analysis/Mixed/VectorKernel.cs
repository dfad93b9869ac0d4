using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// <see cref="BlockElimination"/> of a single term wider than <see cref="UnrolledKernel"/>'s (the joint model's q = 3
/// patient term with p = 13 fixed effects), with the loops over the p fixed-effect columns four lanes at a time. Every
/// lane does the scalar code's multiplications, additions and divisions on the same operands in the same order (no fused
/// multiply-add, no reassociation), so the sums, and every fit, are the same to the last bit; it is faster only because
/// the p-wide loops (T' Z'X, the forward solve, the Schur update: most of the arithmetic) take a quarter of the
/// instructions and the per-group slices and bounds checks are gone. The Schur update writes whole lanes past the
/// diagonal: <see cref="GroupSums.Schur"/>'s upper triangle is never read.
/// </summary>
internal static class VectorKernel
{
    /// <summary>Blocks up to this size live on the stack.</summary>
    private const int MaxQ = 8;

    public static bool Applies(TermProducts[] terms) =>
        Vector256.IsHardwareAccelerated && terms.Length == 1 && terms[0].Q <= MaxQ && terms[0].Ancestors.Length == 0;

    public static void Accumulate(TermProducts term, int p, double[] factor, int from, int to, GroupSums sums)
    {
        var q = term.Q;
        Span<double> work = stackalloc double[q * q];
        Span<double> block = stackalloc double[q * q];
        Span<double> cy = stackalloc double[q];
        var cxArray = new double[q * p];
        ref var cx = ref MemoryMarshal.GetArrayDataReference(cxArray);
        ref var schur = ref MemoryMarshal.GetArrayDataReference(sums.Schur);
        var rhs = sums.Rhs;
        var ztzAll = term.Ztz;
        ref var ztxAll = ref MemoryMarshal.GetArrayDataReference(term.Ztx);
        var ztyAll = term.Zty;
        const int W = 4;
        var logDet = sums.LogDet;
        var squaredLength = sums.SquaredLength;
        for (var g = from; g < to; g++)
        {
            var ztz = ztzAll.AsSpan(g * q * q, q * q);
            var zty = ztyAll.AsSpan(g * q, q);
            ref var ztx = ref Unsafe.Add(ref ztxAll, g * q * p);

            // work = Z'Z T (BlockElimination.TimesFactor).
            for (var r = 0; r < q; r++)
            {
                for (var c = 0; c < q; c++)
                {
                    var s = 0.0;
                    for (var k = c; k < q; k++)
                    {
                        s += ztz[(r * q) + k] * factor[(k * q) + c];
                    }

                    work[(r * q) + c] = s;
                }
            }

            // block = T' Z'Z T + I, cy = T' Z'y, cx = T' Z'X (BlockElimination.TransposedFactorTimes).
            for (var r = 0; r < q; r++)
            {
                for (var c = 0; c < q; c++)
                {
                    var s = 0.0;
                    for (var k = r; k < q; k++)
                    {
                        s += factor[(k * q) + r] * work[(k * q) + c];
                    }

                    block[(r * q) + c] = (r == c ? 1.0 : 0.0) + s;
                }

                var sy = 0.0;
                for (var k = r; k < q; k++)
                {
                    sy += factor[(k * q) + r] * zty[k];
                }

                cy[r] = sy;
                ref var row = ref Unsafe.Add(ref cx, r * p);
                var c0 = 0;
                for (; c0 <= p - W; c0 += W)
                {
                    var s = Vector256<double>.Zero;
                    for (var k = r; k < q; k++)
                    {
                        s += Vector256.Create(factor[(k * q) + r]) * Vector256.LoadUnsafe(ref ztx, (nuint)((k * p) + c0));
                    }

                    s.StoreUnsafe(ref row, (nuint)c0);
                }

                for (; c0 < p; c0++)
                {
                    var s = 0.0;
                    for (var k = r; k < q; k++)
                    {
                        s += factor[(k * q) + r] * Unsafe.Add(ref ztx, (k * p) + c0);
                    }

                    Unsafe.Add(ref row, c0) = s;
                }
            }

            if (!SmallDense.CholeskyInPlace(block, q))
            {
                throw new InvalidOperationException("T' Z'Z T + I must be positive definite.");
            }

            SmallDense.ForwardSolveInPlace(block, q, cy, 1);

            // L cx = cx, column by column in the scalar code; the columns are independent, so four at a time.
            for (var i = 0; i < q; i++)
            {
                ref var rowI = ref Unsafe.Add(ref cx, i * p);
                var diagonal = block[(i * q) + i];
                var c0 = 0;
                for (; c0 <= p - W; c0 += W)
                {
                    var s = Vector256.LoadUnsafe(ref rowI, (nuint)c0);
                    for (var k = 0; k < i; k++)
                    {
                        s -= Vector256.Create(block[(i * q) + k]) * Vector256.LoadUnsafe(ref cx, (nuint)((k * p) + c0));
                    }

                    (s / Vector256.Create(diagonal)).StoreUnsafe(ref rowI, (nuint)c0);
                }

                for (; c0 < p; c0++)
                {
                    var s = Unsafe.Add(ref rowI, c0);
                    for (var k = 0; k < i; k++)
                    {
                        s -= block[(i * q) + k] * Unsafe.Add(ref cx, (k * p) + c0);
                    }

                    Unsafe.Add(ref rowI, c0) = s / diagonal;
                }
            }

            // BlockElimination.Accumulate: each element receives the same terms in the same order (a, then the group).
            logDet += SmallDense.LogDeterminantOfProduct(block, q);
            for (var a = 0; a < q; a++)
            {
                var cya = cy[a];
                squaredLength += cya * cya;
                ref var cxa = ref Unsafe.Add(ref cx, a * p);
                for (var r = 0; r < p; r++)
                {
                    var car = Unsafe.Add(ref cxa, r);
                    rhs[r] += car * cya;
                    var carLanes = Vector256.Create(car);
                    ref var schurRow = ref Unsafe.Add(ref schur, r * p);
                    var c = 0;
                    for (; c <= r && c <= p - W; c += W)
                    {
                        (Vector256.LoadUnsafe(ref schurRow, (nuint)c) + (carLanes * Vector256.LoadUnsafe(ref cxa, (nuint)c))).StoreUnsafe(ref schurRow, (nuint)c);
                    }

                    for (; c <= r; c++)
                    {
                        Unsafe.Add(ref schurRow, c) += car * Unsafe.Add(ref cxa, c);
                    }
                }
            }
        }

        sums.LogDet = logDet;
        sums.SquaredLength = squaredLength;
    }
}

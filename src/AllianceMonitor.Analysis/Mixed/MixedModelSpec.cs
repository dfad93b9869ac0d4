using System.Runtime.CompilerServices;

namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// A Gaussian linear mixed model <c>y = X beta + Z_1 b_1 + ... + Z_k b_k + e</c>, <c>e ~ N(0, sigma^2 I)</c>,
/// with one <see cref="RandomEffectTerm"/> per grouping factor, as MixedModels.jl holds a vector of
/// random-effect terms. The terms are listed innermost first and each grouping factor must be
/// nested in the next one (patient within therapist), which keeps the random-effects system
/// block-structured: see <see cref="ProfiledDeviance"/>. That is also lme4's order (terms with more
/// levels first), so theta lines up with lme4's. Immutable; the arrays are copied in.
/// </summary>
public sealed class MixedModelSpec
{
    private readonly double[] _response;
    private readonly double[][] _fixedColumns;

    private MixedModelSpec(
        string responseName, IReadOnlyList<string> fixedTerms, double[] response, double[][] fixedColumns, IReadOnlyList<RandomEffectTerm> randomEffects)
    {
        ResponseName = responseName;
        FixedTerms = fixedTerms;
        _response = response;
        _fixedColumns = fixedColumns;
        RandomEffects = randomEffects;
    }

    public string ResponseName { get; }

    public IReadOnlyList<string> FixedTerms { get; }

    /// <summary>The random-effect terms, innermost grouping factor first.</summary>
    public IReadOnlyList<RandomEffectTerm> RandomEffects { get; }

    public int ObservationCount => _response.Length;

    /// <summary>Length of theta: the terms' parameters one after the other, in the order of <see cref="RandomEffects"/>.</summary>
    public int ThetaLength => RandomEffects.Sum(t => t.ThetaLength);

    public ReadOnlySpan<double> Response => _response;

    public ReadOnlySpan<double> FixedColumn(int term) => _fixedColumns[term];

    internal double[] FixedArray(int term) => _fixedColumns[term];

    /// <summary>A model with one grouping factor: <c>(random terms | groupName)</c>.</summary>
    /// <param name="responseName">Name of the response.</param>
    /// <param name="response">Response, one value per observation.</param>
    /// <param name="fixedTerms">Fixed-effect term names paired with their columns (use 1s for an intercept).</param>
    /// <param name="randomTerms">Random-effect term names paired with their columns.</param>
    /// <param name="groupName">Name of the grouping factor.</param>
    /// <param name="groups">Group label of each observation.</param>
    public static MixedModelSpec Create(
        string responseName,
        IReadOnlyList<double> response,
        IReadOnlyList<(string Term, IReadOnlyList<double> Column)> fixedTerms,
        IReadOnlyList<(string Term, IReadOnlyList<double> Column)> randomTerms,
        string groupName,
        IReadOnlyList<string> groups) =>
        Adopt(responseName, response, fixedTerms, [new RandomEffectTermData(groupName, groups, randomTerms)], copy: true);

    /// <summary>Validates and copies the model data.</summary>
    /// <param name="responseName">Name of the response.</param>
    /// <param name="response">Response, one value per observation.</param>
    /// <param name="fixedTerms">Fixed-effect term names paired with their columns (use 1s for an intercept).</param>
    /// <param name="randomEffects">The random-effect terms, innermost grouping factor first, each nested in the next.</param>
    public static MixedModelSpec Create(
        string responseName,
        IReadOnlyList<double> response,
        IReadOnlyList<(string Term, IReadOnlyList<double> Column)> fixedTerms,
        IReadOnlyList<RandomEffectTermData> randomEffects) =>
        Adopt(responseName, response, fixedTerms, randomEffects, copy: true);

    /// <summary>
    /// As <see cref="Create(string, IReadOnlyList{double}, IReadOnlyList{ValueTuple{string, IReadOnlyList{double}}}, IReadOnlyList{RandomEffectTermData})"/>;
    /// with <paramref name="copy"/> false the arrays passed in become the spec's own (the caller must
    /// not change them), which halves the peak memory of a large design. A column passed twice
    /// (e.g. a predictor with a random slope) is stored once.
    /// </summary>
    internal static MixedModelSpec Adopt(
        string responseName,
        IReadOnlyList<double> response,
        IReadOnlyList<(string Term, IReadOnlyList<double> Column)> fixedTerms,
        IReadOnlyList<RandomEffectTermData> randomEffects,
        bool copy)
    {
        var n = response.Count;
        if (fixedTerms.Count == 0 || randomEffects.Count == 0 || randomEffects.Any(t => t.Columns.Count == 0))
        {
            throw new ArgumentException("A mixed model needs at least one fixed and one random term.");
        }

        if (fixedTerms.Any(t => t.Column.Count != n)
            || randomEffects.Any(t => t.Groups.Count != n || t.Columns.Any(c => c.Column.Count != n)))
        {
            throw new ArgumentException("Every column must have one value per observation.");
        }

        var stored = new Dictionary<IReadOnlyList<double>, double[]>(ReferenceEqualityComparer.Instance);
        double[] Store(IReadOnlyList<double> column)
        {
            if (!stored.TryGetValue(column, out var array))
            {
                array = !copy && column is double[] owned ? owned : column.ToArray();
                stored.Add(column, array);
            }

            return array;
        }

        var responseArray = Store(response);
        var fixedColumns = fixedTerms.Select(t => Store(t.Column)).ToArray();
        var terms = randomEffects.Select(t =>
        {
            var (levels, index) = IndexGroups(t.Groups);
            return new RandomEffectTerm(t.GroupName, t.Columns.Select(c => c.Term).ToArray(), levels, t.Columns.Select(c => Store(c.Column)).ToArray(), index);
        }).ToArray();
        if (stored.Values.Any(c => !c.All(double.IsFinite)))
        {
            throw new ArgumentException("Model data must be finite; drop incomplete rows first.");
        }

        for (var l = 0; l + 1 < terms.Length; l++)
        {
            RequireNested(terms[l], terms[l + 1]);
        }

        return new MixedModelSpec(responseName, fixedTerms.Select(t => t.Term).ToArray(), responseArray, fixedColumns, terms);
    }

    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (IReadOnlyList<string> Levels, int[] Index) IndexGroups(IReadOnlyList<string> groups)
    {
        var levels = new List<string>();
        var levelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = new int[groups.Count];
        for (var i = 0; i < groups.Count; i++)
        {
            if (!levelIndex.TryGetValue(groups[i], out var g))
            {
                g = levels.Count;
                levelIndex.Add(groups[i], g);
                levels.Add(groups[i]);
            }

            index[i] = g;
        }

        return (levels, index);
    }

    private static void RequireNested(RandomEffectTerm inner, RandomEffectTerm outer)
    {
        var outerOf = Enumerable.Repeat(-1, inner.Levels.Count).ToArray();
        for (var row = 0; row < inner.GroupIndex.Length; row++)
        {
            int g = inner.GroupIndex[row], k = outer.GroupIndex[row];
            if (outerOf[g] >= 0 && outerOf[g] != k)
            {
                throw new ArgumentException(
                    $"Group {inner.Levels[g]} of {inner.GroupName} appears in more than one {outer.GroupName} level; the factors are not nested.");
            }

            outerOf[g] = k;
        }
    }
}

namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// A Gaussian linear mixed model with one grouping factor:
/// <c>y = X beta + Z b + e</c>, where each group's random effects <c>b_g ~ N(0, Sigma)</c> with
/// unstructured <c>Sigma</c> and <c>e ~ N(0, sigma^2 I)</c>. Immutable; the arrays are copied in.
/// </summary>
public sealed class MixedModelSpec
{
    private readonly double[] _response;
    private readonly double[][] _fixedColumns;
    private readonly double[][] _randomColumns;
    private readonly int[] _groupIndex;

    private MixedModelSpec(
        string responseName,
        IReadOnlyList<string> fixedTerms,
        IReadOnlyList<string> randomTerms,
        string groupName,
        IReadOnlyList<string> groupLevels,
        double[] response,
        double[][] fixedColumns,
        double[][] randomColumns,
        int[] groupIndex)
    {
        ResponseName = responseName;
        FixedTerms = fixedTerms;
        RandomTerms = randomTerms;
        GroupName = groupName;
        GroupLevels = groupLevels;
        _response = response;
        _fixedColumns = fixedColumns;
        _randomColumns = randomColumns;
        _groupIndex = groupIndex;
    }

    public string ResponseName { get; }

    public IReadOnlyList<string> FixedTerms { get; }

    public IReadOnlyList<string> RandomTerms { get; }

    public string GroupName { get; }

    /// <summary>Distinct groups, in the order used by <see cref="GroupIndex"/>.</summary>
    public IReadOnlyList<string> GroupLevels { get; }

    public int ObservationCount => _response.Length;

    public ReadOnlySpan<double> Response => _response;

    public ReadOnlySpan<int> GroupIndex => _groupIndex;

    public ReadOnlySpan<double> FixedColumn(int term) => _fixedColumns[term];

    public ReadOnlySpan<double> RandomColumn(int term) => _randomColumns[term];

    internal double[] FixedArray(int term) => _fixedColumns[term];

    internal double[] RandomArray(int term) => _randomColumns[term];

    /// <summary>Validates and copies the model data.</summary>
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
        Adopt(responseName, response, fixedTerms, randomTerms, groupName, groups, copy: true);

    /// <summary>
    /// As <see cref="Create"/>; with <paramref name="copy"/> false the arrays passed in become the
    /// spec's own (the caller must not change them), which halves the peak memory of a large design.
    /// A column passed twice (e.g. a predictor with a random slope) is stored once.
    /// </summary>
    internal static MixedModelSpec Adopt(
        string responseName,
        IReadOnlyList<double> response,
        IReadOnlyList<(string Term, IReadOnlyList<double> Column)> fixedTerms,
        IReadOnlyList<(string Term, IReadOnlyList<double> Column)> randomTerms,
        string groupName,
        IReadOnlyList<string> groups,
        bool copy)
    {
        var n = response.Count;
        if (fixedTerms.Count == 0 || randomTerms.Count == 0)
        {
            throw new ArgumentException("A mixed model needs at least one fixed and one random term.");
        }

        if (groups.Count != n
            || fixedTerms.Any(t => t.Column.Count != n)
            || randomTerms.Any(t => t.Column.Count != n))
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

        var levels = new List<string>();
        var levelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var groupIndex = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (!levelIndex.TryGetValue(groups[i], out var g))
            {
                g = levels.Count;
                levelIndex.Add(groups[i], g);
                levels.Add(groups[i]);
            }

            groupIndex[i] = g;
        }

        var responseArray = Store(response);
        var fixedColumns = fixedTerms.Select(t => Store(t.Column)).ToArray();
        var randomColumns = randomTerms.Select(t => Store(t.Column)).ToArray();
        if (!responseArray.All(double.IsFinite)
            || !fixedColumns.All(c => c.All(double.IsFinite))
            || !randomColumns.All(c => c.All(double.IsFinite)))
        {
            throw new ArgumentException("Model data must be finite; drop incomplete rows first.");
        }

        return new MixedModelSpec(
            responseName,
            fixedTerms.Select(t => t.Term).ToArray(),
            randomTerms.Select(t => t.Term).ToArray(),
            groupName,
            levels,
            responseArray,
            fixedColumns,
            randomColumns,
            groupIndex);
    }
}

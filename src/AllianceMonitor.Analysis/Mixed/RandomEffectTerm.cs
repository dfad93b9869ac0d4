namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// The data of one random-effect term <c>(z_1 + ... + z_q | group)</c>, as passed to <see cref="MixedModelSpec.Create(string, IReadOnlyList{double}, IReadOnlyList{ValueTuple{string, IReadOnlyList{double}}}, IReadOnlyList{RandomEffectTermData})"/>.
/// </summary>
/// <param name="GroupName">Name of the grouping factor, e.g. <c>patient_id</c>.</param>
/// <param name="Groups">Group label of each observation.</param>
/// <param name="Columns">Term names paired with their columns (use 1s for an intercept).</param>
public sealed record RandomEffectTermData(
    string GroupName,
    IReadOnlyList<string> Groups,
    IReadOnlyList<(string Term, IReadOnlyList<double> Column)> Columns);

/// <summary>
/// One random-effect term of a <see cref="MixedModelSpec"/>: per level of its grouping factor, a
/// vector of q effects <c>b_g ~ N(0, Sigma)</c> with unstructured <c>Sigma = sigma^2 T T'</c>
/// (T lower triangular, lme4's relative covariance factor). lme4 calls it a <c>reTrms</c> block,
/// MixedModels.jl a <c>ReMat</c>. Immutable.
/// </summary>
public sealed class RandomEffectTerm
{
    private readonly double[][] _columns;
    private readonly int[] _groupIndex;

    internal RandomEffectTerm(string groupName, IReadOnlyList<string> terms, IReadOnlyList<string> levels, double[][] columns, int[] groupIndex)
    {
        GroupName = groupName;
        Terms = terms;
        Levels = levels;
        _columns = columns;
        _groupIndex = groupIndex;
    }

    public string GroupName { get; }

    /// <summary>Names of the q columns (e.g. <c>(Intercept)</c>, <c>alliance_within</c>).</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Distinct groups, in the order used by <see cref="GroupIndex"/>.</summary>
    public IReadOnlyList<string> Levels { get; }

    /// <summary>Number of random effects per group.</summary>
    public int Q => Terms.Count;

    /// <summary>Number of lme4 covariance parameters: the lower triangle of T, column by column.</summary>
    public int ThetaLength => Q * (Q + 1) / 2;

    /// <summary>Index into <see cref="Levels"/> of each observation's group.</summary>
    public ReadOnlySpan<int> GroupIndex => _groupIndex;

    public ReadOnlySpan<double> Column(int term) => _columns[term];

    internal double[] ColumnArray(int term) => _columns[term];

    internal int[] GroupIndexArray => _groupIndex;
}

using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Tests.Instruments;

public class InstrumentScorerTests
{
    private static InstrumentDefinition Get(string code) =>
        InstrumentCatalog.Find(code) ?? throw new InvalidOperationException(code);

    private static InstrumentScore ScoreValid(string code, double[]? items, double? total = null)
    {
        var instrument = Get(code);
        Assert.Empty(InstrumentScorer.Validate(instrument, items, total));
        return InstrumentScorer.Score(instrument, items, total);
    }

    [Fact]
    public void Catalog_holds_the_nine_instruments_with_their_directions()
    {
        Assert.Equal(
            ["core-10", "gad-7", "oq-45", "ors", "phq-9", "srs", "wai-sr", "wai-sr-t", "who-5"],
            InstrumentCatalog.Codes.Order(StringComparer.Ordinal));
        Assert.Equal(ScoreDirection.HigherIsBetter, Get("wai-sr").Direction);
        Assert.Equal(ScoreDirection.HigherIsBetter, Get("wai-sr-t").Direction);
        Assert.Equal(ScoreDirection.HigherIsWorse, Get("phq-9").Direction);
        Assert.Equal(ScoreDirection.HigherIsWorse, Get("oq-45").Direction);
        Assert.Equal(ScoreDirection.HigherIsBetter, Get("who-5").Direction);
        Assert.Null(InstrumentCatalog.Find("WAI-SR"));
        Assert.Null(InstrumentCatalog.Find(null));
    }

    [Fact]
    public void The_therapist_form_is_scored_on_the_client_forms_scale_with_the_same_subscales()
    {
        double[] items = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2];
        var client = ScoreValid("wai-sr", items);
        var therapist = ScoreValid("wai-sr-t", items);

        Assert.Equal(client.Total, therapist.Total, 12);
        Assert.Equal(client.Subscales, therapist.Subscales);
        Assert.Equal((Get("wai-sr").TotalMin, Get("wai-sr").TotalMax), (Get("wai-sr-t").TotalMin, Get("wai-sr-t").TotalMax));
        Assert.True(Get("wai-sr-t").MeasuresAlliance);
        Assert.NotEmpty(InstrumentScorer.Validate(Get("wai-sr-t"), [.. items.Take(10)], null));
        Assert.NotEmpty(InstrumentScorer.Validate(Get("wai-sr-t"), [.. items[..11], 6], null));
    }

    [Fact]
    public void Wai_sr_total_is_the_item_mean_and_subscales_follow_the_published_key()
    {
        // Items 1..12 hold distinct values so a wrong key changes a subscale.
        double[] items = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2];
        var score = ScoreValid("wai-sr", items);

        Assert.Equal(33.0 / 12, score.Total, 12);
        Assert.Equal((1 + 2 + 5 + 2) / 4.0, score.Subscales["task"], 12);
        Assert.Equal((4 + 1 + 3 + 1) / 4.0, score.Subscales["goal"], 12);
        Assert.Equal((3 + 5 + 2 + 4) / 4.0, score.Subscales["bond"], 12);
        Assert.Null(score.Band);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(5.0)]
    public void Wai_sr_accepts_its_scale_ends(double value)
    {
        var score = ScoreValid("wai-sr", Enumerable.Repeat(value, 12).ToArray());
        Assert.Equal(value, score.Total, 12);
    }

    [Theory]
    [InlineData("phq-9", 0, 9, 0.0, "minimal")]
    [InlineData("phq-9", 4, 9, 0.0, "minimal")]
    [InlineData("phq-9", 5, 9, 0.0, "mild")]
    [InlineData("phq-9", 10, 9, 0.0, "moderate")]
    [InlineData("phq-9", 15, 9, 0.0, "moderately severe")]
    [InlineData("phq-9", 20, 9, 0.0, "severe")]
    [InlineData("phq-9", 27, 9, 0.0, "severe")]
    [InlineData("gad-7", 4, 7, 0.0, "minimal")]
    [InlineData("gad-7", 5, 7, 0.0, "mild")]
    [InlineData("gad-7", 10, 7, 0.0, "moderate")]
    [InlineData("gad-7", 15, 7, 0.0, "severe")]
    [InlineData("gad-7", 21, 7, 0.0, "severe")]
    [InlineData("who-5", 12, 5, 48.0, "poor well-being")]
    [InlineData("who-5", 13, 5, 52.0, "adequate well-being")]
    public void Sum_scores_fall_in_the_published_bands(string code, int total, int itemCount, double percentage, string band)
    {
        var max = Get(code).ItemMax;
        var items = Spread(total, itemCount, max);
        var score = ScoreValid(code, items);

        Assert.Equal(total, score.Total);
        Assert.Equal(band, score.Band);
        if (code == "who-5")
        {
            Assert.Equal(percentage, score.Subscales["percentage"]);
        }
    }

    [Theory]
    [InlineData("core-10", 10, 4.0, 40.0)]
    [InlineData("srs", 4, 10.0, 40.0)]
    [InlineData("ors", 4, 10.0, 40.0)]
    public void Top_of_scale_scores_the_maximum(string code, int itemCount, double item, double expected)
    {
        var score = ScoreValid(code, Enumerable.Repeat(item, itemCount).ToArray());
        Assert.Equal(expected, score.Total, 12);
    }

    [Fact]
    public void Srs_accepts_one_decimal_and_sums_without_float_noise()
    {
        var score = ScoreValid("srs", [7.3, 8.1, 9.9, 0.1]);
        Assert.Equal(25.4, score.Total, 12);
    }

    [Fact]
    public void Licensed_oq45_accepts_only_a_total()
    {
        var score = ScoreValid("oq-45", null, 64);
        Assert.Equal(64, score.Total);

        var withItems = InstrumentScorer.Validate(Get("oq-45"), [1, 2, 3], 64);
        Assert.Contains(withItems, e => e.Field == "items" && e.Message.Contains("licensed", StringComparison.Ordinal));

        Assert.Contains(InstrumentScorer.Validate(Get("oq-45"), null, null), e => e.Field == "total");
        Assert.Contains(InstrumentScorer.Validate(Get("oq-45"), null, 181), e => e.Field == "total");
        Assert.Contains(InstrumentScorer.Validate(Get("oq-45"), null, 12.5), e => e.Field == "total");
        Assert.Empty(InstrumentScorer.Validate(Get("oq-45"), null, 0));
        Assert.Empty(InstrumentScorer.Validate(Get("oq-45"), null, 180));
    }

    [Theory]
    [InlineData("wai-sr", 11)]
    [InlineData("wai-sr", 13)]
    [InlineData("phq-9", 8)]
    [InlineData("gad-7", 9)]
    [InlineData("who-5", 4)]
    [InlineData("srs", 3)]
    [InlineData("core-10", 11)]
    public void Wrong_item_count_is_rejected_and_never_prorated(string code, int count)
    {
        var errors = InstrumentScorer.Validate(Get(code), Enumerable.Repeat(1.0, count).ToArray(), null);
        var error = Assert.Single(errors);
        Assert.Equal("items", error.Field);
        Assert.Contains($"exactly {Get(code).ItemCount} items", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_items_are_rejected()
    {
        Assert.Contains(InstrumentScorer.Validate(Get("phq-9"), null, null), e => e.Field == "items");
        Assert.Contains(InstrumentScorer.Validate(Get("phq-9"), [], null), e => e.Field == "items");
    }

    [Fact]
    public void A_total_sent_for_an_item_scored_instrument_is_rejected()
    {
        var errors = InstrumentScorer.Validate(Get("phq-9"), Enumerable.Repeat(1.0, 9).ToArray(), 9);
        Assert.Equal("total", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData("wai-sr", 0.0)]
    [InlineData("wai-sr", 6.0)]
    [InlineData("wai-sr", 2.5)]
    [InlineData("phq-9", -1.0)]
    [InlineData("phq-9", 4.0)]
    [InlineData("phq-9", 1.5)]
    [InlineData("gad-7", 3.1)]
    [InlineData("who-5", 6.0)]
    [InlineData("core-10", 5.0)]
    [InlineData("srs", 10.1)]
    [InlineData("srs", -0.1)]
    [InlineData("srs", 7.25)]
    [InlineData("ors", 11.0)]
    [InlineData("wai-sr", double.NaN)]
    [InlineData("srs", double.PositiveInfinity)]
    public void A_bad_item_is_named_by_its_position(string code, double bad)
    {
        var instrument = Get(code);
        var items = Enumerable.Repeat(instrument.ItemMin, instrument.ItemCount).ToArray();
        items[2] = bad;

        var error = Assert.Single(InstrumentScorer.Validate(instrument, items, null));
        Assert.Equal("items[2]", error.Field);
        Assert.Contains($"from {instrument.ItemMin} to {instrument.ItemMax}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_item_is_reported_not_just_the_first()
    {
        double[] items = [1, 9, 2, 1.5, 3, 3, 2, 1, 1];
        var errors = InstrumentScorer.Validate(Get("phq-9"), items, null);
        Assert.Equal(["items[1]", "items[3]"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Scoring_an_unvalidated_form_throws()
    {
        Assert.Throws<ArgumentException>(() => InstrumentScorer.Score(Get("phq-9"), [1, 2], null));
        Assert.Throws<ArgumentException>(() => InstrumentScorer.Score(Get("oq-45"), null, null));
    }

    /// <summary>Integer items, each at most <paramref name="max"/>, summing to <paramref name="total"/>.</summary>
    private static double[] Spread(int total, int count, double max)
    {
        var items = new double[count];
        var left = total;
        for (var i = 0; i < count; i++)
        {
            items[i] = Math.Min(max, left);
            left -= (int)items[i];
        }

        Assert.Equal(0, left);
        return items;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>Errors an integrator meets first say what is wrong in their terms: the field, the expected format, the rule; never a .NET type.</summary>
public sealed partial class PlainErrorTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    public static TheoryData<string, string, string> UnreadableBodies => new()
    {
        { """{"occurredOn":"02/11/2026","measurements":[]}""", "$.occurredOn", "must be a date as YYYY-MM-DD, e.g. 2026-11-22" },
        { """{"measurements":[{"instrument":"srs","items":["7",8,9,7]}]}""", "$.measurements[0].items[0]", "must be a number" },
        { """{"measurements":[{"instrument":"srs","items":[7,8,9,7],"total":"30"}]}""", "$.measurements[0].total", "must be a number" },
        { """{"measurements":{"instrument":"srs"}}""", "$.measurements", "must be a list (a JSON array) whose every item is an object" },
        { """{"measurements":[{"instrument":7}]}""", "$.measurements[0].instrument", "must be a string" },
        { """{"measurements":[],"notes":"x"}""", "$.notes", "is not a field of this request; the fields here are occurredOn, modality, therapistId, measurements" },
        { """{"measurements":[{"instrument":"srs","score":3}]}""", "$.measurements[0].score", "is not a field of this request; the fields here are instrument, rater, timing, items, total" },
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task An_unreadable_body_names_the_field_and_the_expected_format(string json, string field, string rule)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Ingest).PutAsync("/api/v1/patients/p-1/sessions/1", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var errors = Errors(body);
        Assert.Equal(field, Assert.Single(errors.Keys));
        Assert.Equal(rule, Assert.Single(errors[field]));
        Assert.DoesNotMatch(DotNetTypeName(), body);
    }

    [Fact]
    public async Task A_non_numeric_session_number_is_a_400_naming_it()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-1/sessions/abc", Bodies.Session());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("must be an integer", Assert.Single(Errors(await response.Content.ReadAsStringAsync())["sessionNumber"]));
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_format_names_the_format()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Researcher).GetAsync("/api/v1/export/sessions?from=last-monday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("YYYY-MM-DD", Assert.Single(Errors(body)["from"]), StringComparison.Ordinal);
        Assert.DoesNotMatch(DotNetTypeName(), body);
    }

    [Theory]
    [InlineData(null, "No API key was sent")]
    [InlineData("KEY", "without the scheme")]
    [InlineData("Basic dXNlcjpwYXNz", "must use the Bearer scheme")]
    [InlineData("Bearer amk_unknownX_0000000000000000000000000000000000000000000", "not valid")]
    public async Task A_401_says_what_is_missing_and_carries_the_bearer_challenge(string? authorization, string detail)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var client = factory.Client();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization == "KEY" ? tenant.Clinician : authorization);
        }

        var response = await client.GetAsync("/api/v1/alerts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(new AuthenticationHeaderValue("Bearer"), Assert.Single(response.Headers.WwwAuthenticate));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Clinician, problem.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string[]> Errors(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    /// <summary>What a .NET type leaks as: a namespace-qualified name, a generic arity, or the serializer's member wording.</summary>
    [GeneratedRegex(@"System\.|AllianceMonitor\.|`\d|\.NET|Nullable<", RegexOptions.CultureInvariant)]
    private static partial Regex DotNetTypeName();
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AllianceMonitor.Api.Tests.Security.Fuzz;

/// <summary>Turns a valid request into a malformed one, drawing every choice from one seeded generator.</summary>
public sealed class Mutator(Random random)
{
    /// <summary>Strings that have broken parsers, databases and redirects before.</summary>
    private static readonly string[] Strings =
    [
        "", " ", "\0", "a\0b", "\n", "\r\n", "\t", "\u0007", "\u007f", "\u202e", "\u200b", "\ufeff", "\uffff", "\ud800", "\udc00x",
        "😀", "é", "ß", "Ⅻ", "名", new string('a', 65), new string('x', 5000), "../../etc/passwd", "%00", "%", "' OR 1=1 --",
        "<script>alert(1)</script>", "null", "true", "-1", "0", "2147483648", "9223372036854775808", "1e309", "NaN", "Infinity",
        "2026-13-45", "2026-02-30T25:61:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "00000000-0000-0000-0000-000000000000",
        "//evil.example", "/\\evil.example", "/\t/evil.example/", "http://127.0.0.1/", "wai-sr", "alert.created",
    ];

    /// <summary>Raw URL fragments, sent as they are: invalid percent-encoding and encoded separators included.</summary>
    private static readonly string[] RawUrlValues =
    [
        "%00", "%0a", "%09", "%0d%0a", "%ff", "%ED%A0%80", "%c0%af", "%2f", "%2e%2e", "%5c", "%25", "%zz", "%", "%F0%9F%98%80",
        "-1", "0", "2147483647", "2147483648", "99999999999999999999", "1e3", "0x10", "+1", "1.5", "true", "",
    ];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/json; charset=", "application/json; charset=utf-16", "application/json; charset=\"\"",
        "application/json; charset=latin1", "multipart/form-data", "application/x-www-form-urlencoded", "application/json; boundary=x",
        "application/*", "*/*", "application/problem+json", "application/jsonx", ";;;", "application/json;;charset=utf-8",
    ];

    private static readonly Func<Random, JsonNode?>[] Values =
    [
        _ => null,
        _ => JsonValue.Create(true),
        _ => JsonValue.Create(0),
        _ => JsonValue.Create(-1),
        _ => JsonValue.Create(int.MaxValue),
        _ => JsonValue.Create(long.MinValue),
        _ => JsonValue.Create(1e308),
        _ => JsonValue.Create(decimal.MaxValue),
        _ => JsonNode.Parse("123456789012345678901234567890"),
        _ => JsonNode.Parse("1e400"),
        _ => JsonNode.Parse("-0.0"),
        _ => JsonValue.Create(0.5),
        r => JsonValue.Create(Strings[r.Next(Strings.Length)]),
        _ => new JsonArray(),
        _ => new JsonObject(),
        r => new JsonArray(JsonValue.Create(Strings[r.Next(Strings.Length)]), null, JsonValue.Create(1)),
        _ => new JsonObject { ["nested"] = new JsonObject { ["deeper"] = new JsonArray(1, 2) } },
    ];

    /// <summary>
    /// A NUL in the path never reaches the service: Kestrel answers 400 itself and the in-process test host refuses to
    /// send it, so path values leave it out (query values and bodies keep it).
    /// </summary>
    public string PathValue(string valid)
    {
        var value = random.Next(3) switch
        {
            0 => RawUrlValues[random.Next(RawUrlValues.Length)],
            1 => Escape(Strings[random.Next(Strings.Length)]),
            _ => valid + RawUrlValues[random.Next(RawUrlValues.Length)],
        };
        return value.Replace("%00", "%01", StringComparison.Ordinal);
    }

    public string QueryValue() => random.Next(2) == 0 ? RawUrlValues[random.Next(RawUrlValues.Length)] : Escape(Strings[random.Next(Strings.Length)]);

    /// <returns>The body to send and its content type; null content type sends no header.</returns>
    public (byte[] Body, string? ContentType) Body(JsonNode? valid)
    {
        var contentType = random.Next(6) == 0 ? ContentTypes[random.Next(ContentTypes.Length)] : "application/json";
        var choice = random.Next(10);
        if (valid is null || choice == 0)
        {
            return (Encoding.UTF8.GetBytes(WholeBody()), random.Next(4) == 0 ? null : contentType);
        }

        var node = valid.DeepClone();
        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            node = Mutate(node, depth: 0);
        }

        var text = node?.ToJsonString() ?? "null";
        if (choice == 1 && text.Length > 2)
        {
            text = text[..random.Next(1, text.Length - 1)];
        }

        return (Encoding.UTF8.GetBytes(text), contentType);
    }

    private string WholeBody() => random.Next(9) switch
    {
        0 => "",
        1 => "{",
        2 => "[]",
        3 => "null",
        4 => new string('[', 200) + new string(']', 200),
        5 => "{\"a\":1,\"a\":2}",
        6 => "\"" + new string('x', 70_000) + "\"",
        7 => "\xEF\xBB\xBF{}",
        _ => "{\"unknown\":" + (Values[random.Next(Values.Length)](random)?.ToJsonString() ?? "null") + "}",
    };

    private JsonNode? Mutate(JsonNode? node, int depth)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0 && random.Next(5) != 0:
            {
                var key = obj.ElementAt(random.Next(obj.Count)).Key;
                switch (random.Next(5))
                {
                    case 0:
                        obj.Remove(key);
                        break;
                    case 1:
                        obj["extra" + random.Next(100).ToString(CultureInfo.InvariantCulture)] = Values[random.Next(Values.Length)](random);
                        break;
                    default:
                        var child = obj[key];
                        obj[key] = null;
                        obj[key] = Mutate(child?.DeepClone(), depth + 1);
                        break;
                }

                return obj;
            }

            case JsonArray array when array.Count > 0 && random.Next(4) != 0:
            {
                var index = random.Next(array.Count);
                if (random.Next(3) == 0)
                {
                    array.RemoveAt(index);
                }
                else
                {
                    var child = array[index];
                    array[index] = null;
                    array[index] = Mutate(child?.DeepClone(), depth + 1);
                }

                return array;
            }

            default:
                return Values[random.Next(Values.Length)](random);
        }
    }

    /// <summary>Percent-encodes a string; one that is not valid UTF-16 (a lone surrogate) goes out as invalid UTF-8 bytes instead.</summary>
    private static string Escape(string value)
    {
        try
        {
            return Uri.EscapeDataString(value);
        }
        catch (UriFormatException)
        {
            return "%ED%A0%80";
        }
    }

    public static void SetContentType(HttpContent content, string? contentType)
    {
        content.Headers.ContentType = null;
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
    }

    public static MediaTypeHeaderValue Json => new("application/json");
}

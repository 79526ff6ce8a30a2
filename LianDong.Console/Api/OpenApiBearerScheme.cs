using System.Text.Json;
using System.Text.Json.Nodes;

namespace LianDong.Console.Api;

/// <summary>
/// Declares the API's key scheme in the OpenAPI document: <c>components.securitySchemes.Bearer</c> (HTTP bearer) and a
/// top-level requirement of it, so generated clients send <c>Authorization: Bearer &lt;key&gt;</c>. A document
/// transformer would be the usual way, but it cannot be compiled against the pinned Microsoft.OpenApi (see
/// <see cref="StorefrontEndpoints.AddStorefrontApi"/>), so this middleware, on the document's path only, lets the
/// document be generated into a buffer and adds the two members to the JSON before it is sent. The document stays public.
/// </summary>
internal static class OpenApiBearerScheme
{
    public const string SchemeName = "Bearer";

    public static async Task AddToDocumentAsync(HttpContext http, RequestDelegate next)
    {
        var response = http.Response;
        var body = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try { await next(http); }
        finally { response.Body = body; }

        buffer.Position = 0;
        if (response.StatusCode != StatusCodes.Status200OK || buffer.Length == 0)
        {
            await buffer.CopyToAsync(body, http.RequestAborted);
            return;
        }
        var document = JsonNode.Parse(buffer)!.AsObject();
        if (document["components"] is not JsonObject components) document["components"] = components = new JsonObject();
        if (components["securitySchemes"] is not JsonObject schemes) components["securitySchemes"] = schemes = new JsonObject();
        schemes[SchemeName] = new JsonObject
        {
            ["type"] = "http",
            ["scheme"] = "bearer",
            ["description"] = "An API key (ld_ + 43 characters) made on the 接口密钥 API keys page or with `api-key create`; see docs/api.md.",
        };
        document["security"] = new JsonArray(new JsonObject { [SchemeName] = new JsonArray() });
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions { WriteIndented = true });
        response.ContentLength = bytes.Length;
        await body.WriteAsync(bytes, http.RequestAborted);
    }
}

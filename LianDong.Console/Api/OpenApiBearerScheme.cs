using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LianDong.Console.Api;

/// <summary>
/// Declares the API's key scheme in the OpenAPI document: <c>components.securitySchemes.Bearer</c> (HTTP bearer) and a
/// top-level requirement of it, so generated clients send <c>Authorization: Bearer &lt;key&gt;</c>. The document stays public.
/// </summary>
internal sealed class OpenApiBearerScheme : IOpenApiDocumentTransformer
{
    public const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key (ld_ + 43 characters) made on the 接口密钥 API keys page or with `api-key create`; see docs/api.md.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
        return Task.CompletedTask;
    }
}

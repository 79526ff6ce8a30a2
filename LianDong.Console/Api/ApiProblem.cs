using Microsoft.AspNetCore.Http.HttpResults;

namespace LianDong.Console.Api;

/// <summary>
/// A refusal of the storefront API: becomes an RFC 7807 problem with the status, the message as
/// <c>detail</c>, and the offending request field as <c>field</c> (and in <c>errors</c>).
/// </summary>
public sealed class ApiProblemException(int status, string? field, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string? Field { get; } = field;

    public static ApiProblemException BadRequest(string field, string message) => new(StatusCodes.Status400BadRequest, field, message);
    public static ApiProblemException NotFound(string field, string message) => new(StatusCodes.Status404NotFound, field, message);
    public static ApiProblemException Conflict(string field, string message) => new(StatusCodes.Status409Conflict, field, message);
    public static ApiProblemException Unprocessable(string field, string message) => new(StatusCodes.Status422UnprocessableEntity, field, message);
    public static ApiProblemException Forbidden(string? field, string message) => new(StatusCodes.Status403Forbidden, field, message);
}

public static class ApiProblems
{
    public static ProblemHttpResult Of(int status, string? field, string detail)
    {
        var extensions = new Dictionary<string, object?>();
        if (field is not null)
        {
            extensions["field"] = field;
            extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }
        return TypedResults.Problem(detail: detail, statusCode: status, extensions: extensions);
    }

    public static ProblemHttpResult Of(ApiProblemException e) => Of(e.Status, e.Field, e.Message);
}

namespace LianDong.Console.Hosting;

/// <summary>
/// Stopping (SIGTERM, Ctrl+C) with browser tabs open used to take the whole 30 s shutdown timeout. Kestrel closes the
/// open circuits' WebSockets when stopping begins, and every tab reconnects at once over a kept-alive connection that
/// Kestrel still serves; that new WebSocket is accepted after the close went out, so it stays open until the timeout
/// aborts it. Once stopping has begun, new requests are answered 503 with <c>Connection: close</c> (the storefront
/// retries: every write is idempotent), and the timeout is cut to a few seconds as a bound for anything else.
/// </summary>
public static class GracefulStop
{
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(8);

    public static IServiceCollection AddGracefulStop(this IServiceCollection services) =>
        services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);

    public static IApplicationBuilder UseRefusalWhileStopping(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use((context, next) =>
        {
            if (!stopping.IsCancellationRequested) return next(context);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.Connection = "close";
            context.Response.Headers.RetryAfter = "5";
            return Task.CompletedTask;
        });
    }
}

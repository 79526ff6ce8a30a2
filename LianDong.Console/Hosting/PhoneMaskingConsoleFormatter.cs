using LianDong.Console.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace LianDong.Console.Hosting;

/// <summary>
/// The console log format (level, category, message, exception) with phone numbers masked in
/// the message and in the exception text, so personal data does not reach the logs even when
/// an exception message quotes a request.
/// </summary>
public sealed class PhoneMaskingConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "liandong-masked";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;
        textWriter.WriteLine(Format(logEntry.LogLevel, logEntry.Category, logEntry.EventId.Id, message, logEntry.Exception));
    }

    public static string Format(LogLevel level, string category, int eventId, string? message, Exception? exception)
    {
        var line = $"{Level(level)}: {category}[{eventId}]{Environment.NewLine}      {message}";
        if (exception is not null) line += Environment.NewLine + exception;
        return PhoneMask.Mask(line);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}

public static class PhoneMaskingLogging
{
    /// <summary>Console logging through <see cref="PhoneMaskingConsoleFormatter"/>.</summary>
    public static ILoggingBuilder AddPhoneMaskingConsole(this ILoggingBuilder logging)
    {
        logging.AddConsoleFormatter<PhoneMaskingConsoleFormatter, ConsoleFormatterOptions>();
        logging.AddConsole(o => o.FormatterName = PhoneMaskingConsoleFormatter.FormatterName);
        return logging;
    }
}

using MudBlazor;

namespace LianDong.Console.Features.Shared;

/// <summary>The console's way of asking before an action and saying after it what was done.</summary>
public static class Feedback
{
    /// <summary>
    /// Shows <see cref="ConfirmDialog"/> and answers whether the user confirmed. <paramref name="facts"/> are what the
    /// action will do, as label and value (an amount as yuan, a count): the user sees them before anything moves.
    /// </summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string? message,
        IReadOnlyList<(string Label, string Value)> facts, string? confirmText = null, bool danger = false)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.Facts, facts },
            { d => d.ConfirmText, confirmText },
            { d => d.Danger, danger },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters,
            new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }

    /// <summary>A short toast after an action succeeded.</summary>
    public static void Done(this ISnackbar snackbar, string message) => snackbar.Add(message, Severity.Success);

    /// <summary>A toast for an action that was refused, with the reason in words.</summary>
    public static void Refused(this ISnackbar snackbar, string message) => snackbar.Add(message, Severity.Error);
}

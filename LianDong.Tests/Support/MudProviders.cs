using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace LianDong.Tests.Support;

/// <summary>Renders a component the way the layout hosts it: after MudBlazor's popover, dialog and snackbar providers (dialogs and toasts open there).</summary>
public static class MudProviders
{
    /// <summary>
    /// Renders <typeparamref name="T"/> with <paramref name="parameters"/> (name → value) beside the providers. Render once
    /// per test: a second set of providers in the same context would clash.
    /// </summary>
    public static IRenderedComponent<ContainerFragment> RenderWithProviders<T>(this BunitContext context, IReadOnlyDictionary<string, object?>? parameters = null)
        where T : IComponent => context.Render(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<MudDialogProvider>(1);
        b.CloseComponent();
        b.OpenComponent<MudSnackbarProvider>(2);
        b.CloseComponent();
        b.OpenComponent<T>(3);
        if (parameters is not null) b.AddMultipleAttributes(4, parameters);
        b.CloseComponent();
    });

    /// <summary>The message MudBlazor shows under the input named <paramref name="field"/>, or "" when it shows none.</summary>
    public static string FieldError(this IRenderedComponent<ContainerFragment> cut, string field) =>
        cut.FindAll(".mud-input-control").Single(c => c.QuerySelector($"[name='{field}']") is not null)
            .QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";
}

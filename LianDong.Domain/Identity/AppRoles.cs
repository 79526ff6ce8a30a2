namespace LianDong.Domain.Identity;

/// <summary>The three console roles. A user may hold several; Merchant users are bound to one merchant.</summary>
public static class AppRoles
{
    public const string PlatformAdmin = "PlatformAdmin";
    public const string Merchant = "Merchant";
    public const string Finance = "Finance";

    public static readonly IReadOnlyList<string> All = [PlatformAdmin, Merchant, Finance];
}

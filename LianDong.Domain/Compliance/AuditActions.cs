namespace LianDong.Domain.Compliance;

/// <summary>Action codes written to <see cref="AuditLogEntry.Action"/> by the console's user and merchant administration.</summary>
public static class AuditActions
{
    public const string UserCreate = "user.create";
    public const string UserUpdate = "user.update";
    public const string UserRoles = "user.roles";
    public const string UserMerchant = "user.merchant";
    public const string UserLock = "user.lock";
    public const string UserUnlock = "user.unlock";
    public const string UserPasswordReset = "user.password-reset";
    public const string UserPasswordChange = "user.password-change";
    public const string RoleCreate = "role.create";
    public const string MerchantCreate = "merchant.create";
    public const string MerchantUpdate = "merchant.update";
    public const string PayoutCreate = "payout.create";
    public const string PayoutApprove = "payout.approve";
    public const string PayoutCancel = "payout.cancel";
    public const string PayoutExport = "payout.export";
    public const string PayoutLinePaid = "payout.line-paid";
    public const string PayoutLineFailed = "payout.line-failed";
    public const string PayoutImport = "payout.import";
    /// <summary>A payout action that was refused (nothing changed): who tried what on which batch, and why not.</summary>
    public const string PayoutClose = "payout.close";
    public const string PayoutRefused = "payout.refused";
    public const string PackCreate = "pack.create";
    public const string PackUpdate = "pack.update";
    public const string ExportDownload = "export.download";
    public const string NightlyRunByHand = "nightly.run";
    public const string DemoSeed = "demo.seed";
}

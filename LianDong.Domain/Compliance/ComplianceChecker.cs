namespace LianDong.Domain.Compliance;

/// <summary>Section 9 checks made per reward.</summary>
public static class ComplianceChecker
{
    public const int MaxBeneficiariesPerOrder = 3;

    /// <summary>A reward is posted only if its beneficiary is at most <paramref name="maxDistance"/> referral steps above the buyer.</summary>
    public static bool WithinDistance(int distance, int maxDistance) => distance >= 1 && distance <= maxDistance;
}

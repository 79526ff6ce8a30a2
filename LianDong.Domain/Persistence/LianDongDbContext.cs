using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Persistence;

/// <summary>
/// The one context for Identity and the domain. Partial so each area keeps its DbSets beside it;
/// mappings live in <c>EntityConfigurations/</c> and are picked up from this assembly.
/// </summary>
public partial class LianDongDbContext(DbContextOptions<LianDongDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole, string>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(LianDongDbContext).Assembly);
    }
}

/// <summary>A console user (admin, merchant or finance). Merchant users are bound to one merchant.</summary>
public class AppUser : IdentityUser
{
    public string? DisplayName { get; set; }

    /// <summary>The merchant a Merchant user acts for; null for admins and finance.</summary>
    public long? MerchantId { get; set; }

    /// <summary>The console language the user chose ("zh-CN" or "en-US"); null until they choose (Chinese).</summary>
    [System.ComponentModel.DataAnnotations.MaxLength(16)]
    public string? Culture { get; set; }

    /// <summary>The colour theme the user chose ("system", "light" or "dark"); null until they choose (system).</summary>
    [System.ComponentModel.DataAnnotations.MaxLength(16)]
    public string? Theme { get; set; }
}

namespace LianDong.Console.Features.Orders;

/// <summary>The orders page's words: OrdersText.resx (Chinese, the default) and OrdersText.en.resx, read through <c>IStringLocalizer&lt;OrdersText&gt;</c>.</summary>
public sealed class OrdersText;

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LianDong.Domain.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ScaleIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LedgerDailyTotals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PostingDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    PackId = table.Column<long>(type: "INTEGER", nullable: true),
                    EntryCount = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountFen = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerDailyTotals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LedgerDailyTotals_GiftPacks_PackId",
                        column: x => x.PackId,
                        principalTable: "GiftPacks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "LedgerTotalsWatermarks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    EntryId = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangeId = table.Column<long>(type: "INTEGER", nullable: false),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    RefreshedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerTotalsWatermarks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PackOrderTotals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PackId = table.Column<long>(type: "INTEGER", nullable: false),
                    OrderCount = table.Column<long>(type: "INTEGER", nullable: false),
                    PriceFen = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackOrderTotals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PackOrderTotals_GiftPacks_PackId",
                        column: x => x.PackId,
                        principalTable: "GiftPacks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_RefundedAt_Kind_PackId_PriceFen",
                table: "Orders",
                columns: new[] { "RefundedAt", "Kind", "PackId", "PriceFen" });

            migrationBuilder.CreateIndex(
                name: "IX_MemberRankChanges_At_ToRank",
                table: "MemberRankChanges",
                columns: new[] { "At", "ToRank" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerDailyTotals_PackId",
                table: "LedgerDailyTotals",
                column: "PackId");

            migrationBuilder.CreateIndex(
                name: "IX_PackOrderTotals_PackId",
                table: "PackOrderTotals",
                column: "PackId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LedgerDailyTotals");

            migrationBuilder.DropTable(
                name: "LedgerTotalsWatermarks");

            migrationBuilder.DropTable(
                name: "PackOrderTotals");

            migrationBuilder.DropIndex(
                name: "IX_Orders_RefundedAt_Kind_PackId_PriceFen",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_MemberRankChanges_At_ToRank",
                table: "MemberRankChanges");
        }
    }
}

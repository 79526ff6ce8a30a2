using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LianDong.Domain.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RuleSetWithdraw : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RuleSets_EffectiveFrom",
                table: "RuleSets");

            migrationBuilder.AddColumn<long>(
                name: "WithdrawnAt",
                table: "RuleSets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WithdrawnBy",
                table: "RuleSets",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_RuleSets_EffectiveFrom",
                table: "RuleSets",
                column: "EffectiveFrom",
                unique: true,
                filter: "\"WithdrawnAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RuleSets_EffectiveFrom",
                table: "RuleSets");

            migrationBuilder.DropColumn(
                name: "WithdrawnAt",
                table: "RuleSets");

            migrationBuilder.DropColumn(
                name: "WithdrawnBy",
                table: "RuleSets");

            migrationBuilder.CreateIndex(
                name: "IX_RuleSets_EffectiveFrom",
                table: "RuleSets",
                column: "EffectiveFrom",
                unique: true);
        }
    }
}

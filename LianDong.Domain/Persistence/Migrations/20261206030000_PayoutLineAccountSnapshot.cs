using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LianDong.Domain.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PayoutLineAccountSnapshot : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProtectedAccount",
                table: "PayoutLines",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ProtectedAccount",
                table: "PayoutLines");
        }
    }
}

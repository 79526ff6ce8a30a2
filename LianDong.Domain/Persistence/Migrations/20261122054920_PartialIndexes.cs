using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LianDong.Domain.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PartialIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Members_FormerLeaderId",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_Members_LeaderId_Id",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_Members_PeerBeneficiaryId",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_BeneficiaryId_Status_AmountFen",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_ChannelTaskId",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_ReversesEntryId",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_Status_ChannelTaskId",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_Status_SettlesOn",
                table: "LedgerEntries");

            migrationBuilder.CreateIndex(
                name: "IX_Members_FormerLeaderId",
                table: "Members",
                column: "FormerLeaderId",
                filter: "\"FormerLeaderId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Members_LeaderId_Id",
                table: "Members",
                columns: new[] { "LeaderId", "Id" },
                filter: "\"LeaderId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Members_PeerBeneficiaryId",
                table: "Members",
                column: "PeerBeneficiaryId",
                filter: "\"PeerBeneficiaryId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_Frozen_ChannelTaskId",
                table: "LedgerEntries",
                columns: new[] { "ChannelTaskId", "BeneficiaryId", "AmountFen", "Status" },
                filter: "\"Status\" = 1");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_Pending_SettlesOn",
                table: "LedgerEntries",
                columns: new[] { "SettlesOn", "BeneficiaryId", "AmountFen", "Status" },
                filter: "\"Status\" = 0");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_ReversesEntryId",
                table: "LedgerEntries",
                column: "ReversesEntryId",
                filter: "\"ReversesEntryId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Members_FormerLeaderId",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_Members_LeaderId_Id",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_Members_PeerBeneficiaryId",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_Frozen_ChannelTaskId",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_Pending_SettlesOn",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_ReversesEntryId",
                table: "LedgerEntries");

            migrationBuilder.CreateIndex(
                name: "IX_Members_FormerLeaderId",
                table: "Members",
                column: "FormerLeaderId");

            migrationBuilder.CreateIndex(
                name: "IX_Members_LeaderId_Id",
                table: "Members",
                columns: new[] { "LeaderId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Members_PeerBeneficiaryId",
                table: "Members",
                column: "PeerBeneficiaryId");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_BeneficiaryId_Status_AmountFen",
                table: "LedgerEntries",
                columns: new[] { "BeneficiaryId", "Status", "AmountFen" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_ChannelTaskId",
                table: "LedgerEntries",
                column: "ChannelTaskId");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_ReversesEntryId",
                table: "LedgerEntries",
                column: "ReversesEntryId");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_Status_ChannelTaskId",
                table: "LedgerEntries",
                columns: new[] { "Status", "ChannelTaskId" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_Status_SettlesOn",
                table: "LedgerEntries",
                columns: new[] { "Status", "SettlesOn" });
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cutover.Engine.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DeploymentIdempotencyKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "deployments",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_deployments_App_IdempotencyKey",
                table: "deployments",
                columns: new[] { "App", "IdempotencyKey" },
                unique: true,
                filter: "\"IdempotencyKey\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_deployments_App_IdempotencyKey",
                table: "deployments");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "deployments");
        }
    }
}

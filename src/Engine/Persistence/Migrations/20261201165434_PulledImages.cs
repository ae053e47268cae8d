using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cutover.Engine.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PulledImages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "pulled_images",
                columns: table => new
                {
                    App = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Image = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    PulledAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pulled_images", x => new { x.App, x.Image });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pulled_images");
        }
    }
}

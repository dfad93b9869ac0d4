using System.Text.Json;
using AllianceMonitor.Analysis.Instruments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class FormLinkConfiguration : IEntityTypeConfiguration<FormLink>
{
    public void Configure(EntityTypeBuilder<FormLink> builder)
    {
        builder.ToTable("form_links", table => table.HasCheckConstraint("ck_form_links_rater", VocabularyColumns.OneOf<Rater>("rater")));
        builder.Property(l => l.Rater).HasMaxLength(16);
        builder.Property(l => l.Language).HasMaxLength(16);
        builder.Property(l => l.ReturnUrl).HasMaxLength(2000);
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.HasIndex(l => new { l.ClinicId, l.CreatedAt });
        builder.HasOne<Clinic>().WithMany().HasForeignKey(l => l.ClinicId).OnDelete(DeleteBehavior.Cascade);

        // Erasing a patient erases the links made for them, used or not.
        builder.HasOne(l => l.Patient).WithMany().HasForeignKey(l => l.PatientId).OnDelete(DeleteBehavior.Cascade);
        builder.OwnsMany(l => l.Instruments, instrument =>
        {
            instrument.ToTable("form_link_instruments", table =>
                table.HasCheckConstraint("ck_form_link_instruments_timing", VocabularyColumns.OneOf<Timing>("timing")));
            instrument.WithOwner().HasForeignKey("FormLinkId");
            instrument.HasKey("FormLinkId", nameof(FormLinkInstrument.Position));
            instrument.Property(i => i.Position).ValueGeneratedNever();
            instrument.Property(i => i.Instrument).HasMaxLength(16);
            instrument.Property(i => i.Timing).HasMaxLength(8);
        });
        builder.Navigation(l => l.Instruments).AutoInclude();
    }
}

internal sealed class FormTextPackConfiguration : IEntityTypeConfiguration<FormTextPack>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<FormTextPack> builder)
    {
        builder.ToTable("form_text_packs");
        builder.HasKey(p => new { p.ClinicId, p.Instrument, p.Language });
        builder.Property(p => p.Instrument).HasMaxLength(16);
        builder.Property(p => p.Language).HasMaxLength(16);
        builder.HasOne<Clinic>().WithMany().HasForeignKey(p => p.ClinicId).OnDelete(DeleteBehavior.Cascade);

        // A document: the wording is read and written whole, never queried by part.
        builder.Property(p => p.Wording)
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, Json),
                v => JsonSerializer.Deserialize<FormWording>(v, Json)!);
    }
}

internal sealed class FormSettingsConfiguration : IEntityTypeConfiguration<FormSettings>
{
    public void Configure(EntityTypeBuilder<FormSettings> builder)
    {
        builder.ToTable("form_settings");
        builder.HasKey(s => s.ClinicId);
        builder.HasOne<Clinic>().WithOne().HasForeignKey<FormSettings>(s => s.ClinicId).OnDelete(DeleteBehavior.Cascade);
    }
}

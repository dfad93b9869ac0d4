using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Data;

public sealed class AllianceDbContext(DbContextOptions<AllianceDbContext> options) : DbContext(options)
{
    public DbSet<Clinic> Clinics => Set<Clinic>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Therapist> Therapists => Set<Therapist>();
    public DbSet<Patient> Patients => Set<Patient>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<Measurement> Measurements => Set<Measurement>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<CalibrationRecord> Calibrations => Set<CalibrationRecord>();
    public DbSet<ClinicSettings> ClinicSettings => Set<ClinicSettings>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<ExportRecord> ExportLog => Set<ExportRecord>();
    public DbSet<ResearchKey> ResearchKeys => Set<ResearchKey>();
    public DbSet<DataProtectionKeyEntity> DataProtectionKeys => Set<DataProtectionKeyEntity>();
    public DbSet<FormLink> FormLinks => Set<FormLink>();
    public DbSet<FormTextPack> FormTextPacks => Set<FormTextPack>();
    public DbSet<FormSettings> FormSettings => Set<FormSettings>();
    public DbSet<ClinicChangeCounter> ClinicChangeCounters => Set<ClinicChangeCounter>();
    public DbSet<ClinicRefitMark> ClinicRefitMarks => Set<ClinicRefitMark>();
    public DbSet<SeriesDetectorState> SeriesDetectorStates => Set<SeriesDetectorState>();
    public DbSet<PatientRatingPack> PatientRatingPacks => Set<PatientRatingPack>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        VocabularyColumns.Configure(configurationBuilder);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AllianceDbContext).Assembly);
}
